/** One area of the fake GitLab (repository, merge requests, variables) answering under /api/v4. */
export interface GitlabRequest {
  method: string;
  /** Path segments after /api/v4, URL-decoded (`projects`, `northwind/api`, `repository`, ...). */
  segments: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** Base of absolute URLs in answers. */
  url: string;
}

export type GitlabAnswer = [number, unknown, Record<string, string>?];

export interface GitlabArea {
  answer(request: GitlabRequest): GitlabAnswer | undefined;
}

/** GitLab's offset pagination headers (x-next-page and a Link header, which gitbeaker follows). */
export function pageOf<T>(all: T[], request: GitlabRequest): [T[], Record<string, string>] {
  const page = Math.max(1, Number(request.query.get('page') ?? 1));
  const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 20)));
  const total = Math.max(1, Math.ceil(all.length / perPage));
  const headers: Record<string, string> = {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-total': String(all.length),
    'x-total-pages': String(total),
    'x-next-page': page < total ? String(page + 1) : '',
  };
  if (page < total) {
    const next = new URL(`/api/v4/${request.segments.map(encodeURIComponent).join('/')}`, request.url);
    request.query.forEach((value, key) => next.searchParams.set(key, value));
    next.searchParams.set('page', String(page + 1));
    next.searchParams.set('per_page', String(perPage));
    headers['link'] = `<${next.toString()}>; rel="next"`;
  }
  return [all.slice((page - 1) * perPage, page * perPage), headers];
}
