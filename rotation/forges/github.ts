/**
 * The GitHub forge: Octokit against the REST API (github.com or GHES through `apiUrl`). Commits go through
 * the git data API (blobs, a tree on `base_tree`, a commit with its parent, then the ref), so no checkout
 * is needed and nothing but the listed files changes.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';

import {
  ForgeError,
  type CiSecret,
  type CommitInput,
  type ExistingChange,
  type Forge,
  type PublishedChange,
  type PublishInput,
  type SecretInput,
} from '../types.js';
import {
  DEFAULT_IDENTITY,
  foreignBranch,
  isBotCommit,
  withTrailer,
  type CommitIdentity,
} from './identity.js';
import { githubError, statusOf } from './github-errors.js';
import { setOrgSecret } from './github-org-secrets.js';
import { sealForGitHub } from './sealed-box.js';

export interface GitHubForgeOptions {
  token: string;
  /** `owner/name`. */
  repository: string;
  /** REST base, `https://api.github.com` by default; `https://HOST/api/v3` on GHES. */
  apiUrl?: string;
  fetch?: typeof fetch;
  /** Author and committer of the bot's commits. */
  identity?: CommitIdentity;
  /** Non-fatal problems (a scope of secrets the token may not list). */
  warn?: (message: string) => void;
}

const PagedOctokit = Octokit.plugin(paginateRest);
type Client = InstanceType<typeof PagedOctokit>;

export class GitHubForge implements Forge {
  private readonly client: Client;
  private readonly owner: string;
  private readonly repo: string;
  private readonly identity: CommitIdentity;
  private readonly warn: (message: string) => void;

