/**
 * The fake GitLab's project: a flat commit model (commit -> full file map), branches, the Commits API
 * with actions (create/update/delete, start_sha, force), files lookups, merge requests, the current
 * user, and the project's group chain.
 */
import { createHash } from 'node:crypto';

import type { FakeMergeRequest, FakeMergeRequests } from './merge-requests.js';
import { type GitlabAnswer, type GitlabArea, type GitlabRequest } from './area.js';

export interface FakeGitlabCommit {
  id: string;
  parent?: string;
  files: Map<string, string>;
  message: string;
  authorEmail: string;
  committerEmail: string;
}

export interface FakeGroup {
  id: number;
  full_path: string;
  parent_id: number | null;
}

export const BOT_USER = {
  id: 91,
  username: 'project_7_bot_3f1a',
  name: 'keyless rotation',
  email: 'project_7_bot_3f1a@noreply.gitlab.test',
};
const HUMAN_EMAIL = 'ines.marchetti@northwind-labs.dev';

export class FakeGitlabRepo implements GitlabArea {
  readonly commits = new Map<string, FakeGitlabCommit>();
  readonly branches = new Map<string, string>();
  readonly groups: FakeGroup[] = [];
  defaultBranch = 'main';
  private counter = 0;

  constructor(
    readonly projectId: number,
    readonly projectPath: string,
  ) {}

  /** Set by the server; merge requests live in merge-requests.ts (`gitlab.mrs`). */
  mrs: FakeMergeRequests | undefined;

  get mergeRequests(): FakeMergeRequest[] {
    return this.mrs?.all ?? [];
  }

  merge(iid: number): string {
    if (!this.mrs) throw new Error('no merge requests area');
    return this.mrs.merge(iid);
  }

  /** The project's namespace group (last of `groups`, whose chain goes up by parent_id). */
  get namespace(): FakeGroup | undefined {
    return this.groups.find(
      (g) =>
        this.projectPath.startsWith(`${g.full_path}/`) &&
        !this.projectPath.slice(g.full_path.length + 1).includes('/'),
    );
  }

  private addCommit(c: Omit<FakeGitlabCommit, 'id'>): FakeGitlabCommit {
    const id = createHash('sha1').update(`${++this.counter}:${c.message}`).digest('hex');
    const commit = { ...c, id };
    this.commits.set(id, commit);
    return commit;
  }

