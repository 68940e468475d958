/**
 * Organization Actions secrets on GitHub. The rule is never to widen who may read a secret: a write keeps
 * the visibility and selected repositories the secret already has (or, for a staged `<NAME>_NEXT`, those of
 * the secret it stages), and a new secret is readable by this repository only.
 */
import type { Octokit } from '@octokit/core';
import type { PaginateInterface } from '@octokit/plugin-paginate-rest';

import { githubError, statusOf } from './github-errors.js';
import { sealForGitHub } from './sealed-box.js';

type Client = Octokit & { paginate: PaginateInterface };

export interface OrgSecretContext {
  client: Client;
  owner: string;
  repo: string;
  call: <T>(what: string, run: () => Promise<T>) => Promise<T>;
}

type Access = { visibility: 'all' | 'private' } | { visibility: 'selected'; ids: number[] };

const STAGED_SUFFIX = '_NEXT';

/** Writes (sealed box) or, with `value: null`, deletes the organization secret `name`. */
export async function setOrgSecret(ctx: OrgSecretContext, name: string, value: string | null): Promise<void> {
  const org = ctx.owner;
  if (value === null) {
    await ctx.call(`delete organization secret ${name}`, () =>
      ctx.client.request('DELETE /orgs/{org}/actions/secrets/{secret_name}', { org, secret_name: name }),
    );
    return;
  }
  const what = `write organization secret ${name}`;
  const access = (await accessToKeep(ctx, name)) ?? {
    visibility: 'selected',
    ids: [await repositoryId(ctx)],
  };
  const key = await ctx.call(`read the public key to ${what}`, async () => {
    const response = await ctx.client.request('GET /orgs/{org}/actions/secrets/public-key', { org });
    return response.data;
  });
  const sealed = await ctx.call(what, () => sealForGitHub(value, key.key));
  await ctx.call(what, () =>
    ctx.client.request('PUT /orgs/{org}/actions/secrets/{secret_name}', {
      org,
      secret_name: name,
      encrypted_value: sealed,
      key_id: key.key_id,
      visibility: access.visibility,
      ...(access.visibility === 'selected' ? { selected_repository_ids: access.ids } : {}),
    }),
  );
}

/**
 * The access of the secret a write replaces. A staged name takes the staged-for secret's access first, so
 * the next value is never readable by more repositories than the value it will replace.
 */
async function accessToKeep(ctx: OrgSecretContext, name: string): Promise<Access | undefined> {
  const candidates =
    name.endsWith(STAGED_SUFFIX) && name.length > STAGED_SUFFIX.length
      ? [name.slice(0, -STAGED_SUFFIX.length), name]
      : [name];
  for (const candidate of candidates) {
    const access = await existingAccess(ctx, candidate);
    if (access) return access;
  }
  return undefined;
}

async function existingAccess(ctx: OrgSecretContext, name: string): Promise<Access | undefined> {
  const org = ctx.owner;
  const what = `read organization secret ${name}`;
  let visibility: 'all' | 'private' | 'selected';
  try {
    const secret = await ctx.client.request('GET /orgs/{org}/actions/secrets/{secret_name}', {
      org,
      secret_name: name,
    });
    visibility = secret.data.visibility;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw githubError(what, error);
  }
  if (visibility !== 'selected') return { visibility };
  const repositories = await ctx.call(`list the repositories of ${what.replace(/^read /, '')}`, () =>
    ctx.client.paginate('GET /orgs/{org}/actions/secrets/{secret_name}/repositories', {
      org,
      secret_name: name,
      per_page: 100,
    }),
  );
  return { visibility, ids: repositories.map((r) => r.id) };
}

async function repositoryId(ctx: OrgSecretContext): Promise<number> {
  const repo = await ctx.call('read the repository', () =>
    ctx.client.request('GET /repos/{owner}/{repo}', { owner: ctx.owner, repo: ctx.repo }),
  );
  return Number(repo.data.id);
}
