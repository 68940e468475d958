/**
 * The fake GitLab's merge requests: list (by source branch and state), create (one open request per
 * source and target), update (title, description, add_labels), the merge requests of a commit, and a
 * merge that fast-forwards the target branch.
 */
import { pageOf, type GitlabAnswer, type GitlabArea, type GitlabRequest } from './area.js';
import type { FakeGitlabRepo } from './repo.js';

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  source_branch: string;
  target_branch: string;
  state: 'opened' | 'closed' | 'merged';
  labels: string[];
  /** Another project's branch (a fork) when set. */
  source_project_id?: number;
  merge_commit_sha?: string;
}

export class FakeMergeRequests implements GitlabArea {
  readonly all: FakeMergeRequest[] = [];
  private nextIid = 11;

  constructor(private readonly repo: FakeGitlabRepo) {}

  answer(request: GitlabRequest): GitlabAnswer | undefined {
    const s = request.segments;
    if (s[0] !== 'projects' || !this.repo.isProject(s[1])) return undefined;
    const rest = s.slice(2);
    if (
      request.method === 'GET' &&
      rest[0] === 'repository' &&
      rest[1] === 'commits' &&
      rest[3] === 'merge_requests'
    ) {
      const found = this.all.filter((mr) => mr.merge_commit_sha === rest[2]);
      return [200, found.map((mr) => this.mrView(mr, request.url))];
    }
    if (rest[0] === 'merge_requests') return this.mergeRequestsAnswer(request, rest.slice(1));
    return undefined;
  }

  private mergeRequestsAnswer(request: GitlabRequest, rest: string[]): GitlabAnswer | undefined {
    const { method, body, query } = request;
    if (method === 'GET' && rest.length === 0) {
      const state = query.get('state') ?? 'all';
      const source = query.get('source_branch');
      const all = this.all.filter(
        (mr) => (state === 'all' || mr.state === state) && (source === null || mr.source_branch === source),
      );
      const [items, headers] = pageOf(all, request);
      return [200, items.map((mr) => this.mrView(mr, request.url)), headers];
    }
    if (method === 'POST' && rest.length === 0) {
      const source = String(body['source_branch'] ?? '');
      const target = String(body['target_branch'] ?? '');
      if (!source || !target || typeof body['title'] !== 'string')
        return [400, { error: 'source_branch, target_branch, title are missing' }];
      if (!this.repo.branches.has(source)) return [400, { message: ['Source branch does not exist'] }];
      const open = this.all.find(
        (mr) =>
          mr.state === 'opened' &&
          mr.source_branch === source &&
          mr.target_branch === target &&
          mr.source_project_id === undefined,
      );
      if (open)
        return [
          409,
          { message: [`Another open merge request already exists for this source branch: !${open.iid}`] },
        ];
      const mr = this.seedMergeRequest({
        title: body['title'],
        description: String(body['description'] ?? ''),
        source_branch: source,
        target_branch: target,
        labels: splitLabels(body['labels']),
      });
      return [201, this.mrView(mr, request.url)];
    }
    if (method === 'PUT' && rest.length === 1) {
      const mr = this.all.find((m) => String(m.iid) === rest[0]);
      if (!mr) return [404, { message: '404 Not found' }];
      if (typeof body['title'] === 'string') mr.title = body['title'];
      if (typeof body['description'] === 'string') mr.description = body['description'];
      for (const label of splitLabels(body['add_labels']))
        if (!mr.labels.includes(label)) mr.labels.push(label);
      return [200, this.mrView(mr, request.url)];
    }
    return undefined;
  }

  /** Fast-forwards the target branch to the request's head, as a merge would. */
  merge(iid: number): string {
    const mr = this.all.find((m) => m.iid === iid);
    const head = mr ? this.repo.branches.get(mr.source_branch) : undefined;
    if (!mr || !head) throw new Error(`no merge request !${iid} with a branch`);
    this.repo.branches.set(mr.target_branch, head);
    mr.state = 'merged';
    mr.merge_commit_sha = head;
    return head;
  }

  seedMergeRequest(
    mr: Omit<FakeMergeRequest, 'iid' | 'state' | 'labels'> & Partial<FakeMergeRequest>,
  ): FakeMergeRequest {
    const full: FakeMergeRequest = { iid: this.nextIid++, state: 'opened', labels: [], ...mr };
    this.all.push(full);
    return full;
  }

  private mrView(mr: FakeMergeRequest, url: string) {
    return {
      id: 5000 + mr.iid,
      iid: mr.iid,
      project_id: this.repo.projectId,
      source_project_id: mr.source_project_id ?? this.repo.projectId,
      target_project_id: this.repo.projectId,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      source_branch: mr.source_branch,
      target_branch: mr.target_branch,
      labels: mr.labels,
      sha: this.repo.branches.get(mr.source_branch) ?? null,
      web_url: `${url}/${this.repo.projectPath}/-/merge_requests/${mr.iid}`,
    };
  }
}

function splitLabels(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  return value
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
}
