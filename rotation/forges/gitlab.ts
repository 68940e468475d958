/**
 * The GitLab forge: gitbeaker against REST v4. A branch and its commit are one Commits API call
 * (`actions[]`, `start_sha`, `force`); variables are written masked and protected. GitLab keeps no
 * timestamps on variables, so their age comes from the ledger.
 */
import { Gitlab, GitbeakerRequestError, type CommitAction } from '@gitbeaker/rest';

import {
  ForgeError,
  type CiSecret,
  type CommitInput,
  type ExistingChange,
  type FileChange,
  type Forge,
  type PublishedChange,
  type PublishInput,
  type SecretInput,
  type SecretScope,
} from '../types.js';
import { foreignBranch, isBotCommit, withTrailer } from './identity.js';

export interface GitLabForgeOptions {
  token: string;
  /** `CI_API_V4_URL`, e.g. `https://gitlab.example.com/api/v4` (the instance may live under a path). */
  apiUrl: string;
  /** Numeric id or `group/project`. */
  projectId: string | number;
  warn?: (message: string) => void;
}

const TOKEN_HINT =
  'CI_JOB_TOKEN cannot create commits, merge requests or variables: use a project or group access token ' +
  'with the api scope (Developer for branches and merge requests, Maintainer for variables)';

function statusOf(error: unknown): number | undefined {
  if (!(error instanceof GitbeakerRequestError)) return undefined;
  const response = (error.cause as { response?: { status?: unknown } } | undefined)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

function apiMessage(error: unknown): string {
  const description = (error as { cause?: { description?: unknown } }).cause?.description;
  if (typeof description === 'string' && description !== '') return description;
  return (error as Error).message.split('\n')[0] ?? 'request failed';
}

function likelyCause(what: string, status: number | undefined): string {
  if (status === 401) return `the token is invalid or expired; ${TOKEN_HINT}`;
  if (status === 403) return TOKEN_HINT;
  if (status === 404) return 'not found, or the token cannot see it';
  if (status === 400 && what.includes('variable'))
    return 'GitLab refused the value (masked variables need 8+ characters from the Base64 alphabet and @:.~)';
  if (status === 409) return 'a merge request for this branch already exists';
  return 'GitLab could not be reached or failed';
}

type Api = InstanceType<typeof Gitlab<false>>;

export class GitLabForge implements Forge {
  private readonly api: Api;
  private readonly project: string | number;
  private readonly warn: (message: string) => void;
  private committerEmail: Promise<string | undefined> | undefined;

  constructor(options: GitLabForgeOptions) {
    const host = options.apiUrl.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
    this.api = new Gitlab({ host, token: options.token });
    this.project = options.projectId;
    this.warn = options.warn ?? (() => undefined);
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.wrap(what, error);
    }
  }

  private wrap(what: string, error: unknown): ForgeError {
    if (error instanceof ForgeError) return error;
    const status = statusOf(error);
    return new ForgeError(
      `GitLab: cannot ${what} (${status ?? 'no response'}: ${apiMessage(error)}); ${likelyCause(what, status)}`,
      status,
    );
  }

  async repository(): Promise<{ defaultBranch: string; headSha: string; url: string }> {
    const project = await this.call('read the project', () => this.api.Projects.show(this.project));
    const defaultBranch = String(project.default_branch);
    const branch = await this.call(`read branch ${defaultBranch}`, () =>
      this.api.Branches.show(this.project, defaultBranch),
    );
    return { defaultBranch, headSha: String(branch.commit.id), url: String(project.web_url) };
  }

  /** Project variables and those of the project's group and its ancestors (values are never kept). */
  async listSecrets(): Promise<CiSecret[]> {
    const out: CiSecret[] = [];
    const project = await this.call('list project variables', () =>
      this.api.ProjectVariables.all(this.project),
    );
    for (const v of project) out.push(this.secret(v, this.scopeOf(v)));
    const info = await this.call('read the project', () => this.api.Projects.show(this.project));
    const namespace = info.namespace as { id: number; kind: string; full_path: string } | undefined;
    let groupId: number | null = namespace?.kind === 'group' ? namespace.id : null;
    for (let depth = 0; groupId !== null && depth < 20; depth++) {
      const id = groupId;
      const group = await this.call(`read group ${id}`, () => this.api.Groups.show(id));
      const path = String(group.full_path);
      try {
        const variables = await this.api.GroupVariables.all(id);
        for (const v of variables) out.push(this.secret(v, { kind: 'group', group: path }));
      } catch (error) {
        const status = statusOf(error);
        if (status !== 403 && status !== 404) throw this.wrap(`list variables of group ${path}`, error);
        this.warn(`GitLab: cannot list variables of group ${path} (${status}); skipped. ${TOKEN_HINT}`);
      }
      groupId = typeof group.parent_id === 'number' ? group.parent_id : null;
    }
    return out;
  }

  private scopeOf(v: { environment_scope?: unknown }): SecretScope {
    const env = v.environment_scope;
    return typeof env === 'string' && env !== '*'
      ? { kind: 'environment', environment: env }
      : { kind: 'project' };
  }

  private secret(v: { key: string; masked: boolean; protected: boolean }, scope: SecretScope): CiSecret {
    return { name: v.key, scope, masked: v.masked, protected: v.protected };
  }

  /** The email GitLab records as committer of API commits: the token's own user. */
  private tokenUserEmail(): Promise<string | undefined> {
    this.committerEmail ??= this.api.Users.showCurrentUser().then(
      (user) => {
        const email = user.email ?? user.commit_email ?? user.public_email;
        return typeof email === 'string' && email !== '' ? email.toLowerCase() : undefined;
      },
      () => undefined,
    );
    return this.committerEmail;
  }

  async findChange(branch: string, marker: string): Promise<ExistingChange | undefined> {
    const project = await this.call('read the project', () => this.api.Projects.show(this.project));
    const requests = await this.call(`list merge requests from ${branch}`, () =>
      this.api.MergeRequests.all({
        projectId: this.project,
        sourceBranch: branch,
        state: 'opened',
        perPage: 100,
      }),
    );
    const mr = requests.find(
      (m) =>
        m.source_branch === branch &&
        m.source_project_id === project.id &&
        String(m.description ?? '').includes(marker),
    );
    if (!mr || typeof mr.sha !== 'string') return undefined;
    const sha = mr.sha;
    const head = await this.call(`read commit ${sha}`, () => this.api.Commits.show(this.project, sha));
    const ours = isBotCommit(String(head.message), head.committer_email, await this.tokenUserEmail());
    return { number: mr.iid, url: String(mr.web_url), branch, headSha: sha, headIsOurs: ours };
  }

  private async exists(path: string, ref: string): Promise<boolean> {
    try {
      await this.api.RepositoryFiles.show(this.project, path, ref);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.wrap(`read ${path}`, error);
    }
  }

  async commit(input: CommitInput): Promise<{ sha: string }> {
    const actions: CommitAction[] = [];
    for (const file of input.files) {
      if (file.content === null) {
        if (await this.exists(file.path, input.baseSha))
          actions.push({ action: 'delete', filePath: file.path });
        continue;
      }
      const action = (await this.exists(file.path, input.baseSha))
        ? ('update' as const)
        : ('create' as const);
      actions.push({ action, filePath: file.path, content: file.content });
    }
    await this.refuseForeignBranch(input.branch);
    const kept = await this.unchanged(input.branch, input.baseSha, input.files);
    if (kept) return { sha: kept };
    // start_sha + force: the branch is (re)built from the base in this one call, created if missing.
    const commit = await this.call(`commit to ${input.branch}`, () =>
      this.api.Commits.create(
        this.project,
        input.branch,
        withTrailer(input.message, input.commitTrailer),
        actions,
        {
          startSha: input.baseSha,
          force: true,
        },
      ),
    );
    return { sha: String(commit.id) };
  }

  /** `force` would drop the commits of a person who kept working on a rotation branch: refuse instead. */
  private async refuseForeignBranch(branch: string): Promise<void> {
    let head: { id: string; message?: string; committer_email?: string };
    try {
      head = (await this.api.Branches.show(this.project, branch)).commit as typeof head;
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.wrap(`read branch ${branch}`, error);
    }
    if (isBotCommit(String(head.message ?? ''), head.committer_email, await this.tokenUserEmail())) return;
    throw foreignBranch(branch, String(head.id));
  }

  /**
   * The branch's head when it is already one commit on `baseSha` holding exactly these files, so a rerun
   * that changes nothing pushes nothing (and starts no merge request pipeline).
   */
  private async unchanged(branch: string, baseSha: string, files: FileChange[]): Promise<string | undefined> {
    let head: { id: string; parent_ids?: string[] };
    try {
      head = (await this.api.Branches.show(this.project, branch)).commit as typeof head;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.wrap(`read branch ${branch}`, error);
    }
    if (head.parent_ids?.length !== 1 || head.parent_ids[0] !== baseSha) return undefined;
    const compare = await this.call(`compare ${branch}`, () =>
      this.api.Repositories.compare(this.project, baseSha, head.id),
    );
    const wanted = new Set(files.map((f) => f.path));
    if ((compare.diffs ?? []).some((d) => !wanted.has(d.new_path) || !wanted.has(d.old_path)))
      return undefined;
    for (const file of files) {
      const content = await this.content(file.path, head.id);
      if (content !== (file.content ?? undefined)) return undefined;
    }
    return head.id;
  }

  private async content(path: string, ref: string): Promise<string | undefined> {
    try {
      const file = await this.api.RepositoryFiles.show(this.project, path, ref);
      return Buffer.from(String(file.content), 'base64').toString('utf8');
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.wrap(`read ${path}`, error);
    }
  }

  async publish(input: PublishInput): Promise<PublishedChange> {
    const labels = input.labels.join(',');
    const existing = input.existing;
    if (existing) {
      const mr = await this.call(`update merge request !${existing.number}`, () =>
        this.api.MergeRequests.edit(this.project, existing.number, {
          title: input.title,
          description: input.body,
          ...(labels ? { addLabels: labels } : {}),
        }),
      );
      return { number: mr.iid, url: String(mr.web_url), created: false };
    }
    const mr = await this.call(`open a merge request from ${input.branch}`, () =>
      this.api.MergeRequests.create(this.project, input.branch, input.base, input.title, {
        description: input.body,
        removeSourceBranch: true,
        ...(labels ? { labels } : {}),
      }),
    );
    return { number: mr.iid, url: String(mr.web_url), created: true };
  }

  private target(scope: SecretScope): { group?: string; environment: string } {
    if (scope.kind === 'project') return { environment: '*' };
    if (scope.kind === 'environment') return { environment: scope.environment };
    if (scope.kind === 'group') return { group: scope.group, environment: '*' };
    throw new ForgeError(
      `GitLab: ${scope.kind} scope does not exist on GitLab; use project, environment or group`,
    );
  }

  /**
   * Descriptions of the merged rotation merge requests (source `keyless/rotate/*`) that brought `sha` to
   * the target branch: a pipeline on the default branch after a merge learns what to promote from them.
   */
  async mergedRotationBodies(sha: string): Promise<string[]> {
    const requests = await this.call(`list merge requests of commit ${sha}`, () =>
      this.api.Commits.allMergeRequests(this.project, sha),
    );
    return requests
      .filter((mr) => mr.state === 'merged' && String(mr.source_branch).startsWith('keyless/rotate/'))
      .map((mr) => String(mr.description ?? ''));
  }

  /** A variable's value (GitLab returns it to Maintainers); undefined when it does not exist. */
  async readVariable(name: string, scope: SecretScope): Promise<string | undefined> {
    const { group, environment } = this.target(scope);
    try {
      const variable =
        group === undefined
          ? await this.api.ProjectVariables.show(this.project, name, {
              filter: { environment_scope: environment },
            })
          : await this.api.GroupVariables.show(group, name);
      return variable.value;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.wrap(`read variable ${name}`, error);
    }
  }

  async setSecret(input: SecretInput): Promise<void> {
    const { name, value } = input;
    const { group, environment } = this.target(input.scope);
    const filter = { environment_scope: environment };
    if (value === null) {
      await this.call(`delete variable ${name}`, async () => {
        try {
          if (group === undefined) await this.api.ProjectVariables.remove(this.project, name, { filter });
          else await this.api.GroupVariables.remove(group, name);
        } catch (error) {
          if (statusOf(error) !== 404) throw error;
        }
      });
      return;
    }
    // raw: the value is never expanded ($ in a generated value stays literal).
    const flags = { masked: true, protected: true, raw: true };
    await this.call(`write variable ${name}`, async () => {
      try {
        if (group === undefined)
          await this.api.ProjectVariables.edit(this.project, name, value, {
            ...flags,
            filter,
            environmentScope: environment,
          });
        else await this.api.GroupVariables.edit(group, name, value, { ...flags, filter });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        if (group === undefined)
          await this.api.ProjectVariables.create(this.project, name, value, {
            ...flags,
            environmentScope: environment,
          });
        else await this.api.GroupVariables.create(group, name, value, flags);
      }
    });
  }
}
