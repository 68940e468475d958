import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';

import { GitHubForge } from '../../rotation/forges/github.js';
import { branchFor, markerFor, publishPlan } from '../../rotation/publish.js';
import { promoteStaged, stagedFromBody } from '../../rotation/staged.js';
import type { Plan, RotationItem } from '../../rotation/types.js';
import { FakeGitHub } from '../fakes/github/server.js';

const REPO = 'northwind-labs/billing';
let github: FakeGitHub;
let lines: string[];

const forge = () => new GitHubForge({ token: github.token, repository: REPO, apiUrl: github.url });
const log = (line: string) => lines.push(line);
const fresh = () => randomBytes(24).toString('base64url');

function literalItem(id: string): RotationItem {
  return {
    id,
    kind: 'literal',
    title: `Remove the hard-coded key in ${id}.ts`,
    body: `The key in \`src/${id}.ts\` is still in history: revoke it at the provider.`,
    files: [{ path: `src/${id}.ts`, content: 'export const key = process.env.STRIPE_KEY;\n' }],
    labels: ['keyless', 'secret-leak'],
  };
}

function generatedItem(id: string, value: string): RotationItem {
  return {
    id,
    kind: 'generated',
    title: 'Rotate WEBHOOK_SECRET',
    body: 'A new webhook secret is staged as `WEBHOOK_SECRET_NEXT`; merging promotes it.',
    files: [{ path: '.keyless/rotation.yml', content: 'version: 1\nsecrets: []\n' }],
    labels: ['keyless', 'rotation'],
    secrets: [{ name: 'WEBHOOK_SECRET', scope: { kind: 'repository' }, value }],
  };
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.git.commitFiles({ 'README.md': '# billing\n', 'src/charge.ts': 'const key = "redacted";\n' });
});
afterAll(() => github.stop());
beforeEach(() => {
  github.resetLog();
  github.forbidden.clear();
  lines = [];
});

