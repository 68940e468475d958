import { describe, it, expect, afterAll } from '@jest/globals';

import { scanLiterals } from '../../rotation/inventory/literals.js';
import type { LiteralSubject } from '../../rotation/inventory/literals.js';
import { envExample, ignoreEntry, retireSecretsFile } from '../../rotation/rewrite/dotenv.js';
import { fileKind } from '../../rotation/rewrite/file-kind.js';
import { replaceLiteral } from '../../rotation/rewrite/literal.js';
import { GitRepo } from '../helpers/git-repo.js';
import { fakeGithubToken, fakeStripeKey } from './fake-secrets.js';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const gh = fakeGithubToken();
const stripe = fakeStripeKey();
const repos: GitRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

async function scanned(
  files: Record<string, string>,
): Promise<{ repo: GitRepo; subjects: LiteralSubject[] }> {
  const repo = GitRepo.create();
  repos.push(repo);
  repo.commit('add files', files);
  const { subjects } = await scanLiterals({ root: repo.root });
  return { repo, subjects };
}

/** Rewrites the one literal the scanner found in `path` and returns the new file text. */
async function rewrite(
  path: string,
  text: string,
): Promise<{ content: string; reference: string; name: string }> {
  const { repo, subjects } = await scanned({ [path]: text });
  const subject = subjects.find((s) => s.locations.some((l) => l.path === path));
  expect(subject).toBeDefined();
  const location = subject?.locations[0];
  const current = readFileSync(join(repo.root, path), 'utf8');
  const result = replaceLiteral(
    current,
    path,
    location as NonNullable<typeof location>,
    subject?.ruleId as string,
  );
  expect(result).toBeDefined();
  expect(result?.content).not.toContain(gh);
  expect(result?.content).not.toContain(stripe);
  return result as { content: string; reference: string; name: string };
}

describe('replaceLiteral per file type', () => {
  it('JS/TS: a whole string literal becomes process.env.NAME', async () => {
    const r = await rewrite(
      'src/client.ts',
      `import x from 'y';\nconst stripeKey = '${stripe}';\nexport default stripeKey;\n`,
    );
    expect(r.content).toBe(
      `import x from 'y';\nconst stripeKey = process.env.STRIPE_KEY;\nexport default stripeKey;\n`,
    );
    expect(r.reference).toBe('process.env.STRIPE_KEY');
  });

  it('JS: a value inside a larger string is concatenated', async () => {
    const r = await rewrite('lib/api.js', `const auth = "token ${gh}";\n`);
    expect(r.content).toBe(`const auth = "token " + process.env.GITHUB_PAT;\n`.replace('GITHUB_PAT', r.name));
    expect(r.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('Python: os.environ with the import added once', async () => {
    const r = await rewrite(
      'app/settings.py',
      `#!/usr/bin/env python\nimport sys\n\nGITHUB_TOKEN = "${gh}"\n`,
    );
    expect(r.content).toBe(
      `#!/usr/bin/env python\nimport os\nimport sys\n\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n`,
    );
  });

  it('Go: os.Getenv with "os" added to the import block', async () => {
    const r = await rewrite(
      'main.go',
      `package main\n\nimport (\n\t"fmt"\n)\n\nvar stripeKey = "${stripe}"\n\nfunc main() { fmt.Println(stripeKey) }\n`,
    );
    expect(r.content).toBe(
      `package main\n\nimport (\n\t"os"\n\t"fmt"\n)\n\nvar stripeKey = os.Getenv("STRIPE_KEY")\n\nfunc main() { fmt.Println(stripeKey) }\n`,
    );
  });

  it.each([
    ['app/client.rb', (v: string) => `STRIPE_KEY = "${v}"\n`, 'STRIPE_KEY = ENV.fetch("STRIPE_KEY")\n'],
    [
      'src/Pay.java',
      (v: string) => `String stripeKey = "${v}";\n`,
      'String stripeKey = System.getenv("STRIPE_KEY");\n',
    ],
    [
      'src/Pay.cs',
      (v: string) => `var stripeKey = "${v}";\n`,
      'var stripeKey = Environment.GetEnvironmentVariable("STRIPE_KEY");\n',
    ],
    [
      'web/pay.php',
      (v: string) => `$auth = 'Bearer ${v}';\n`,
      "$auth = 'Bearer ' . getenv('STRIPE_SECRET_KEY');\n",
    ],
  ])("%s: the language's own environment read", async (path, source, expected) => {
    expect((await rewrite(path, source(stripe))).content).toBe(expected);
  });

  it('shell: a quoted variable expansion', async () => {
    const r = await rewrite('scripts/release.sh', `#!/bin/sh\nexport GH_TOKEN='${gh}'\ngh release create\n`);
    expect(r.content).toBe(`#!/bin/sh\nexport GH_TOKEN="\${GH_TOKEN}"\ngh release create\n`);
  });

  it('GitHub workflow: a secrets expression (never a GITHUB_ name)', async () => {
    const r = await rewrite(
      '.github/workflows/ci.yml',
      `on: push\njobs:\n  a:\n    runs-on: x\n    env:\n      GITHUB_TOKEN: ${gh}\n    steps: [{ run: make }]\n`,
    );
    expect(r.content).toContain('      GITHUB_TOKEN: ${{ secrets.GH_TOKEN }}\n');
  });

  it('GitLab CI and generic config: ${NAME}', async () => {
    const ci = await rewrite(
      '.gitlab-ci.yml',
      `variables:\n  STRIPE_KEY: "${stripe}"\njob:\n  script: [make]\n`,
    );
    expect(ci.content).toContain('  STRIPE_KEY: "${STRIPE_KEY}"\n');
    const conf = await rewrite('config/app.ini', `[payments]\nstripe_key = ${stripe}\n`);
    expect(conf.content).toBe('[payments]\nstripe_key = ${STRIPE_KEY}\n');
  });
});

describe('.env files', () => {
  it('are deleted, kept as .env.example with empty values, and ignored', async () => {
    const env = `# payments\nSTRIPE_KEY=${stripe}\nexport DEBUG=1\nMULTI="line one\nline two"\nGH=${gh}\n`;
    const { repo, subjects } = await scanned({ '.env': env, '.gitignore': 'node_modules/\n' });
    expect(subjects.some((s) => s.locations[0]?.path === '.env')).toBe(true);
    expect(fileKind('.env')).toBe('dotenv');
    const read = (p: string): string | undefined =>
      existsSync(join(repo.root, p)) ? readFileSync(join(repo.root, p), 'utf8') : undefined;
    const changes = retireSecretsFile('.env', { read }, true);
    expect(changes).toEqual([
      { path: '.env', content: null },
      { path: '.env.example', content: '# payments\nSTRIPE_KEY=\nexport DEBUG=\nMULTI=\nGH=\n' },
      { path: '.gitignore', content: 'node_modules/\n.env\n' },
    ]);
    expect(JSON.stringify(changes)).not.toContain(stripe);
  });

  it('merge into an existing example and do not re-ignore', () => {
    const read = (p: string): string | undefined =>
      ({ 'config/.env': 'A=1\nB=2\n', 'config/.env.example': 'A=\n', '.gitignore': '*.env\n.env\n' })[p];
    expect(retireSecretsFile('config/.env', { read }, true)).toEqual([
      { path: 'config/.env', content: null },
      { path: 'config/.env.example', content: 'A=\nB=\n' },
    ]);
    expect(ignoreEntry(undefined, 'certs/server.pem')).toBe('/certs/server.pem\n');
    expect(envExample('X = 1')).toBe('X=');
  });
});
