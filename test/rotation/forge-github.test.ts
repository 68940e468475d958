import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';

import { GitHubForge } from '../../rotation/forges/github.js';
import { trailerFor } from '../../rotation/forges/identity.js';
import { ForgeError } from '../../rotation/types.js';
import { caught as caughtAs } from '../helpers/caught.js';
import { FakeGitHub } from '../fakes/github/server.js';

const REPO = 'northwind-labs/ledger-api';
let github: FakeGitHub;
let warnings: string[];

function forge(): GitHubForge {
  return new GitHubForge({
    token: github.token,
    repository: REPO,
    apiUrl: github.url,
    warn: (m) => warnings.push(m),
  });
}

const freshValue = () => randomBytes(24).toString('base64url');

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.git.commitFiles({
    'README.md': '# ledger\n',
    'src/app.ts': 'export const key = process.env.KEY;\n',
  });
});
afterAll(() => github.stop());
beforeEach(() => {
  github.resetLog();
  github.forbidden.clear();
  github.hidden.clear();
  warnings = [];
});

const caught = (promise: Promise<unknown>): Promise<ForgeError> => caughtAs(promise, ForgeError);

describe('GitHubForge', () => {
  it('reads the default branch and its head', async () => {
    const repo = await forge().repository();
    expect(repo).toEqual({
      defaultBranch: 'main',
      headSha: github.git.refs.get('heads/main'),
      url: `https://github.test/${REPO}`,
    });
    expect(github.violations).toEqual([]);
  });

  it('lists repository (paginated), environment and organization secrets with updated_at', async () => {
    for (let i = 0; i < 105; i++) github.secrets.set(`SVC_${i}_TOKEN`, freshValue());
    github.secrets.environments.push('production');
    github.secrets.set('DEPLOY_WEBHOOK_SECRET', freshValue(), {
      environment: 'production',
      updatedAt: '2025-03-01T08:00:00Z',
    });
    github.secrets.organization.push({ name: 'ORG_NPM_TOKEN', updated_at: '2024-11-02T10:00:00Z' });

    const secrets = await forge().listSecrets();
    expect(secrets.filter((s) => s.scope.kind === 'repository')).toHaveLength(105);
    expect(secrets).toContainEqual({
      name: 'DEPLOY_WEBHOOK_SECRET',
      scope: { kind: 'environment', environment: 'production' },
      updatedAt: '2025-03-01T08:00:00Z',
    });
    expect(secrets).toContainEqual({
      name: 'ORG_NPM_TOKEN',
      scope: { kind: 'organization' },
      updatedAt: '2024-11-02T10:00:00Z',
    });
    expect(secrets.every((s) => /^\d{4}-\d\d-\d\dT/.test(s.updatedAt ?? ''))).toBe(true);
    expect(github.requests.filter((r) => r.operationId === 'actions/list-repo-secrets')).toHaveLength(2);
    expect(warnings).toEqual([]);
    expect(github.violations).toEqual([]);
  });

  it('skips organization and environment secrets the token may not list, with a warning', async () => {
    github.forbidden.add('actions/list-repo-organization-secrets');
    github.hidden.add('repos/get-all-environments');
    const secrets = await forge().listSecrets();
    expect(secrets.some((s) => s.scope.kind === 'organization' || s.scope.kind === 'environment')).toBe(
      false,
    );
    expect(secrets.length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(
      /organization secrets .*\(403: .*organization "Secrets: read" permission.*\(skipped\)/,
    );
    expect(warnings.join('\n')).toMatch(/list environments \(404: .*\(skipped\)/);
  });

  it('fails listing with the likely cause when repository secrets are forbidden', async () => {
    github.forbidden.add('actions/list-repo-secrets');
    const error = await caught(forge().listSecrets());
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/GITHUB_TOKEN cannot read or write Actions secrets.*GitHub App token/);
  });

  it('commits on base_tree (deletions as sha null), creates then force-moves the branch', async () => {
    const f = forge();
    const { headSha } = await f.repository();
    const first = await f.commit({
      branch: 'keyless/rotate/literal-app',
      baseSha: headSha,
      files: [
        { path: 'src/app.ts', content: 'export const key = process.env.PAYMENTS_KEY;\n' },
        { path: 'README.md', content: null },
        { path: '.keyless/rotation.yml', content: 'version: 1\n' },
      ],
      message: 'Remove a hard-coded key',
      commitTrailer: trailerFor('literal-app'),
    });
    expect(github.git.files('keyless/rotate/literal-app')).toEqual({
      'src/app.ts': 'export const key = process.env.PAYMENTS_KEY;\n',
      '.keyless/rotation.yml': 'version: 1\n',
    });
    const commit = github.git.commits.get(first.sha);
    expect(commit?.parents).toEqual([headSha]);
    expect(commit?.message).toBe('Remove a hard-coded key\n\nKeyless-Rotation: literal-app\n');
    const created = github.requests.find((r) => r.operationId === 'git/create-ref');
    expect(created?.body).toEqual({ ref: 'refs/heads/keyless/rotate/literal-app', sha: first.sha });
    const tree = github.requests.find((r) => r.operationId === 'git/create-tree')?.body as {
      tree: { path: string; sha: string | null }[];
    };
    expect(tree.tree.find((e) => e.path === 'README.md')?.sha).toBeNull();

    // A second run rewrites the branch from the (same) base: force, not a fast-forward.
    const second = await f.commit({
      branch: 'keyless/rotate/literal-app',
      baseSha: headSha,
      files: [{ path: 'src/app.ts', content: 'export const key = process.env.PAYMENTS_API_KEY;\n' }],
      message: 'Remove a hard-coded key',
      commitTrailer: trailerFor('literal-app'),
    });
    expect(github.git.refs.get('heads/keyless/rotate/literal-app')).toBe(second.sha);
    const update = github.requests.find((r) => r.operationId === 'git/update-ref');
    expect(update?.path).toBe(`/repos/${REPO}/git/refs/heads%2Fkeyless%2Frotate%2Fliteral-app`);
    expect(update?.body).toEqual({ sha: second.sha, force: true });
    expect(github.violations).toEqual([]);
  });

  it('keeps the executable bit of a rewritten script; deleting an absent file is a no-op', async () => {
    github.git.commitFiles(
      { 'scripts/deploy.sh': '#!/bin/sh\nexit 0\n' },
      { executable: ['scripts/deploy.sh'] },
    );
    const f = forge();
    const { headSha } = await f.repository();
    await f.commit({
      branch: 'keyless/rotate/deploy-script',
      baseSha: headSha,
      files: [
        { path: 'scripts/deploy.sh', content: '#!/bin/sh\nexec deploy --token "$DEPLOY_TOKEN"\n' },
        { path: 'config/never-there.env', content: null },
      ],
      message: 'Remove a literal',
      commitTrailer: trailerFor('deploy-script'),
    });
    expect(github.git.mode('keyless/rotate/deploy-script', 'scripts/deploy.sh')).toBe('100755');
    expect(github.git.files('keyless/rotate/deploy-script')['scripts/deploy.sh']).toContain('$DEPLOY_TOKEN');
    const tree = github.requests.find((r) => r.operationId === 'git/create-tree')?.body as {
      tree: { path: string }[];
    };
    expect(tree.tree.map((e) => e.path)).toEqual(['scripts/deploy.sh']);
    expect(github.violations).toEqual([]);
  });

  it('opens, finds by marker, updates (never duplicates) and labels a pull request', async () => {
    const f = forge();
    const { headSha, defaultBranch } = await f.repository();
    const branch = 'keyless/rotate/stale-npm';
    const marker = '<!-- keyless:rotate:stale-npm -->';
    await f.commit({
      branch,
      baseSha: headSha,
      files: [],
      message: 'Review',
      commitTrailer: trailerFor('stale-npm'),
    });
    expect(await f.findChange(branch, marker)).toBeUndefined();

    const opened = await f.publish({
      branch,
      base: defaultBranch,
      title: 'Rotate NPM_TOKEN',
      body: `Body one\n\n${marker}\n`,
      labels: ['keyless', 'security'],
    });
    expect(opened.created).toBe(true);
    const pull = github.pulls.pulls.find((p) => p.number === opened.number);
    expect(pull).toMatchObject({ head: branch, base: 'main', labels: ['keyless', 'security'] });
    pull?.labels.push('needs-owner');

    const found = await f.findChange(branch, marker);
    expect(found).toEqual({
      number: opened.number,
      url: opened.url,
      branch,
      headSha: github.git.refs.get(`heads/${branch}`),
      headIsOurs: true,
    });
    const updated = await f.publish({
      branch,
      base: defaultBranch,
      title: 'Rotate NPM_TOKEN (overdue)',
      body: `Body two\n\n${marker}\n`,
      labels: ['keyless'],
      ...(found ? { existing: found } : {}),
    });
    expect(updated).toEqual({ number: opened.number, url: opened.url, created: false });
    expect(github.pulls.pulls.filter((p) => p.head === branch)).toHaveLength(1);
    expect(pull).toMatchObject({ title: 'Rotate NPM_TOKEN (overdue)', body: `Body two\n\n${marker}\n` });
    expect(pull?.labels).toEqual(['keyless', 'security', 'needs-owner']);
    expect(github.violations).toEqual([]);
  });

  it('does not take a pull request without the marker, or from a fork, as its own', async () => {
    const f = forge();
    const branch = 'keyless/rotate/fork-case';
    const marker = '<!-- keyless:rotate:fork-case -->';
    github.git.commitFiles({ 'x.txt': 'x\n' }, { branch });
    github.pulls.seed({ title: 'mine', body: 'no marker here', head: branch, base: 'main' });
    github.pulls.seed({
      title: 'fork',
      body: marker,
      head: branch,
      base: 'main',
      headRepo: 'mallory/ledger-api',
    });
    expect(await f.findChange(branch, marker)).toBeUndefined();
  });

  it('says the head is not ours after a human commit or a human amend of the bot commit', async () => {
    const f = forge();
    const { headSha, defaultBranch } = await f.repository();
    const branch = 'keyless/rotate/human-edit';
    const marker = '<!-- keyless:rotate:human-edit -->';
    await f.commit({
      branch,
      baseSha: headSha,
      files: [],
      message: 'Rotate',
      commitTrailer: trailerFor('human-edit'),
    });
    await f.publish({ branch, base: defaultBranch, title: 't', body: marker, labels: [] });
    expect((await f.findChange(branch, marker))?.headIsOurs).toBe(true);

    github.git.commitFiles({ 'notes.md': 'owner agreed\n' }, { branch, message: 'Add notes' });
    expect((await f.findChange(branch, marker))?.headIsOurs).toBe(false);

    // Same message with the trailer, but committed by a person (amend, rebase, cherry-pick).
    github.git.commitFiles(
      { 'notes.md': 'amended\n' },
      { branch, message: `Rotate\n\n${trailerFor('human-edit')}\n` },
    );
    expect((await f.findChange(branch, marker))?.headIsOurs).toBe(false);
  });

  it('refuses to force-move a rotation branch a person committed to, even with no pull request open', async () => {
    const f = forge();
    const { headSha } = await f.repository();
    const branch = 'keyless/rotate/kept-by-human';
    const human = github.git.commitFiles(
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
    expect(github.git.refs.get(`heads/${branch}`)).toBe(human);
  });

  it('writes repository and environment secrets as sealed boxes the fake opens; deletes them', async () => {
    const f = forge();
    const value = freshValue();
    await f.setSecret({ name: 'WEBHOOK_SECRET_NEXT', scope: { kind: 'repository' }, value });
    expect(github.secrets.value('WEBHOOK_SECRET_NEXT')).toBe(value);
    github.secrets.environments.push('staging');
    const other = freshValue();
    await f.setSecret({
      name: 'SIGNING_KEY',
      scope: { kind: 'environment', environment: 'staging' },
      value: other,
    });
    expect(github.secrets.value('SIGNING_KEY', 'staging')).toBe(other);
    // Updating an existing secret (204) works the same way.
    const third = freshValue();
    await f.setSecret({ name: 'WEBHOOK_SECRET_NEXT', scope: { kind: 'repository' }, value: third });
    expect(github.secrets.value('WEBHOOK_SECRET_NEXT')).toBe(third);
    await f.setSecret({ name: 'WEBHOOK_SECRET_NEXT', scope: { kind: 'repository' }, value: null });
    expect(github.secrets.value('WEBHOOK_SECRET_NEXT')).toBeUndefined();

    const wire = JSON.stringify(github.requests);
    for (const v of [value, other, third]) expect(wire).not.toContain(v);
    const put = github.requests.find((r) => r.operationId === 'actions/create-or-update-repo-secret');
    expect(Object.keys(put?.body as object).sort()).toEqual(['encrypted_value', 'key_id']);
    expect(github.violations).toEqual([]);
  });

  it('explains a 403 on a secret write (GITHUB_TOKEN) without the value, and refuses GitLab scopes', async () => {
    github.forbidden.add('actions/get-repo-public-key');
    const value = freshValue();
    const error = await caught(forge().setSecret({ name: 'API_KEY', scope: { kind: 'repository' }, value }));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/GitHub App token/);
    expect(error.message).not.toContain(value);
    const group = await caught(
      forge().setSecret({ name: 'API_KEY', scope: { kind: 'group', group: 'northwind' }, value }),
    );
    expect(group.message).toMatch(/group secrets are not written/);
    expect(group.message).not.toContain(value);
  });
});
