import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { GitlabArea } from './area.js';
import { FakeMergeRequests } from './merge-requests.js';
import { FakeGitlabRepo } from './repo.js';
import { FakeVariables } from './variables.js';

/*
 * A GitLab REST API v4 fake on loopback, limited to merge request notes (list, create, update), in
 * the shapes GitLab documents: offset pagination with x-page/x-per-page/x-total/x-total-pages/
 * x-next-page/x-prev-page and a Link header, `{"message": "..."}` errors, `{"error": "..."}` for
 * missing parameters. It checks the token (PRIVATE-TOKEN or Authorization: Bearer) and every parameter.
 */

export interface FakeNote {
  id: number;
  type: null;
  body: string;
  attachment: null;
  author: {
    id: number;
    username: string;
    name: string;
    state: 'active';
    avatar_url: string;
    web_url: string;
  };
  created_at: string;
  updated_at: string;
  system: boolean;
  noteable_id: number;
  noteable_type: 'MergeRequest';
  project_id: number;
  noteable_iid: number;
  resolvable: boolean;
  confidential: boolean;
  internal: boolean;
  imported: boolean;
  imported_from: 'none';
}

export interface FakeGitlabOptions {
  token: string;
  projectId: number;
  mrIid: number;
  /** Answer 403 to every authenticated request (a token without the needed role or scope). */
  forbidden?: boolean;
  /** `group/project`, also accepted in place of the id (default northwind-labs/ledger). */
  projectPath?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: 'private-token' | 'bearer' | 'none';
  body?: unknown;
}

const MAX_BODY = 1_000_000;
const BOT = { id: 91, username: 'project_7_bot_keyless', name: 'keyless bot', state: 'active' as const };

export class FakeGitlab {
  readonly notes: FakeNote[] = [];
  readonly requests: RecordedRequest[] = [];
  private nextId = 1000;
  private clock = Date.UTC(2025, 0, 1);
  private server: Server | undefined;
  url = '';
  /** Repository, commits, branches, merge requests, groups (see repo.ts). */
  readonly repo: FakeGitlabRepo;
  /** Project and group CI/CD variables (see variables.ts). */
  readonly variables: FakeVariables;
  /** Merge requests of the project (see merge-requests.ts). */
  readonly mrs: FakeMergeRequests;
  private readonly areas: GitlabArea[];

  constructor(private readonly options: FakeGitlabOptions) {
    this.repo = new FakeGitlabRepo(options.projectId, options.projectPath ?? 'northwind-labs/ledger');
    this.variables = new FakeVariables(this.repo);
    this.mrs = new FakeMergeRequests(this.repo);
    this.repo.mrs = this.mrs;
    this.areas = [this.variables, this.mrs, this.repo];
  }

  /** API base as in CI_API_V4_URL. */
  get apiUrl(): string {
    return `${this.url}/api/v4`;
  }

