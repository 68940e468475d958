import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { parse } from 'yaml';

import { scanLiterals } from '../../rotation/inventory/literals.js';
import { diskFiles, readWorkflows } from '../../rotation/inventory/repository.js';
import { parseLedger } from '../../rotation/ledger.js';
import { buildPlan } from '../../rotation/plan.js';
import type { PlanInput } from '../../rotation/plan.js';
import type { Plan, RotationItem } from '../../rotation/types.js';
import { GitRepo } from '../helpers/git-repo.js';
import { fakeGithubToken, fakeStripeKey } from './fake-secrets.js';

const stripe = fakeStripeKey();
const gh = fakeGithubToken();
const deployYml = readFileSync(new URL('../fixtures/rotation/deploy.yml', import.meta.url), 'utf8');
const LEDGER = `version: 1
entries:
  # rotated by hand
  - id: datadog-api
    name: DD_API_KEY
    store: github-secret
    owner: '@observability'
    max-age: 30d
    last-rotated: 2026-01-10
    rotation:
      method: provider-specific
      provider: Datadog
      steps:
        - Create a new API key in Datadog
  - id: hook
    name: WEBHOOK_SECRET
    store: github-secret
    rotation: generated
  - id: fresh
    name: NPM_TOKEN
    store: github-secret
    max-age: 1y
`;

let repo: GitRepo;
let plan: Plan;
let input: PlanInput;
const now = new Date('2026-11-23T01:00:00Z');

beforeAll(async () => {
  repo = GitRepo.create();
  repo.commit('app', {
    'src/pay.ts': `export const stripeKey = '${stripe}';\n`,
    '.env': `GH_TOKEN=${gh}\nPORT=8080\n`,
    '.github/workflows/deploy.yml': deployYml,
    '.keyless/rotation.yml': LEDGER,
  });
  const { subjects } = await scanLiterals({ root: repo.root });
  input = {
    files: diskFiles(repo.root),
    repository: { slug: 'acme/shop', defaultBranch: 'main', platform: 'github' },
    literals: subjects,
    workflows: readWorkflows(repo.root),
    ciSecrets: [
      { name: 'DD_API_KEY', scope: { kind: 'repository' }, updatedAt: '2026-09-01T00:00:00Z' },
      { name: 'WEBHOOK_SECRET', scope: { kind: 'repository' }, updatedAt: '2025-01-01T00:00:00Z' },
      { name: 'NPM_TOKEN', scope: { kind: 'repository' }, updatedAt: '2026-10-01T00:00:00Z' },
      { name: 'SLACK_HOOK', scope: { kind: 'environment', environment: 'prod' } },
      { name: 'OLD_DEPLOY_KEY', scope: { kind: 'repository' }, updatedAt: '2025-06-01T00:00:00Z' },
    ],
    generate: [{ name: 'INTERNAL_TOKEN', scope: { kind: 'environment', environment: 'production' } }],
    now,
    credentialsAction: 'acme/keyless/actions/credentials@v1',
  };
  plan = buildPlan(input);
});
afterAll(() => repo.remove());

const byKind = (kind: RotationItem['kind']): RotationItem[] => plan.items.filter((i) => i.kind === kind);
const file = (item: RotationItem | undefined, path: string) => item?.files.find((f) => f.path === path);