  constructor(options: GitHubForgeOptions) {
    const [owner, repo, extra] = options.repository.split('/');
    if (!owner || !repo || extra !== undefined)
      throw new ForgeError(`repository must be owner/name, got "${options.repository}"`);
    this.owner = owner;
    this.repo = repo;
    this.identity = options.identity ?? DEFAULT_IDENTITY;
    this.warn = options.warn ?? (() => undefined);
    this.client = new PagedOctokit({
      auth: options.token,
      baseUrl: (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      userAgent: 'keyless-rotation',
      ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    });
  }

  private get where() {
    return { owner: this.owner, repo: this.repo };
  }

  /** Runs a call, turning failures into ForgeError naming what failed and why it likely did. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw githubError(what, error);
    }
  }

  async repository(): Promise<{ defaultBranch: string; headSha: string; url: string }> {
    const repo = await this.call('read the repository', () =>
      this.client.request('GET /repos/{owner}/{repo}', this.where),
    );
    const branch = repo.data.default_branch;
    const ref = await this.call(`read branch ${branch}`, () =>
      this.client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        ...this.where,
        ref: `heads/${branch}`,
      }),
    );
    return { defaultBranch: branch, headSha: ref.data.object.sha, url: repo.data.html_url };
  }

  async listSecrets(): Promise<CiSecret[]> {
    const repository = await this.call('list repository secrets', () =>
      this.client.paginate('GET /repos/{owner}/{repo}/actions/secrets', { ...this.where, per_page: 100 }),
    );
    const out: CiSecret[] = repository.map((s) => ({
      name: s.name,
      scope: { kind: 'repository' },
      updatedAt: s.updated_at,
    }));
    for (const environment of await this.environments()) {
      const secrets = await this.optional(`list secrets of environment ${environment}`, () =>
        this.client.paginate('GET /repos/{owner}/{repo}/environments/{environment_name}/secrets', {
          ...this.where,
          environment_name: environment,
          per_page: 100,
        }),
      );
      for (const s of secrets ?? [])
        out.push({ name: s.name, scope: { kind: 'environment', environment }, updatedAt: s.updated_at });
    }
    const organization = await this.optional('list organization secrets shared with the repository', () =>
      this.client.paginate('GET /repos/{owner}/{repo}/actions/organization-secrets', {
        ...this.where,
        per_page: 100,
      }),
    );
    for (const s of organization ?? [])
      out.push({ name: s.name, scope: { kind: 'organization' }, updatedAt: s.updated_at });
    return out;
  }

  private async environments(): Promise<string[]> {
    const all = await this.optional('list environments', () =>
      this.client.paginate('GET /repos/{owner}/{repo}/environments', { ...this.where, per_page: 100 }),
    );
    return (all ?? []).map((e) => e.name);
  }

  /** 403/404: the token may not see this scope; a warning, not a failure. */
  private async optional<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      const status = statusOf(error);
      if (status !== 403 && status !== 404) throw githubError(what, error);
      this.warn(`${githubError(what, error).message} (skipped)`);
      return undefined;
    }
  }

  async findChange(branch: string, marker: string): Promise<ExistingChange | undefined> {
    const pulls = await this.call(`list pull requests from ${branch}`, () =>
      this.client.paginate('GET /repos/{owner}/{repo}/pulls', {
        ...this.where,
        state: 'open',
        head: `${this.owner}:${branch}`,
        per_page: 100,
      }),
    );
    // The head filter is exact, but a fork's branch of the same name is not ours: check the repository too.
    const pull = pulls.find(
      (p) =>
        p.head.ref === branch &&
        p.head.repo?.full_name === `${this.owner}/${this.repo}` &&
        (p.body ?? '').includes(marker),
    );
    if (!pull) return undefined;
    const head = await this.call(`read commit ${pull.head.sha}`, () =>
      this.client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
        ...this.where,
        commit_sha: pull.head.sha,
      }),
    );
    const ours = isBotCommit(head.data.message, head.data.committer.email, this.identity.email);
    return { number: pull.number, url: pull.html_url, branch, headSha: pull.head.sha, headIsOurs: ours };
  }

  async commit(input: CommitInput): Promise<{ sha: string }> {
    const base = await this.call(`read commit ${input.baseSha}`, () =>
      this.client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
        ...this.where,
        commit_sha: input.baseSha,
      }),
    );
    const modes = await this.modes(base.data.tree.sha);
    const entries: { path: string; mode: '100644' | '100755'; type: 'blob'; sha: string | null }[] = [];
    for (const file of input.files) {
      const mode = modes?.get(file.path) === '100755' ? '100755' : '100644';
      if (file.content === null) {
        // Deleting a path the base does not have is an error on GitHub; it is already gone.
        if (modes === undefined || modes.has(file.path))
          entries.push({ path: file.path, mode, type: 'blob', sha: null });
        continue;
      }
      const content = file.content;
      const blob = await this.call(`write ${file.path}`, () =>
        this.client.request('POST /repos/{owner}/{repo}/git/blobs', {
          ...this.where,
          content: Buffer.from(content, 'utf8').toString('base64'),
          encoding: 'base64',
        }),
      );
      entries.push({ path: file.path, mode, type: 'blob', sha: blob.data.sha });
    }
    // base_tree keeps every file not listed; without it the tree would hold only these.
    const tree = await this.call('write the tree', () =>
      this.client.request('POST /repos/{owner}/{repo}/git/trees', {
        ...this.where,
        base_tree: base.data.tree.sha,
        tree: entries,
      }),
    );
    // Same tree on the same base as the branch already has: keep the commit, so a rerun that changes
    // nothing does not push (and retrigger CI on) an identical commit.
    const current = await this.branchHead(input.branch);
    if (current && !current.ours) throw foreignBranch(input.branch, current.sha);
    if (
      current &&
      current.tree === tree.data.sha &&
      current.parents.length === 1 &&
      current.parents[0] === input.baseSha
    )
      return { sha: current.sha };
    const commit = await this.call('write the commit', () =>
      this.client.request('POST /repos/{owner}/{repo}/git/commits', {
        ...this.where,
        message: withTrailer(input.message, input.commitTrailer),
        tree: tree.data.sha,
        parents: [input.baseSha],
        author: { ...this.identity },
        committer: { ...this.identity },
      }),
    );
    const sha = commit.data.sha;
    if (current) {
      await this.call(`move branch ${input.branch}`, () =>
        this.client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
          ...this.where,
          ref: `heads/${input.branch}`,
          sha,
          force: true,
        }),
      );
    } else {
      await this.call(`create branch ${input.branch}`, () =>
        this.client.request('POST /repos/{owner}/{repo}/git/refs', {
          ...this.where,
          ref: `refs/heads/${input.branch}`,
          sha,
        }),
      );
    }
    return { sha };
  }

  /**
   * Modes of the base tree's blobs, so a rewritten script keeps its executable bit; undefined when GitHub
   * truncates the listing (very large trees), and then every written file is 100644.
   */
  private async modes(tree: string): Promise<Map<string, string> | undefined> {
    const listing = await this.call('read the base tree', () =>
      this.client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        ...this.where,
        tree_sha: tree,
        recursive: 'true',
      }),
    );
    if (listing.data.truncated) return undefined;
    return new Map(
      listing.data.tree.flatMap((e) => (e.type === 'blob' && e.path && e.mode ? [[e.path, e.mode]] : [])),
    );
  }

  /** The branch's head commit (its tree and parents), undefined when the branch does not exist. */
  private async branchHead(
    branch: string,
  ): Promise<{ sha: string; tree: string; parents: string[]; ours: boolean } | undefined> {
    let sha: string;
    try {
      const ref = await this.client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        ...this.where,
        ref: `heads/${branch}`,
      });
      sha = ref.data.object.sha;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw githubError(`read branch ${branch}`, error);
    }
    const commit = await this.call(`read commit ${sha}`, () =>
      this.client.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
        ...this.where,
        commit_sha: sha,
      }),
    );
    const ours = isBotCommit(commit.data.message, commit.data.committer.email, this.identity.email);
    return { sha, tree: commit.data.tree.sha, parents: commit.data.parents.map((p) => p.sha), ours };
  }

  async publish(input: PublishInput): Promise<PublishedChange> {
    let number: number;
    let url: string;
    const existing = input.existing;
    if (existing) {
      const updated = await this.call(`update pull request #${existing.number}`, () =>
        this.client.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
          ...this.where,
          pull_number: existing.number,
          title: input.title,
          body: input.body,
        }),
      );
      ({ number, html_url: url } = updated.data);
    } else {
      const created = await this.call(`open a pull request from ${input.branch}`, () =>
        this.client.request('POST /repos/{owner}/{repo}/pulls', {
          ...this.where,
          head: input.branch,
          base: input.base,
          title: input.title,
          body: input.body,
          maintainer_can_modify: true,
        }),
      );
      ({ number, html_url: url } = created.data);
    }
    if (input.labels.length > 0) {
      // Adds, never replaces: labels people put on the pull request stay.
      await this.call(`label pull request #${number}`, () =>
        this.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
          ...this.where,
          issue_number: number,
          labels: input.labels,
        }),
      );
    }
    return { number, url, created: existing === undefined };
  }

  async setSecret(input: SecretInput): Promise<void> {
    const { name, scope, value } = input;
    if (scope.kind === 'organization') {
      const call = <T>(what: string, run: () => Promise<T>) => this.call(what, run);
      return setOrgSecret({ client: this.client, ...this.where, call }, name, value);
    }
    const what = `write secret ${name}${scope.kind === 'environment' ? ` of environment ${scope.environment}` : ''}`;
    if (scope.kind !== 'repository' && scope.kind !== 'environment') {
      throw new ForgeError(
        `GitHub: cannot ${what}: ${scope.kind} secrets are not written by Keyless; use a repository or environment secret`,
      );
    }
    const env = scope.kind === 'environment' ? scope.environment : undefined;
    if (value === null) {
      await this.call(`delete secret ${name}`, () =>
        env === undefined
          ? this.client.request('DELETE /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
              ...this.where,
              secret_name: name,
            })
          : this.client.request(
              'DELETE /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
              { ...this.where, environment_name: env, secret_name: name },
            ),
      );
      return;
    }
    const key = await this.call(`read the public key to ${what}`, async () =>
      env === undefined
        ? (await this.client.request('GET /repos/{owner}/{repo}/actions/secrets/public-key', this.where)).data
        : (
            await this.client.request(
              'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key',
              { ...this.where, environment_name: env },
            )
          ).data,
    );
    const sealed = await this.call(what, () => sealForGitHub(value, key.key));
    await this.call(what, () =>
      env === undefined
        ? this.client.request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
            ...this.where,
            secret_name: name,
            encrypted_value: sealed,
            key_id: key.key_id,
          })
        : this.client.request(
            'PUT /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
            {
              ...this.where,
              environment_name: env,
              secret_name: name,
              encrypted_value: sealed,
              key_id: key.key_id,
            },
          ),
    );
  }
}