  /** Adds a note written by someone else (to fill pages, or to quote the marker). */
  seed(body: string, extra: Partial<FakeNote> = {}): FakeNote {
    const note = this.makeNote(body, { id: 7, username: 'reviewer', name: 'A Reviewer', state: 'active' });
    Object.assign(note, extra);
    this.notes.push(note);
    return note;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private makeNote(body: string, user: Omit<FakeNote['author'], 'avatar_url' | 'web_url'>): FakeNote {
    const at = new Date((this.clock += 60_000)).toISOString();
    return {
      id: this.nextId++,
      type: null,
      body,
      attachment: null,
      author: { ...user, avatar_url: `${this.url}/avatar.png`, web_url: `${this.url}/${user.username}` },
      created_at: at,
      updated_at: at,
      system: false,
      noteable_id: 5000 + this.options.mrIid,
      noteable_type: 'MergeRequest',
      project_id: this.options.projectId,
      noteable_iid: this.options.mrIid,
      resolvable: false,
      confidential: false,
      internal: false,
      imported: false,
      imported_from: 'none',
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    const privateToken = req.headers['private-token'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = typeof privateToken === 'string' ? privateToken : bearer;
    const auth = typeof privateToken === 'string' ? 'private-token' : bearer ? 'bearer' : 'none';
    const raw = await readBody(req);
    const recorded: RecordedRequest = { method: req.method ?? '', path: url.pathname, query, auth };
    this.requests.push(recorded);

    if (token !== this.options.token) return send(res, 401, { message: '401 Unauthorized' });
    if (this.options.forbidden) return send(res, 403, { message: '403 Forbidden' });

    if (url.pathname.startsWith('/api/v4/') && !url.pathname.includes('/notes')) {
      let parsed: Record<string, unknown> = {};
      if (raw !== '') {
        if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
          return send(res, 415, { message: '415 Unsupported Media Type' });
        parsed = JSON.parse(raw) as Record<string, unknown>;
        recorded.body = parsed;
      }
      const segments = url.pathname.slice('/api/v4/'.length).split('/').map(decodeURIComponent);
      const request = {
        method: recorded.method,
        segments,
        query: url.searchParams,
        body: parsed,
        url: this.url,
      };
      for (const area of this.areas) {
        const answer = area.answer(request);
        if (!answer) continue;
        const [status, body, headers] = answer;
        if (body === undefined) {
          res.writeHead(status).end();
          return;
        }
        return send(res, status, body, headers);
      }
      return send(res, 404, { error: '404 Not Found' });
    }

    const match = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/([^/]+)\/notes(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
    if (!match) return send(res, 404, { error: '404 Not Found' });
    const [, project = '', iid = '', noteId] = match;
    if (decodeURIComponent(project) !== String(this.options.projectId))
      return send(res, 404, { message: '404 Project Not Found' });
    if (iid !== String(this.options.mrIid)) return send(res, 404, { message: '404 Not found' });

    let body: Record<string, unknown> = {};
    if (raw !== '') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return send(res, 415, { message: '415 Unsupported Media Type' });
      body = JSON.parse(raw) as Record<string, unknown>;
      recorded.body = body;
    }

    if (req.method === 'GET' && noteId === undefined) return this.list(url, res);
    if (req.method === 'POST' && noteId === undefined) {
      const text = validBody(body, res);
      if (text === undefined) return;
      const note = this.makeNote(text, BOT);
      this.notes.push(note);
      return send(res, 201, note);
    }
    if (req.method === 'PUT' && noteId !== undefined) {
      const note = this.notes.find((n) => String(n.id) === noteId);
      if (!note) return send(res, 404, { message: '404 Note Not Found' });
      if (note.author.username !== BOT.username) return send(res, 403, { message: '403 Forbidden' });
      const text = validBody(body, res);
      if (text === undefined) return;
      note.body = text;
      note.updated_at = new Date((this.clock += 60_000)).toISOString();
      return send(res, 200, note);
    }
    return send(res, 405, { message: '405 Method Not Allowed' });
  }

  private list(url: URL, res: ServerResponse): void {
    const param = (name: string, fallback: string): string => url.searchParams.get(name) ?? fallback;
    const page = Number(param('page', '1'));
    const perPage = Number(param('per_page', '20'));
    const sort = param('sort', 'desc');
    const orderBy = param('order_by', 'created_at');
    if (!Number.isInteger(page) || page < 1) return send(res, 400, { error: 'page is invalid' });
    if (!Number.isInteger(perPage) || perPage < 1) return send(res, 400, { error: 'per_page is invalid' });
    if (!['asc', 'desc'].includes(sort)) return send(res, 400, { error: 'sort does not have a valid value' });
    if (!['created_at', 'updated_at'].includes(orderBy))
      return send(res, 400, { error: 'order_by does not have a valid value' });
    const size = Math.min(perPage, 100);
    const sorted = [...this.notes].sort((a, b) => {
      const key = orderBy as 'created_at' | 'updated_at';
      const order = a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.id - b.id;
      return sort === 'asc' ? order : -order;
    });
    const totalPages = Math.max(1, Math.ceil(sorted.length / size));
    const link = (p: number): string => {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(size));
      return next.toString();
    };
    const links = [
      ...(page > 1 ? [`<${link(page - 1)}>; rel="prev"`] : []),
      ...(page < totalPages ? [`<${link(page + 1)}>; rel="next"`] : []),
      `<${link(1)}>; rel="first"`,
      `<${link(totalPages)}>; rel="last"`,
    ];
    send(res, 200, sorted.slice((page - 1) * size, page * size), {
      'x-page': String(page),
      'x-per-page': String(size),
      'x-total': String(sorted.length),
      'x-total-pages': String(totalPages),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      link: links.join(', '),
    });
  }
}

function validBody(body: Record<string, unknown>, res: ServerResponse): string | undefined {
  const text = body['body'];
  if (typeof text !== 'string' || text.trim() === '') {
    send(res, 400, { error: 'body is missing' });
    return undefined;
  }
  if (text.length > MAX_BODY) {
    send(res, 400, { message: { body: ['is too long (maximum is 1000000 characters)'] } });
    return undefined;
  }
  return text;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
