import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';

import { GitHubForge } from '../../rotation/forges/github.js';
import { promoteStaged } from '../../rotation/staged.js';
import { ForgeError } from '../../rotation/types.js';
import { FakeGitHub } from '../fakes/github/server.js';

const REPO = 'northwind-labs/ledger-api';
const ORG = { kind: 'organization' } as const;
let github: FakeGitHub;
let repositoryId: number;

function forge(): GitHubForge {
  return new GitHubForge({ token: github.token, repository: REPO, apiUrl: github.url });
}

const freshValue = () => randomBytes(24).toString('base64url');

function stored(name: string) {
  const secret = github.orgSecrets.secrets.get(name);
  if (!secret) throw new Error(`no organization secret ${name}`);
  return secret;
}

function puts() {
  return github.requests.filter((r) => r.operationId === 'actions/create-or-update-org-secret');
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.git.commitFiles({ 'README.md': '# ledger\n' });
  const response = await fetch(`${github.url}/repos/${REPO}`, {
    headers: { authorization: `token ${github.token}` },
  });
  repositoryId = ((await response.json()) as { id: number }).id;
});
afterAll(() => github.stop());
beforeEach(() => {
  github.resetLog();
  github.forbidden.clear();
  github.orgSecrets.secrets.clear();
});

describe('GitHubForge organization secrets', () => {
  it('creates a new secret readable by this repository only, sealed for the organization key', async () => {
    const value = freshValue();
    await forge().setSecret({ name: 'PARTNER_WEBHOOK_SECRET', scope: ORG, value });
    const secret = stored('PARTNER_WEBHOOK_SECRET');
    expect(secret.value).toBe(value);
    expect(secret.visibility).toBe('selected');
    expect(secret.selected).toEqual([repositoryId]);
    expect(JSON.stringify(github.requests)).not.toContain(value);
    expect(puts()[0]?.path).toBe('/orgs/northwind-labs/actions/secrets/PARTNER_WEBHOOK_SECRET');
    expect(github.violations).toEqual([]);
  });

  it('keeps the visibility and every selected repository (paginated) of an existing secret', async () => {
    const selected = Array.from({ length: 130 }, (_, i) => 40_000 + i * 7);
    github.orgSecrets.set('SIGNING_SECRET', freshValue(), { visibility: 'selected', selected });
    github.orgSecrets.set('BUILD_CACHE_TOKEN', freshValue(), { visibility: 'private' });
    const first = freshValue();
    const second = freshValue();
    await forge().setSecret({ name: 'SIGNING_SECRET', scope: ORG, value: first });
    await forge().setSecret({ name: 'BUILD_CACHE_TOKEN', scope: ORG, value: second });

    expect(stored('SIGNING_SECRET')).toMatchObject({ value: first, visibility: 'selected', selected });
    expect(stored('BUILD_CACHE_TOKEN')).toMatchObject({ value: second, visibility: 'private', selected: [] });
    expect(puts()[1]?.body).not.toHaveProperty('selected_repository_ids');
    expect(
      github.requests.filter((r) => r.operationId === 'actions/list-selected-repos-for-org-secret'),
    ).toHaveLength(2);
    expect(github.violations).toEqual([]);
  });

  it('stages NAME_NEXT with the access of NAME, never wider than the secret it replaces', async () => {
    github.orgSecrets.set('DEPLOY_HOOK_SECRET', freshValue(), {
      visibility: 'selected',
      selected: [512, 733],
    });
    // A leftover next value someone shared with every repository is narrowed to NAME's access.
    github.orgSecrets.set('DEPLOY_HOOK_SECRET_NEXT', freshValue(), { visibility: 'all' });
    const value = freshValue();
    await forge().setSecret({ name: 'DEPLOY_HOOK_SECRET_NEXT', scope: ORG, value });
    expect(stored('DEPLOY_HOOK_SECRET_NEXT')).toMatchObject({
      value,
      visibility: 'selected',
      selected: [512, 733],
    });
    expect(github.violations).toEqual([]);
  });

  it('promotes a staged organization secret: NAME keeps its access, NAME_NEXT is deleted', async () => {
    github.orgSecrets.set('PAYMENTS_HMAC_KEY', freshValue(), { visibility: 'private' });
    const next = freshValue();
    await forge().setSecret({ name: 'PAYMENTS_HMAC_KEY_NEXT', scope: ORG, value: next });
    expect(stored('PAYMENTS_HMAC_KEY_NEXT').visibility).toBe('private');

    const results = await promoteStaged(forge(), [{ name: 'PAYMENTS_HMAC_KEY', scope: ORG }], {
      values: { PAYMENTS_HMAC_KEY_NEXT: next },
      log: () => undefined,
    });
    expect(results.map((r) => r.action)).toEqual(['promoted']);
    expect(stored('PAYMENTS_HMAC_KEY')).toMatchObject({ value: next, visibility: 'private' });
    expect(github.orgSecrets.secrets.has('PAYMENTS_HMAC_KEY_NEXT')).toBe(false);
    expect(
      github.requests.filter((r) => r.operationId === 'actions/delete-org-secret').map((r) => r.path),
    ).toEqual(['/orgs/northwind-labs/actions/secrets/PAYMENTS_HMAC_KEY_NEXT']);
    expect(github.violations).toEqual([]);
  });

  it('names the organization "Secrets: write" permission on a 403, without the value', async () => {
    github.forbidden.add('actions/create-or-update-org-secret');
    const value = freshValue();
    let error: unknown;
    try {
      await forge().setSecret({ name: 'PARTNER_API_KEY', scope: ORG, value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ForgeError);
    const forgeError = error as ForgeError;
    expect(forgeError.status).toBe(403);
    expect(forgeError.message).toMatch(/organization secret PARTNER_API_KEY/);
    expect(forgeError.message).toMatch(/organization permission "Secrets: write" of a GitHub App token/);
    expect(forgeError.message).not.toContain(value);
    expect(github.orgSecrets.secrets.has('PARTNER_API_KEY')).toBe(false);
  });
});