/** Golden bodies live in test/fixtures/rotation/golden; KEYLESS_UPDATE_GOLDEN=1 rewrites them. */
function golden(name: string, body: string): void {
  const path = new URL(`../fixtures/rotation/golden/${name}.md`, import.meta.url);
  if (process.env['KEYLESS_UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path.pathname), { recursive: true });
    writeFileSync(path, body);
  }
  expect(body).toBe(readFileSync(path, 'utf8'));
}

describe('buildPlan', () => {
  it('makes one item per subject with stable, well-formed ids and labels', () => {
    expect(plan.items.map((i) => i.kind)).toEqual([
      'literal',
      'literal',
      'migrate-oidc',
      'migrate-oidc',
      'generated',
      'generated',
      'stale',
      'stale',
    ]);
    for (const item of plan.items) {
      expect(item.id).toMatch(/^[a-z0-9-]+$/);
      expect(item.labels).toEqual(['keyless', 'security', `rotation:${item.kind}`]);
    }
    expect(new Set(plan.items.map((i) => i.id)).size).toBe(plan.items.length);
    const ids = plan.items.map((i) => i.id);
    expect(ids.filter((id) => !id.startsWith('literal-'))).toEqual([
      'oidc-deploy-deploy',
      'oidc-deploy-vault',
      'generated-internal-token-production',
      'generated-webhook-secret',
      'stale-datadog-api',
      'stale-old-deploy-key',
    ]);
    expect(buildPlan(input).items.map((i) => i.id)).toEqual(ids);
  });

  it('never puts a secret value in a title, body or file', () => {
    const generated = byKind('generated').flatMap((i) => i.secrets ?? []);
    expect(generated.map((s) => s.name)).toEqual(['INTERNAL_TOKEN', 'WEBHOOK_SECRET']);
    for (const s of generated) expect(s.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const visible =
      JSON.stringify(plan.items.map(({ secrets: _s, ...rest }) => rest)) + JSON.stringify(plan.notes);
    for (const value of [stripe, gh, ...generated.map((s) => s.value)]) expect(visible).not.toContain(value);
  });

  it('literal in code: reference, compromised ledger entry, revoke steps', () => {
    const item = byKind('literal').find((i) => i.files.some((f) => f.path === 'src/pay.ts'));
    expect(item?.id).toMatch(/^literal-src-pay-ts-[0-9a-f]{6}$/);
    expect(file(item, 'src/pay.ts')?.content).toBe('export const stripeKey = process.env.STRIPE_KEY;\n');
    const ledger = parseLedger(file(item, '.keyless/rotation.yml')?.content as string);
    expect(ledger.entries.at(-1)).toMatchObject({
      id: item?.id,
      store: 'literal',
      status: 'compromised',
      path: 'src/pay.ts',
    });
    expect(ledger.entries).toHaveLength(4);
    const normalized = (item?.body as string)
      .replaceAll(item?.id as string, 'ITEM_ID')
      .replace(/`sk_l…\(\d+ chars\)`/, '`REDACTED`');
    golden('literal-stripe', normalized);
    expect(item?.body).toContain('still in the git history');
    expect(item?.body).toContain('Stripe Dashboard');
  });

  it('literal in .env: deleted, example kept, ignored', () => {
    const item = byKind('literal').find((i) => i.files.some((f) => f.path === '.env'));
    expect(item?.files.map((f) => [f.path, f.content])).toEqual([
      ['.env', null],
      ['.env.example', 'GH_TOKEN=\nPORT=\n'],
      ['.gitignore', '.env\n'],
      ['.keyless/rotation.yml', expect.stringContaining('status: compromised')],
    ]);
    expect(item?.body).toContain('Personal access tokens');
  });

  it('OIDC migration: rewritten workflow and the trust policy for the assumed claims', () => {
    const item = byKind('migrate-oidc')[0];
    const workflow = parse(file(item, '.github/workflows/deploy.yml')?.content as string) as {
      jobs: { deploy: { permissions: Record<string, string> } };
    };
    expect(workflow.jobs.deploy.permissions['id-token']).toBe('write');
    expect(item?.body).toContain(
      '"token.actions.githubusercontent.com:sub": "repo:acme/shop:environment:production"',
    );
    expect(item?.body).toContain('"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"');
    golden('oidc-deploy-deploy', item?.body as string);
    const vault = byKind('migrate-oidc')[1];
    expect(vault?.body).toContain('"repository_id": "<REPOSITORY_ID>"');
    // The workflow names its Vault: that address is the audience the credentials action asks for.
    expect(vault?.body).toMatch(/"bound_audiences": \[\s+"https:\/\/vault\.internal:8200"\s+\]/);
    expect(vault?.body).toContain('"ref": "refs/heads/main"');
  });

  it('generated: two-phase checklist, ledger entry already in its post-merge state', () => {
    const [requested, fromLedger] = byKind('generated');
    expect(requested?.secrets?.[0]?.scope).toEqual({ kind: 'environment', environment: 'production' });
    expect(requested?.body).toContain('`INTERNAL_TOKEN_NEXT`');
    golden('generated-internal-token', requested?.body as string);
    const ledger = parseLedger(file(fromLedger, '.keyless/rotation.yml')?.content as string);
    expect(ledger.entries.find((e) => e.id === 'hook')).toMatchObject({
      status: 'active',
      lastRotated: '2026-11-23',
      stagedOn: '2026-11-23',
    });
    const added = parseLedger(file(requested, '.keyless/rotation.yml')?.content as string).entries.at(-1);
    expect(added).toMatchObject({
      name: 'INTERNAL_TOKEN',
      store: 'github-secret',
      status: 'active',
      stagedOn: '2026-11-23',
      scope: { kind: 'environment', environment: 'production' },
    });
  });

  it('a stale secret that --generate rotates gets one generated item, not a stale one too', () => {
    const generated = buildPlan({
      ...input,
      generate: [{ name: 'OLD_DEPLOY_KEY', scope: { kind: 'repository' } }],
    });
    const about = generated.items.filter((i) => i.title.includes('OLD_DEPLOY_KEY'));
    expect(about.map((i) => i.kind)).toEqual(['generated']);
    // Without --generate the same secret is a stale item.
    expect(plan.items.filter((i) => i.title.includes('OLD_DEPLOY_KEY')).map((i) => i.kind)).toEqual([
      'stale',
    ]);
  });

  it('stale: ledger date updated; a stale secret missing from the ledger is added; others are notes', () => {
    const [datadog, old] = byKind('stale');
    // The platform timestamp (2026-09-01) wins over the ledger (2026-01-10).
    expect(datadog?.title).toBe('Rotate DD_API_KEY: 83 days old');
    expect(datadog?.body).toContain('[ ] Create a new API key in Datadog');
    golden('stale-datadog', datadog?.body as string);
    const text = file(datadog, '.keyless/rotation.yml')?.content as string;
    expect(text).toContain('# rotated by hand');
    expect(parseLedger(text).entries[0]?.lastRotated).toBe('2026-11-23');
    expect(parseLedger(file(old, '.keyless/rotation.yml')?.content as string).entries.at(-1)).toMatchObject({
      id: 'old-deploy-key',
      name: 'OLD_DEPLOY_KEY',
      maxAge: '90d',
    });
    expect(plan.notes).toContain(
      'CI secret SLACK_HOOK (environment:prod) is not in .keyless/rotation.yml: add its owner, max-age and rotation method',
    );
    expect(plan.notes.some((n) => n.includes('NPM_TOKEN'))).toBe(false);
  });

  it('never overwrites another entry that has the id a new entry would get', () => {
    const ledger = 'version: 1\nentries:\n  - id: hook\n    name: Partner webhook\n    store: external\n';
    const result = buildPlan({
      ...input,
      literals: [],
      workflows: [],
      ciSecrets: [],
      generate: [{ name: 'HOOK', scope: { kind: 'repository' } }],
      files: { read: (p: string) => (p === '.keyless/rotation.yml' ? ledger : undefined) },
    });
    const entries = parseLedger(file(result.items[0], '.keyless/rotation.yml')?.content as string).entries;
    expect(entries.map((e) => [e.id, e.name, e.store])).toEqual([
      ['hook', 'Partner webhook', 'external'],
      ['hook-2', 'HOOK', 'github-secret'],
    ]);
  });

  it('reports a ledger error with its line instead of planning', () => {
    const broken = {
      ...input,
      files: {
        read: (p: string) =>
          p === '.keyless/rotation.yml' ? 'version: 1\nentries:\n  - id: x\n' : undefined,
      },
    };
    expect(() => buildPlan(broken)).toThrow('.keyless/rotation.yml:3: entries[0].name: missing');
  });
});

describe('buildPlan on GitLab (variables keep no timestamps)', () => {
  const ledger = [
    'version: 1',
    'entries:',
    '  - id: registry',
    '    name: REGISTRY_PASSWORD',
    '    store: gitlab-variable',
    '    scope: group:acme/platform',
    '    max-age: 60d',
    '    last-rotated: 2026-10-01',
    '  - id: signing',
    '    name: Release signing key',
    '    store: external',
    '    max-age: 1y',
    '    last-rotated: 2026-01-02',
    '  - id: legacy',
    '    name: LEGACY_TOKEN',
    '    store: gitlab-variable',
    '    status: retired',
    '',
  ].join('\n');
  const gitlabPlan = (): Plan =>
    buildPlan({
      files: { read: (p: string) => (p === '.keyless/rotation.yml' ? ledger : undefined) },
      repository: { slug: 'acme/shop', defaultBranch: 'main', platform: 'gitlab' },
      literals: [],
      workflows: [],
      ciSecrets: [
        { name: 'REGISTRY_PASSWORD', scope: { kind: 'group', group: 'acme/platform' }, masked: true },
        { name: 'DEPLOY_KEY', scope: { kind: 'project' } },
      ],
      now: new Date('2026-11-23T00:00:00Z'),
    });

  it('takes the age from the ledger, includes external entries and skips retired ones', () => {
    const result = gitlabPlan();
    // REGISTRY_PASSWORD: 53 days by the ledger, under 60d -> fresh; the external key is 325 days, under 1y.
    expect(result.items).toEqual([]);
    expect(result.notes).toEqual([
      'CI secret DEPLOY_KEY (project) is not in .keyless/rotation.yml: add its owner, max-age and rotation method',
    ]);
  });

  it('is stale once the ledger date is past max-age', () => {
    const later = buildPlan({
      files: {
        read: (p: string) =>
          p === '.keyless/rotation.yml' ? ledger.replace('2026-10-01', '2026-08-01') : undefined,
      },
      repository: { slug: 'acme/shop', defaultBranch: 'main', platform: 'gitlab' },
      literals: [],
      workflows: [],
      ciSecrets: [{ name: 'REGISTRY_PASSWORD', scope: { kind: 'group', group: 'acme/platform' } }],
      now: new Date('2026-11-23T00:00:00Z'),
    });
    expect(later.items.map((i) => [i.id, i.title])).toEqual([
      ['stale-registry', 'Rotate REGISTRY_PASSWORD (group:acme/platform): 114 days old'],
    ]);
    expect(later.items[0]?.body).toContain(
      'GitLab CI/CD variable `REGISTRY_PASSWORD` (group:acme/platform) is 114 days old',
    );
    expect(later.items[0]?.body).toContain('according to the ledger');
  });
});

describe('buildPlan for a secret no provider rule names', () => {
  it('speaks of the issuing service, not of a provider called "Generic"', async () => {
    const generic = GitRepo.create();
    try {
      const password = 'Tq7vLx2NwR9kHs4bPz6c';
      generic.commit('db', { 'src/db.js': `connect({ host: 'db.internal', password: '${password}' });\n` });
      const { subjects } = await scanLiterals({ root: generic.root });
      const built = buildPlan({
        files: diskFiles(generic.root),
        repository: { slug: 'acme/shop', defaultBranch: 'main', platform: 'github' },
        literals: subjects,
        workflows: [],
        ciSecrets: [],
        now,
      });
      const item = built.items.find((i) => i.kind === 'literal');
      expect(item?.title).toBe('Remove hard-coded password from src/db.js');
      expect(item?.body).toContain('## A hard-coded password is in `src/db.js`');
      expect(item?.body).toContain('revoke it at the service that issued it now');
      expect(item?.body).not.toMatch(/Generic|Hard-coded Hard-coded|hard-coded Hard-coded/);
      expect(file(item, 'src/db.js')?.content).toBe(
        "connect({ host: 'db.internal', password: process.env.PASSWORD });\n",
      );
      expect(JSON.stringify(item)).not.toContain(password);
    } finally {
      generic.remove();
    }
  });
});
