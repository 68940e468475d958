/**
 * A fake GitHub REST API on loopback for the endpoints the action uses. Every request is checked
 * against GitHub's OpenAPI description (route, method, path and query parameters, JSON body) and
 * every answer is the documented example, filled in with the fake's state, and validated too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import sodium from 'libsodium-wrappers';

import type { AreaAnswer, FakeArea } from './area.js';
import { FakeGitData } from './git-data.js';
import { OpenApi, type MatchedOperation } from './openapi.js';
import { FakePulls } from './pulls.js';
import { FakeOrgSecrets } from './org-secrets.js';
import { FakeSecrets } from './secrets.js';

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
}

export interface FakeCheckRun {
  id: number;
  created: Record<string, unknown>;
  updates: Record<string, unknown>[];
  annotations: Record<string, unknown>[];
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
}

let spec: OpenApi | undefined;

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  /** Requests or answers that do not match the API description; a test expects none. */
  readonly violations: string[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly comments: FakeComment[] = [];
  readonly sarifs: Record<string, unknown>[] = [];
  /** operationIds answered with 403 (as for a read-only token). */
  readonly forbidden = new Set<string>();
  /** operationIds answered with 404 (as for a token that may not see the resource). */
  readonly hidden = new Set<string>();
  /** Repository content: blobs, trees, commits, refs. */
  readonly git = new FakeGitData();
  readonly pulls = new FakePulls(this.git);
  /** Actions secrets (sealed boxes opened with the fake's private keys). */
  readonly secrets = new FakeSecrets();
  /** Organization Actions secrets with visibility and selected repositories. */
  readonly orgSecrets = new FakeOrgSecrets();
  private readonly areas: FakeArea[] = [this.git, this.pulls, this.secrets, this.orgSecrets];
  private nextId = 1000;
  private server: Server | undefined;
  private readonly api: OpenApi;

  constructor(readonly token = 'ghs_fakeInstallationToken') {
    spec ??= new OpenApi();
    this.api = spec;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the fake GitHub is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    await sodium.ready;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`fake failed: ${(error as Error).message}`);
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Clears what was recorded (state such as comments stays, as on GitHub between runs). */
  resetLog(): void {
    this.requests.length = 0;
    this.violations.length = 0;
  }

  /** Seeds a comment someone else wrote. */
  addComment(issue: number, body: string): FakeComment {
    const comment = { id: this.nextId++, issue, body };
    this.comments.push(comment);
    return comment;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        this.violations.push(`${method} ${url.pathname}: body is not JSON`);
      }
    }
    const matched = this.api.match(method, url.pathname);
    if (!matched) {
      this.violations.push(`${method} ${url.pathname}: no such operation in the GitHub REST API`);
      return send(res, 404, { message: 'Not Found' });
    }
    const operationId = matched.operation.operationId;
    this.requests.push({
      method,
      path: url.pathname,
      operationId,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
    });
    const problems = this.api.validateRequest(matched, url.searchParams, body);
    if (req.headers.authorization !== `token ${this.token}`)
      problems.push('missing or wrong Authorization header');
    if (body !== undefined && !String(req.headers['content-type']).startsWith('application/json')) {
      problems.push('JSON body without Content-Type: application/json');
    }
    if (problems.length > 0) {
      this.violations.push(...problems.map((p) => `${operationId}: ${p}`));
      return send(res, 422, { message: 'Validation Failed', errors: problems });
    }
    if (this.forbidden.has(operationId)) {
      return send(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    if (this.hidden.has(operationId)) {
      return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    const [status, answer, headers] = this.answer(
      operationId,
      matched,
      (body ?? {}) as Record<string, unknown>,
      url.searchParams,
    );
    const documented = matched.operation.responses[String(status)];
    if (answer === undefined && documented && !documented.content) {
      res.writeHead(status).end();
      return;
    }
    // Error answers of the areas (404/422) are GitHub's `basic-error` shape, documented or not.
    if (status < 400 || documented) {
      const responseProblems = this.api.validateResponse(matched, status, answer);
      this.violations.push(...responseProblems.map((p) => `${operationId} (fake's answer): ${p}`));
    }
    send(res, status, answer, headers);
  }

  private answer(
    operationId: string,
    matched: MatchedOperation,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): AreaAnswer {
    const { owner, repo } = matched.params;
    const example = (status: number): Record<string, unknown> =>
      (this.api.example(matched, status) ?? {}) as Record<string, unknown>;
    switch (operationId) {
      case 'checks/create': {
        const run: FakeCheckRun = { id: this.nextId++, created: body, updates: [], annotations: [] };
        this.checkRuns.push(run);
        return [201, this.checkRunView(example(201), run, owner, repo)];
      }
      case 'checks/update': {
        const run = this.checkRuns.find((r) => r.id === Number(matched.params['check_run_id']));
        if (!run) return [404, { message: 'Not Found' }];
        run.updates.push(body);
        const output = (body['output'] ?? {}) as Record<string, unknown>;
        run.annotations.push(...((output['annotations'] ?? []) as Record<string, unknown>[]));
        return [200, this.checkRunView(example(200), run, owner, repo)];
      }
      case 'issues/list-comments': {
        const issue = Number(matched.params['issue_number']);
        const all = this.comments.filter((c) => c.issue === issue);
        const size = Number(query.get('per_page') ?? 30);
        const page = Number(query.get('page') ?? 1);
        const template = (example(200) as unknown as Record<string, unknown>[])[0] ?? {};
        return [
          200,
          all.slice((page - 1) * size, page * size).map((c) => ({ ...template, id: c.id, body: c.body })),
        ];
      }
      case 'issues/create-comment': {
        const comment = this.addComment(Number(matched.params['issue_number']), String(body['body']));
        return [201, { ...example(201), id: comment.id, body: comment.body }];
      }
      case 'issues/update-comment': {
        const comment = this.comments.find((c) => c.id === Number(matched.params['comment_id']));
        if (!comment) return [404, { message: 'Not Found' }];
        comment.body = String(body['body']);
        return [200, { ...example(200), id: comment.id, body: comment.body }];
      }
      case 'code-scanning/upload-sarif': {
        this.sarifs.push(body);
        return [202, { ...example(202), id: `sarif-${this.nextId++}` }];
      }
      default: {
        const context = {
          operationId,
          matched,
          params: matched.params,
          body,
          query,
          url: this.url,
          example: (status: number) => example(status),
        };
        for (const area of this.areas) {
          const answer = area.answer(context);
          if (answer) return answer;
        }
        this.violations.push(`${operationId}: not implemented by the fake`);
        return [501, { message: 'not implemented by the fake' }];
      }
    }
  }

  private checkRunView(template: Record<string, unknown>, run: FakeCheckRun, owner?: string, repo?: string) {
    const latest = Object.assign({}, run.created, ...run.updates) as Record<string, unknown>;
    const output = (latest['output'] ?? {}) as Record<string, unknown>;
    return {
      ...template,
      id: run.id,
      name: latest['name'],
      head_sha: latest['head_sha'],
      status: latest['status'] ?? 'queued',
      conclusion: latest['conclusion'] ?? null,
      html_url: `https://github.com/${owner}/${repo}/runs/${run.id}`,
      output: {
        title: output['title'] ?? null,
        summary: output['summary'] ?? null,
        text: null,
        annotations_count: run.annotations.length,
        annotations_url: `${this.url}/repos/${owner}/${repo}/check-runs/${run.id}/annotations`,
      },
    };
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
