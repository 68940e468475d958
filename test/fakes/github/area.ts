/** What an area of the fake GitHub (git data, pulls, secrets) gets to answer one request. */
import type { MatchedOperation } from './openapi.js';

export interface AreaRequest {
  operationId: string;
  matched: MatchedOperation;
  params: Record<string, string>;
  body: Record<string, unknown>;
  query: URLSearchParams;
  /** The documented example answer for a status (a deep copy to fill in). */
  example(status: number): Record<string, unknown>;
  /** The fake's base URL. */
  url: string;
}

/** Status, JSON body and extra headers (Link for pagination). */
export type AreaAnswer = [number, unknown, Record<string, string>?];

export interface FakeArea {
  /** undefined: not this area's operation. */
  answer(request: AreaRequest): AreaAnswer | undefined;
}

/** GitHub's page/per_page pagination with a Link header, as Octokit's paginate follows it. */
export function paginate<T>(
  all: T[],
  request: AreaRequest,
  path: string,
): { items: T[]; headers: Record<string, string> } {
  const perPage = Number(request.query.get('per_page') ?? 30);
  const page = Number(request.query.get('page') ?? 1);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const headers: Record<string, string> = {};
  if (page < last) {
    const next = new URL(path, request.url);
    request.query.forEach((value, key) => next.searchParams.set(key, value));
    next.searchParams.set('page', String(page + 1));
    headers['link'] = `<${next.toString()}>; rel="next"`;
  }
  return { items, headers };
}

export function notFound(): AreaAnswer {
  return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];
}