describe('publishPlan', () => {
  it('stages the new value, then opens one pull request per item with the markers; no value leaks', async () => {
    const value = fresh();
    const plan: Plan = { items: [literalItem('charge'), generatedItem('webhook-secret', value)], notes: [] };
    const results = await publishPlan(plan, forge(), { log });
    expect(results.map((r) => [r.id, r.action, r.staged])).toEqual([
      ['charge', 'created', []],
      ['webhook-secret', 'created', ['WEBHOOK_SECRET_NEXT']],
    ]);
    expect(results[1]?.url).toBe(`https://github.test/${REPO}/pull/${results[1]?.number}`);
    expect(github.secrets.value('WEBHOOK_SECRET_NEXT')).toBe(value);
    expect(github.secrets.value('WEBHOOK_SECRET')).toBeUndefined();

    const ops = github.requests.map((r) => r.operationId);
    const staged = ops.indexOf('actions/create-or-update-repo-secret');
    const opened = ops.lastIndexOf('pulls/create');
    expect(staged).toBeGreaterThan(-1);
    expect(staged).toBeLessThan(opened);

    const pull = github.pulls.pulls.find((p) => p.head === branchFor('webhook-secret'));
    expect(pull?.body).toBe(
      'A new webhook secret is staged as `WEBHOOK_SECRET_NEXT`; merging promotes it.\n\n' +
        '<!-- keyless:staged [{"name":"WEBHOOK_SECRET","scope":{"kind":"repository"}}] -->\n\n' +
        '<!-- keyless:rotate:webhook-secret -->\n',
    );
    expect(pull?.labels).toEqual(['keyless', 'rotation']);
    expect(github.git.files(branchFor('charge'))['src/charge.ts']).toBe(
      'export const key = process.env.STRIPE_KEY;\n',
    );
    expect(JSON.stringify(github.requests)).not.toContain(value);
    expect(JSON.stringify(github.pulls.pulls)).not.toContain(value);
    expect(lines.join('\n')).not.toContain(value);
    expect(github.violations).toEqual([]);
  });

  it('updates the same pull requests on the next run, without restaging or duplicating', async () => {
    const before = github.pulls.pulls.length;
    const item = { ...literalItem('charge'), body: 'Second wording.' };
    const results = await publishPlan(
      { items: [item, generatedItem('webhook-secret', fresh())], notes: [] },
      forge(),
      { log },
    );
    expect(results.map((r) => r.action)).toEqual(['updated', 'updated']);
    expect(github.pulls.pulls).toHaveLength(before);
    // Same files on the same base: the branches keep their commits (no push, no CI rerun).
    expect(
      github.requests.some(
        (r) => r.operationId === 'git/create-commit' || r.operationId === 'git/update-ref',
      ),
    ).toBe(false);
    expect(github.requests.some((r) => r.operationId.startsWith('actions/create-or-update'))).toBe(false);
    expect(github.pulls.pulls.find((p) => p.head === branchFor('charge'))?.body).toBe(
      `Second wording.\n\n${markerFor('charge')}\n`,
    );
  });

  it('keeps the commit of an open request for a staged secret, even when the ledger in the plan differs', async () => {
    const head = github.git.refs.get(`heads/${branchFor('webhook-secret')}`);
    const item = generatedItem('webhook-secret', fresh());
    const redated = {
      ...item,
      files: [{ path: '.keyless/rotation.yml', content: 'version: 1\nsecrets: [x]\n' }],
    };
    const [result] = await publishPlan({ items: [redated], notes: [] }, forge(), { log });
    expect(result?.action).toBe('updated');
    expect(github.git.refs.get(`heads/${branchFor('webhook-secret')}`)).toBe(head);
    const writes = /^git\/(create-|update-ref)/;
    expect(github.requests.some((r) => writes.test(r.operationId))).toBe(false);
    expect(github.requests.some((r) => r.operationId.startsWith('actions/create-or-update'))).toBe(false);
  });

  it('leaves a branch someone pushed to alone and says so in the body', async () => {
    const branch = branchFor('charge');
    const human = github.git.commitFiles({ 'src/charge.ts': 'export const key = readKey();\n' }, { branch });
    const [result] = await publishPlan({ items: [literalItem('charge')], notes: [] }, forge(), {
      log,
      now: () => new Date('2026-02-03T06:00:00Z'),
    });
    expect(result).toMatchObject({ action: 'skipped', staged: [] });
    expect(result?.message).toMatch(/someone else pushed/);
    expect(github.git.refs.get(`heads/${branch}`)).toBe(human);
    expect(github.requests.some((r) => r.operationId.startsWith('git/create'))).toBe(false);
    const body = github.pulls.pulls.find((p) => p.head === branch)?.body ?? '';
    expect(body).toContain(`Keyless did not update branch \`${branch}\` on 2026-02-03`);
    expect(body.endsWith(`${markerFor('charge')}\n`)).toBe(true);
  });

  it('dry-run writes nothing and prints the plan', async () => {
    const results = await publishPlan(
      { items: [literalItem('dry-one'), generatedItem('dry-two', fresh())], notes: [] },
      forge(),
      { dryRun: true, log },
    );
    expect(results.map((r) => r.action)).toEqual(['planned', 'planned']);
    expect(github.requests).toEqual([]);
    expect(lines).toContain('keyless: would stage WEBHOOK_SECRET_NEXT');
  });

  it('refuses a plan whose body carries a value it would write, before any request', async () => {
    const value = fresh();
    const item = { ...generatedItem('leaky', value), body: `new value ${value}` };
    await expect(publishPlan({ items: [item], notes: [] }, forge())).rejects.toThrow(/secret value appears/);
    expect(github.requests).toEqual([]);
  });

  it('reports a failing item (secrets forbidden) and still publishes the others', async () => {
    github.forbidden.add('actions/get-repo-public-key');
    const value = fresh();
    const results = await publishPlan(
      { items: [generatedItem('api-secret', value), literalItem('refund')], notes: [] },
      forge(),
      { log },
    );
    expect(results.map((r) => r.action)).toEqual(['failed', 'created']);
    expect(results[0]?.message).toMatch(/GitHub App token/);
    expect(github.pulls.pulls.some((p) => p.head === branchFor('api-secret'))).toBe(false);
    expect(lines.join('\n')).not.toContain(value);
  });
});

describe('promoteStaged', () => {
  it('promotes the secrets named in a merged body with values from the workflow, then deletes _NEXT', async () => {
    const value = fresh();
    github.secrets.set('SIGNING_SECRET_NEXT', value);
    github.secrets.set('SIGNING_SECRET', fresh());
    const body = `text\n\n<!-- keyless:staged [{"name":"SIGNING_SECRET","scope":{"kind":"repository"}},{"name":"GONE","scope":{"kind":"repository"}}] -->\n`;
    const staged = stagedFromBody(body);
    expect(staged.map((s) => s.name)).toEqual(['SIGNING_SECRET', 'GONE']);
    const results = await promoteStaged(forge(), staged, {
      values: { SIGNING_SECRET_NEXT: value, UNRELATED: fresh() },
      log,
    });
    expect(results.map((r) => [r.name, r.action])).toEqual([
      ['SIGNING_SECRET', 'promoted'],
      ['GONE', 'missing'],
    ]);
    expect(github.secrets.value('SIGNING_SECRET')).toBe(value);
    expect(github.secrets.names()).not.toContain('SIGNING_SECRET_NEXT');
    expect(JSON.stringify(github.requests)).not.toContain(value);
    expect(lines.join('\n')).not.toContain(value);
  });

  it('ignores bodies without a marker or with a malformed one', () => {
    expect(stagedFromBody('nothing staged')).toEqual([]);
    expect(stagedFromBody('<!-- keyless:staged [{"name":"A B"}] -->')).toEqual([]);
    expect(stagedFromBody('<!-- keyless:staged not json -->')).toEqual([]);
  });
});
