import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';

import { forgeFromConfig, type ConfiguredForge } from '../../rotation/forges/from-config.js';
import { trailerFor } from '../../rotation/forges/identity.js';
import { branchFor, markerFor, publishPlan } from '../../rotation/publish.js';
import { promoteMerged, promoteStaged, stagedFromBody } from '../../rotation/staged.js';
import type { GitLabForge } from '../../rotation/forges/gitlab.js';
import { ForgeError, type RotationItem } from '../../rotation/types.js';
import { caught as caughtAs } from '../helpers/caught.js';
import { FakeGitlab } from '../fakes/gitlab/server.js';

const TOKEN = 'glpat-Qm7vK2xR9tLw4ZbN8cHd';
let gitlab: FakeGitlab;
let warnings: string[];
const fresh = () => randomBytes(24).toString('base64url');

function forge(token = TOKEN): ConfiguredForge {
  return forgeFromConfig({
    platform: 'gitlab',
    token,
    apiUrl: gitlab.apiUrl,
    projectId: 'northwind-labs/payments/api',
    warn: (m) => warnings.push(m),
  });
}

beforeAll(async () => {
  gitlab = await new FakeGitlab({
    token: TOKEN,
    projectId: 4711,
    mrIid: 1,
    projectPath: 'northwind-labs/payments/api',
  }).start();
  gitlab.repo.groups.push(
    { id: 20, full_path: 'northwind-labs', parent_id: null },
    { id: 21, full_path: 'northwind-labs/payments', parent_id: 20 },
  );
  gitlab.repo.commitFiles(
    { 'README.md': '# api\n', 'config/app.yml': 'key: from-env\n' },
    { message: 'init' },
  );
});
afterAll(() => gitlab.stop());
beforeEach(() => {
  gitlab.requests.length = 0;
  gitlab.variables.forbidden.clear();
  warnings = [];
});

const caught = (promise: Promise<unknown>): Promise<ForgeError> => caughtAs(promise, ForgeError);