  /** A commit by a person on `branch` (created from the default branch when missing). */
  commitFiles(
    files: Record<string, string | null>,
    options: { branch?: string; message?: string; committerEmail?: string } = {},
  ): string {
    const branch = options.branch ?? this.defaultBranch;
    const parent = this.branches.get(branch) ?? this.branches.get(this.defaultBranch);
    const map = new Map(parent ? this.commits.get(parent)?.files : []);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) map.delete(path);
      else map.set(path, content);
    }
    const email = options.committerEmail ?? HUMAN_EMAIL;
    const commit = this.addCommit({
      ...(parent ? { parent } : {}),
      files: map,
      message: options.message ?? 'Update files',
      authorEmail: email,
      committerEmail: email,
    });
    this.branches.set(branch, commit.id);
    return commit.id;
  }

  files(branchOrSha: string): Record<string, string> {
    const sha = this.branches.get(branchOrSha) ?? branchOrSha;
    const commit = this.commits.get(sha);
    if (!commit) throw new Error(`no commit ${branchOrSha}`);
    return Object.fromEntries(commit.files);
  }

  isProject(id: string | undefined): boolean {
    return id === String(this.projectId) || id === this.projectPath;
  }

  answer(request: GitlabRequest): GitlabAnswer | undefined {
    const { method, segments: s } = request;
    if (method === 'GET' && s.length === 1 && s[0] === 'user')
      return [200, { ...BOT_USER, state: 'active', bot: true }];
    if (s[0] === 'groups' && s.length === 2 && method === 'GET') {
      const group = this.groups.find((g) => String(g.id) === s[1] || g.full_path === s[1]);
      return group
        ? [
            200,
            {
              ...group,
              name: group.full_path.split('/').at(-1),
              web_url: `${request.url}/groups/${group.full_path}`,
            },
          ]
        : [404, { message: '404 Group Not Found' }];
    }
    if (s[0] !== 'projects' || !this.isProject(s[1])) return undefined;
    const rest = s.slice(2);
    const path = rest.join('/');
    if (method === 'GET' && rest.length === 0) return [200, this.projectView(request.url)];
    if (method === 'GET' && path.startsWith('repository/branches/') && rest.length === 3) {
      const sha = this.branches.get(rest[2] ?? '');
      if (!sha) return [404, { message: '404 Branch Not Found' }];
      return [
        200,
        {
          name: rest[2],
          merged: false,
          protected: rest[2] === this.defaultBranch,
          default: rest[2] === this.defaultBranch,
          commit: this.commitView(sha),
        },
      ];
    }
    if (method === 'GET' && rest[0] === 'repository' && rest[1] === 'files' && rest.length === 3) {
      const ref = request.query.get('ref');
      if (!ref) return [400, { error: 'ref is missing' }];
      const commit = this.commits.get(this.branches.get(ref) ?? ref);
      const content = commit?.files.get(rest[2] ?? '');
      if (content === undefined) return [404, { message: '404 File Not Found' }];
      return [
        200,
        {
          file_name: rest[2]?.split('/').at(-1),
          file_path: rest[2],
          size: content.length,
          encoding: 'base64',
          content: Buffer.from(content).toString('base64'),
          ref,
          commit_id: commit?.id,
          last_commit_id: commit?.id,
        },
      ];
    }
    if (method === 'GET' && rest[0] === 'repository' && rest[1] === 'commits' && rest.length === 3) {
      return this.commits.has(rest[2] ?? '')
        ? [200, this.commitView(rest[2] ?? '')]
        : [404, { message: '404 Commit Not Found' }];
    }
    if (method === 'POST' && path === 'repository/commits') return this.createCommit(request);
    if (method === 'GET' && path === 'repository/compare') return this.compare(request);
    return undefined;
  }

  private projectView(url: string) {
    const ns = this.namespace;
    return {
      id: this.projectId,
      path_with_namespace: this.projectPath,
      default_branch: this.defaultBranch,
      web_url: `${url}/${this.projectPath}`,
      namespace: ns
        ? { id: ns.id, kind: 'group', full_path: ns.full_path, parent_id: ns.parent_id }
        : { id: 3, kind: 'user', full_path: this.projectPath.split('/')[0], parent_id: null },
    };
  }

  private commitView(sha: string) {
    const c = this.commits.get(sha) as FakeGitlabCommit;
    return {
      id: c.id,
      short_id: c.id.slice(0, 8),
      title: c.message.split('\n')[0],
      message: c.message,
      parent_ids: c.parent ? [c.parent] : [],
      author_email: c.authorEmail,
      author_name: c.authorEmail.split('@')[0],
      committer_email: c.committerEmail,
      committer_name: c.committerEmail.split('@')[0],
      created_at: '2026-01-05T09:00:00.000Z',
    };
  }

  /** Changed paths between two commits (the diff text itself is not modelled). */
  private compare(request: GitlabRequest): GitlabAnswer {
    const from = this.commits.get(
      this.branches.get(request.query.get('from') ?? '') ?? request.query.get('from') ?? '',
    );
    const to = this.commits.get(
      this.branches.get(request.query.get('to') ?? '') ?? request.query.get('to') ?? '',
    );
    if (!from || !to) return [404, { message: '404 Ref Not Found' }];
    const paths = new Set([...from.files.keys(), ...to.files.keys()]);
    const diffs = [...paths]
      .filter((p) => from.files.get(p) !== to.files.get(p))
      .map((p) => ({
        old_path: p,
        new_path: p,
        a_mode: '100644',
        b_mode: '100644',
        new_file: !from.files.has(p),
        renamed_file: false,
        deleted_file: !to.files.has(p),
        diff: '',
      }));
    return [
      200,
      {
        commit: this.commitView(to.id),
        commits: [],
        diffs,
        compare_timeout: false,
        compare_same_ref: from === to,
      },
    ];
  }

  private createCommit(request: GitlabRequest): GitlabAnswer {
    const body = request.body;
    const branch = body['branch'];
    const message = body['commit_message'];
    if (typeof branch !== 'string' || typeof message !== 'string')
      return [400, { error: 'branch is missing, commit_message is missing' }];
    const start =
      typeof body['start_sha'] === 'string'
        ? body['start_sha']
        : typeof body['start_branch'] === 'string'
          ? this.branches.get(body['start_branch'])
          : undefined;
    const existing = this.branches.get(branch);
    if (existing && start !== undefined && body['force'] !== true)
      return [
        400,
        {
          message: `A branch called '${branch}' already exists. Switch to that branch in order to make changes`,
        },
      ];
    const parent = body['force'] === true || !existing ? start : existing;
    if (parent === undefined || !this.commits.has(parent))
      return [400, { message: 'You can only create or edit files when you are on a branch' }];
    const files = new Map(this.commits.get(parent)?.files);
    for (const action of (body['actions'] as Record<string, unknown>[] | undefined) ?? []) {
      const path = String(action['file_path']);
      const kind = action['action'];
      if (kind === 'create' && files.has(path))
        return [400, { message: 'A file with this name already exists' }];
      if ((kind === 'update' || kind === 'delete') && !files.has(path))
        return [400, { message: "A file with this name doesn't exist" }];
      if (kind === 'delete') files.delete(path);
      else if (kind === 'create' || kind === 'update') files.set(path, String(action['content'] ?? ''));
      else return [400, { error: 'actions[action] does not have a valid value' }];
    }
    const commit = this.addCommit({
      parent,
      files,
      message,
      authorEmail: String(body['author_email'] ?? BOT_USER.email),
      committerEmail: BOT_USER.email,
    });
    this.branches.set(branch, commit.id);
    return [201, this.commitView(commit.id)];
  }
}
