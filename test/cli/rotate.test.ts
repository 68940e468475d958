import { PassThrough } from 'node:stream';

import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';

import { main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';
import { FakeGitHub } from '../fakes/github/server.js';
import { GitRepo } from '../helpers/git-repo.js';
import { fakeGithubToken, fakeStripeKey } from '../rotation/fake-secrets.js';

const stripe = fakeStripeKey();
const gh = fakeGithubToken();
const WORKFLOW = `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.AWS_KEY_ID }}
          aws-secret-access-key: \${{ secrets.AWS_SECRET }}
          aws-region: us-east-1
`;

let repo: GitRepo;
beforeAll(() => {
  repo = GitRepo.create();
  repo.commit('app', {
    'src/pay.ts': `// payments\nexport const stripeKey = '${stripe}';\n`,
    'deploy.sh': `#!/bin/sh\nexport GH_TOKEN=${gh}\n`,
    '.github/workflows/deploy.yml': WORKFLOW,
  });
});
afterAll(() => repo.remove());

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io = { stdout, stderr, env } as unknown as Io;
  const code = await main(['rotate', ...args], io);
  return { code, out, err };
}

describe('keyless rotate --dry-run', () => {
  it('prints ids, kinds, titles and a diff summary, never a value', async () => {
    const { code, out, err } = await run([
      repo.root,
      '--dry-run',
      '--repository',
      'acme/shop',
      '--generate',
      'HOOK_SECRET',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Rotation plan for acme/shop (main): 4 item(s), 0 note(s)');
    expect(out).toMatch(
      /\nliteral-src-pay-ts-[0-9a-f]{6} {2}\[literal\]\n {2}Remove hard-coded Stripe live secret key from src\/pay\.ts\n/,
    );
    expect(out).toContain('  M src/pay.ts (+1 -1)\n  A .keyless/rotation.yml (+');
    expect(out).toContain('oidc-deploy-deploy  [migrate-oidc]');
    expect(out).toContain('  M .github/workflows/deploy.yml (+');
    expect(out).toContain('generated-hook-secret  [generated]');
    expect(out).toContain(
      '  stages HOOK_SECRET_NEXT (repository) with a generated value, promoted to HOOK_SECRET on merge',
    );
    expect(out).not.toContain(stripe);
    expect(out).not.toContain(gh);
  });

  it('--format json: items with files, staged names and bodies; no values', async () => {
    const { code, out } = await run([
      repo.root,
      '--dry-run',
      '--format',
      'json',
      '--repository',
      'acme/shop',
      '--generate',
      'HOOK_SECRET@environment:prod',
      '--labels',
      'team-a',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out) as {
      items: Array<{
        id: string;
        kind: string;
        labels: string[];
        files: Array<{ path: string; change: string }>;
        secrets: unknown[];
        body: string;
      }>;
    };
    expect(json.items.map((i) => i.kind)).toEqual(['literal', 'literal', 'migrate-oidc', 'generated']);
    const generated = json.items[3];
    expect(generated?.secrets).toEqual([
      { name: 'HOOK_SECRET', scope: 'environment:prod', staged: 'HOOK_SECRET_NEXT' },
    ]);
    expect(generated?.labels).toEqual(['keyless', 'security', 'rotation:generated', 'team-a']);
    expect(json.items.flatMap((i) => i.files).find((f) => f.path === 'deploy.sh')?.change).toBe('modified');
    expect(out).not.toMatch(/"value"/);
    expect(out).not.toContain(stripe);
  });

  it('refuses bad options with exit 2', async () => {
    expect((await run([repo.root, '--dry-run', '--max-age', '3 months'])).code).toBe(2);
    expect((await run([repo.root, '--dry-run', '--generate', 'X@nowhere'])).err).toContain(
      '"nowhere" is not a scope',
    );
    expect((await run([repo.root, '--dry-run', '--format', 'sarif'])).code).toBe(2);
  });
});

describe('keyless rotate (publish)', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await new FakeGitHub().start();
    github.git.commitFiles({ 'README.md': '# shop\n' });
  });
  afterAll(() => github.stop());

  it('publishes one pull request per item through the forge and stages generated values', async () => {
    const env = {
      KEYLESS_GITHUB_TOKEN: github.token,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/shop',
    };
    const { code, out } = await run([repo.root, '--generate', 'HOOK_SECRET'], env);
    expect(code).toBe(0);
    expect(out.split('\n').filter((l) => l.startsWith('created'))).toHaveLength(4);
    expect(github.pulls.pulls.map((p) => p.head).sort()).toEqual(
      expect.arrayContaining(['keyless/rotate/oidc-deploy-deploy', 'keyless/rotate/generated-hook-secret']),
    );
    const staged = github.secrets.value('HOOK_SECRET_NEXT');
    expect(staged).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const pull of github.pulls.pulls) {
      expect(pull.body).not.toContain(staged as string);
      expect(pull.body).not.toContain(stripe);
    }
    expect(out).not.toContain(staged as string);
    // A second run updates the same pull requests instead of opening new ones.
    const again = await run([repo.root], env);
    expect(again.code).toBe(0);
    expect(github.pulls.pulls).toHaveLength(4);
  });

  it('a dry run with a token inventories CI secrets and writes nothing', async () => {
    github.secrets.set('SLACK_HOOK', 'not-a-real-value-1', { updatedAt: '2026-11-01T00:00:00Z' });
    const pulls = github.pulls.pulls.length;
    const env = {
      KEYLESS_GITHUB_TOKEN: github.token,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/shop',
    };
    const { code, out } = await run([repo.root, '--dry-run'], env);
    expect(code).toBe(0);
    expect(out).toContain('CI secret SLACK_HOOK (repository) is not in .keyless/rotation.yml');
    expect(github.pulls.pulls).toHaveLength(pulls);
  });

  it('a dry run whose token cannot read secrets still prints the plan, with a warning', async () => {
    const env = {
      KEYLESS_GITHUB_TOKEN: 'wrong-token',
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/shop',
    };
    const { code, out, err } = await run([repo.root, '--dry-run'], env);
    expect(code).toBe(0);
    expect(err).toContain('keyless: warning: CI secrets not inventoried:');
    expect(out).toContain('oidc-deploy-deploy  [migrate-oidc]');
  });

  it('without a token it says which token is needed', async () => {
    const { code, err } = await run([repo.root, '--repository', 'acme/shop'], {});
    expect(code).toBe(2);
    expect(err).toContain('GitHub App token');
  });
});