describe('GitLabForge', () => {
  it('reads the default branch and lists project and group variables without values', async () => {
    const value = fresh();
    gitlab.variables.set('project', 'STRIPE_WEBHOOK_SECRET', value);
    gitlab.variables.set('project', 'DEPLOY_KEY', fresh(), {
      environment_scope: 'production',
      protected: false,
    });
    gitlab.variables.set('northwind-labs/payments', 'PAYMENTS_API_TOKEN', fresh());
    gitlab.variables.set('northwind-labs', 'NPM_TOKEN', fresh(), { masked: false });
    const f = forge();
    expect(await f.repository()).toEqual({
      defaultBranch: 'main',
      headSha: gitlab.repo.branches.get('main'),
      url: `${gitlab.url}/northwind-labs/payments/api`,
    });
    const secrets = await f.listSecrets();
    expect(secrets).toEqual([
      { name: 'STRIPE_WEBHOOK_SECRET', scope: { kind: 'project' }, masked: true, protected: true },
      {
        name: 'DEPLOY_KEY',
        scope: { kind: 'environment', environment: 'production' },
        masked: true,
        protected: false,
      },
      {
        name: 'PAYMENTS_API_TOKEN',
        scope: { kind: 'group', group: 'northwind-labs/payments' },
        masked: true,
        protected: true,
      },
      {
        name: 'NPM_TOKEN',
        scope: { kind: 'group', group: 'northwind-labs' },
        masked: false,
        protected: true,
      },
    ]);
    expect(JSON.stringify(secrets)).not.toContain(value);
    expect(secrets.every((s) => s.updatedAt === undefined)).toBe(true);
  });

  it('skips a group whose variables the token may not read, with a warning', async () => {
    gitlab.variables.forbidden.add('northwind-labs');
    const secrets = await forge().listSecrets();
    expect(secrets.some((s) => s.scope.kind === 'group' && s.scope.group === 'northwind-labs')).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/group northwind-labs \(403\); skipped.*project or group access token/);
  });

  it('creates the branch and commit in one Commits API call, then rebuilds it with force', async () => {
    const f = forge();
    const { headSha } = await f.repository();
    const branch = 'keyless/rotate/config-key';
    const first = await f.commit({
      branch,
      baseSha: headSha,
      files: [
        { path: 'config/app.yml', content: 'key: ${APP_KEY}\n' },
        { path: '.keyless/rotation.yml', content: 'version: 1\n' },
        { path: 'README.md', content: null },
      ],
      message: 'Remove a literal',
      commitTrailer: trailerFor('config-key'),
    });
    expect(gitlab.repo.files(branch)).toEqual({
      'config/app.yml': 'key: ${APP_KEY}\n',
      '.keyless/rotation.yml': 'version: 1\n',
    });
    const post = gitlab.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/repository/commits'));
    expect(post).toHaveLength(1);
    expect(post[0]?.body).toMatchObject({
      branch,
      start_sha: headSha,
      force: true,
      actions: [
        { action: 'update', file_path: 'config/app.yml' },
        { action: 'create', file_path: '.keyless/rotation.yml' },
        { action: 'delete', file_path: 'README.md' },
      ],
    });
    expect(gitlab.repo.commits.get(first.sha)?.message).toBe(
      'Remove a literal\n\nKeyless-Rotation: config-key\n',
    );
    const second = await f.commit({
      branch,
      baseSha: headSha,
      files: [{ path: 'config/app.yml', content: 'key: ${PAYMENTS_KEY}\n' }],
      message: 'Remove a literal',
      commitTrailer: trailerFor('config-key'),
    });
    expect(gitlab.repo.commits.get(second.sha)?.parent).toBe(headSha);
    expect(gitlab.repo.files(branch)['README.md']).toBe('# api\n');

    // The same change again: the branch keeps its commit, nothing is pushed.
    gitlab.requests.length = 0;
    const third = await f.commit({
      branch,
      baseSha: headSha,
      files: [{ path: 'config/app.yml', content: 'key: ${PAYMENTS_KEY}\n' }],
      message: 'Remove a literal',
      commitTrailer: trailerFor('config-key'),
    });
    expect(third.sha).toBe(second.sha);
    expect(gitlab.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('publishes a plan: MR created, then updated by marker; a human commit on the branch is left alone', async () => {
    const value = fresh();
    const item: RotationItem = {
      id: 'webhook',
      kind: 'generated',
      title: 'Rotate STRIPE_WEBHOOK_SECRET',
      body: 'Staged as `STRIPE_WEBHOOK_SECRET_NEXT`.',
      files: [{ path: '.keyless/rotation.yml', content: 'version: 1\n' }],
      labels: ['keyless', 'rotation'],
      secrets: [{ name: 'STRIPE_WEBHOOK_SECRET', scope: { kind: 'project' }, value }],
    };
    const [first] = await publishPlan({ items: [item], notes: [] }, forge());
    expect(first).toMatchObject({ action: 'created', staged: ['STRIPE_WEBHOOK_SECRET_NEXT'] });
    const staged = gitlab.variables.get('project', 'STRIPE_WEBHOOK_SECRET_NEXT');
    expect(staged).toMatchObject({ value, masked: true, protected: true, raw: true });
    const mr = gitlab.mrs.all.find((m) => m.source_branch === branchFor('webhook'));
    expect(mr).toMatchObject({ target_branch: 'main', labels: ['keyless', 'rotation'] });
    expect(first?.url).toBe(`${gitlab.url}/northwind-labs/payments/api/-/merge_requests/${mr?.iid}`);
    expect(mr?.description.endsWith(`${markerFor('webhook')}\n`)).toBe(true);

    const found = await forge().findChange(branchFor('webhook'), markerFor('webhook'));
    expect(found?.headIsOurs).toBe(true);
    const [second] = await publishPlan(
      { items: [{ ...item, labels: ['keyless', 'due'] }], notes: [] },
      forge(),
    );
    expect(second).toMatchObject({ action: 'updated', number: mr?.iid, staged: [] });
    expect(gitlab.mrs.all.filter((m) => m.source_branch === branchFor('webhook'))).toHaveLength(1);
    expect(mr?.labels).toEqual(['keyless', 'rotation', 'due']);

    const human = gitlab.repo.commitFiles(
      { 'notes.md': 'waiting on vendor\n' },
      { branch: branchFor('webhook'), message: `Notes\n\n${trailerFor('webhook')}` },
    );
    const [third] = await publishPlan({ items: [item], notes: [] }, forge());
    expect(third?.action).toBe('skipped');
    expect(gitlab.repo.branches.get(branchFor('webhook'))).toBe(human);
    expect(mr?.description).toContain('Keyless did not update branch');
    expect(JSON.stringify(gitlab.requests.filter((r) => !r.path.includes('/variables')))).not.toContain(
      value,
    );

    // Phase 2 after the merge: GitLab gives the staged value back to the forge.
    const f = forge();
    const results = await promoteStaged(f, stagedFromBody(mr?.description ?? ''), {
      ...(f.readVariable ? { read: (n, s) => f.readVariable!(n, s) } : {}),
    });
    expect(results.map((r) => r.action)).toEqual(['promoted']);
    expect(gitlab.variables.get('project', 'STRIPE_WEBHOOK_SECRET')?.value).toBe(value);
    expect(gitlab.variables.get('project', 'STRIPE_WEBHOOK_SECRET_NEXT')).toBeUndefined();
  });

  it('refuses to force-push over a rotation branch a person committed to, even with no merge request open', async () => {
    const f = forge();
    const { headSha } = await f.repository();
    const branch = branchFor('kept-by-human');
    const human = gitlab.repo.commitFiles(
      { 'wip.md': 'someone is working here\n' },
      { branch, message: 'WIP' },
    );
    const error = await caught(
      f.commit({
        branch,
        baseSha: headSha,
        files: [],
        message: 'Rotate',
        commitTrailer: trailerFor('kept-by-human'),
      }),
    );
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/not a Keyless commit; it was left alone/);
    expect(gitlab.repo.branches.get(branch)).toBe(human);
  });

  it('writes environment and group variables, and explains a 403 (job token or Developer role)', async () => {
    const f = forge();
    const value = fresh();
    await f.setSecret({ name: 'SIGNING_KEY', scope: { kind: 'environment', environment: 'staging' }, value });
    expect(gitlab.variables.get('project', 'SIGNING_KEY', 'staging')?.value).toBe(value);
    await f.setSecret({
      name: 'SHARED_HMAC',
      scope: { kind: 'group', group: 'northwind-labs/payments' },
      value,
    });
    expect(gitlab.variables.get('northwind-labs/payments', 'SHARED_HMAC')?.masked).toBe(true);
    await f.setSecret({
      name: 'SHARED_HMAC',
      scope: { kind: 'group', group: 'northwind-labs/payments' },
      value: null,
    });
    expect(gitlab.variables.get('northwind-labs/payments', 'SHARED_HMAC')).toBeUndefined();

    gitlab.variables.forbidden.add('project');
    const error = await caught(f.setSecret({ name: 'X_TOKEN', scope: { kind: 'project' }, value }));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/CI_JOB_TOKEN cannot .* project or group access token/);
    expect(error.message).not.toContain(value);
    const unmaskable = await caught(
      forge().setSecret({ name: 'SHORT', scope: { kind: 'group', group: 'northwind-labs' }, value: 'a b' }),
    );
    expect(unmaskable.message).toMatch(/masked variables need/);
  });

  it('fails with the token hint when the token is not accepted', async () => {
    const error = await caught(forge('glpat-wR4nGt0kenZ8pLq2Vx7s').repository());
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/project or group access token/);
  });
});

