/** The fake GitHub's pull requests (list, create, update) and their labels (issues API). */
import { notFound, paginate, type AreaAnswer, type AreaRequest, type FakeArea } from './area.js';
import type { FakeGitData } from './git-data.js';

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  labels: string[];
  /** Set by tests: a branch of the same name in a fork. */
  headRepo?: string;
}

export class FakePulls implements FakeArea {
  readonly pulls: FakePull[] = [];
  private next = 40;

  constructor(private readonly git: FakeGitData) {}

  /** A pull request someone opened (or the bot opened in an earlier run). */
  seed(pull: Omit<FakePull, 'number' | 'state' | 'labels'> & Partial<FakePull>): FakePull {
    const full: FakePull = { state: 'open', labels: [], number: this.next++, ...pull };
    this.pulls.push(full);
    return full;
  }

  answer(request: AreaRequest): AreaAnswer | undefined {
    const { operationId, params, body, query } = request;
    const { owner = '', repo = '' } = params;
    switch (operationId) {
      case 'pulls/list': {
        const state = query.get('state') ?? 'open';
        const head = query.get('head');
        const all = this.pulls.filter(
          (p) =>
            (state === 'all' || p.state === state) &&
            (head === null || `${(p.headRepo ?? `${owner}/${repo}`).split('/')[0]}:${p.head}` === head),
        );
        const { items, headers } = paginate(all, request, `/repos/${owner}/${repo}/pulls`);
        const template = (request.example(200) as unknown as Record<string, unknown>[])[0] ?? {};
        return [200, items.map((p) => this.view(template, p, owner, repo)), headers];
      }
      case 'pulls/create': {
        const head = String(body['head']);
        if (!this.git.refs.has(`heads/${head}`))
          return [422, { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] }];
        if (this.pulls.some((p) => p.state === 'open' && p.head === head && p.headRepo === undefined))
          return [422, { message: `A pull request already exists for ${owner}:${head}.` }];
        const pull = this.seed({
          title: String(body['title']),
          body: String(body['body'] ?? ''),
          head,
          base: String(body['base']),
        });
        return [201, this.view(request.example(201), pull, owner, repo)];
      }
      case 'pulls/update': {
        const pull = this.pulls.find((p) => p.number === Number(params['pull_number']));
        if (!pull) return notFound();
        if (typeof body['title'] === 'string') pull.title = body['title'];
        if (typeof body['body'] === 'string') pull.body = body['body'];
        return [200, this.view(request.example(200), pull, owner, repo)];
      }
      case 'issues/add-labels': {
        const pull = this.pulls.find((p) => p.number === Number(params['issue_number']));
        if (!pull) return notFound();
        for (const label of (body['labels'] as string[] | undefined) ?? [])
          if (!pull.labels.includes(label)) pull.labels.push(label);
        const template = (request.example(200) as unknown as Record<string, unknown>[])[0] ?? {};
        return [200, pull.labels.map((name, i) => ({ ...template, id: 9000 + i, name, default: false }))];
      }
      default:
        return undefined;
    }
  }

  private view(template: Record<string, unknown>, pull: FakePull, owner: string, repo: string) {
    const side = (which: 'head' | 'base', ref: string, full: string) => {
      const original = template[which] as Record<string, unknown>;
      const sha = this.git.refs.get(`heads/${ref}`) ?? '0'.repeat(40);
      return {
        ...original,
        ref,
        sha,
        label: `${full.split('/')[0]}:${ref}`,
        repo: { ...(original['repo'] as Record<string, unknown>), name: full.split('/')[1], full_name: full },
      };
    };
    return {
      ...template,
      number: pull.number,
      // The documented example's team lacks the required `type`.
      requested_teams: [],
      state: pull.state,
      title: pull.title,
      body: pull.body,
      html_url: `https://github.test/${owner}/${repo}/pull/${pull.number}`,
      head: side('head', pull.head, pull.headRepo ?? `${owner}/${repo}`),
      base: side('base', pull.base, `${owner}/${repo}`),
    };
  }
}