describe('promoteMerged (GitLab, pipeline on the default branch after the merge)', () => {
  it('finds the merged rotation request of the commit and promotes with the values GitLab returns', async () => {
    const value = fresh();
    const item: RotationItem = {
      id: 'hmac',
      kind: 'generated',
      title: 'Rotate PARTNER_HMAC',
      body: 'Staged.',
      files: [],
      labels: [],
      secrets: [{ name: 'PARTNER_HMAC', scope: { kind: 'environment', environment: 'production' }, value }],
    };
    const f = forge() as GitLabForge;
    const [published] = await publishPlan({ items: [item], notes: [] }, f);
    // Before the merge, nothing is promoted for the default branch head.
    const before = await promoteMerged(f, gitlab.repo.branches.get('main') ?? '');
    expect(before).toEqual([]);
    const sha = gitlab.mrs.merge(published?.number ?? 0);
    const lines: string[] = [];
    const results = await promoteMerged(f, sha, { log: (l) => lines.push(l) });
    expect(results).toEqual([
      { name: 'PARTNER_HMAC', scope: { kind: 'environment', environment: 'production' }, action: 'promoted' },
    ]);
    expect(gitlab.variables.get('project', 'PARTNER_HMAC', 'production')?.value).toBe(value);
    expect(gitlab.variables.get('project', 'PARTNER_HMAC_NEXT', 'production')).toBeUndefined();
    expect(lines.join('\n')).not.toContain(value);
    // A second run finds nothing staged any more.
    const again = await promoteMerged(f, sha);
    expect(again.map((r) => r.action)).toEqual(['missing']);
  });
});
