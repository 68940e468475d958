import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { FakeGitHub } from '../fakes/github/server.js';

let github: FakeGitHub;
beforeAll(async () => {
  github = await new FakeGitHub().start();
});
afterAll(() => github.stop());

async function call(method: string, path: string, body?: unknown, token = github.token) {
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// The action's tests trust the fake to reject what GitHub would; these show that it does.
describe('fake GitHub', () => {
  it('answers documented requests in the documented shape', async () => {
    github.resetLog();
    const sha = 'a'.repeat(40);
    const created = await call('POST', '/repos/o/r/check-runs', { name: 'n', head_sha: sha });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ head_sha: sha, name: 'n', status: 'queued' });
    expect(typeof created.body['node_id']).toBe('string');
    expect(github.violations).toEqual([]);
  });

  it('records requests that break the API description', async () => {
    github.resetLog();
    const sha = 'a'.repeat(40);
    const bad = await call('POST', '/repos/o/r/check-runs', { name: 'n' });
    expect(bad.status).toBe(422);
    const run = (await call('POST', '/repos/o/r/check-runs', { name: 'n', head_sha: sha })).body['id'];
    await call('PATCH', `/repos/o/r/check-runs/${String(run)}`, {
      output: {
        title: 't',
        summary: 's',
        annotations: [{ path: 'a', start_line: 1, end_line: 1, annotation_level: 'error', message: 'm' }],
      },
    });
    await call('GET', '/repos/o/r/issues/1/comments?per_page=100&colour=red');
    await call('GET', '/repos/o/r/not-an-endpoint');
    await call('GET', '/repos/o/r/issues/1/comments', undefined, 'wrong');
    expect(github.violations).toEqual([
      expect.stringMatching(/^checks\/create: body must have required property 'head_sha'/),
      expect.stringMatching(
        /^checks\/update: body\/output\/annotations\/0\/annotation_level must be equal to one of/,
      ),
      'issues/list-comments: unknown query parameter colour',
      'GET /repos/o/r/not-an-endpoint: no such operation in the GitHub REST API',
      'issues/list-comments: missing or wrong Authorization header',
    ]);
  });

  it('answers 403 for a route it is told to forbid', async () => {
    github.resetLog();
    github.forbidden.add('issues/create-comment');
    const denied = await call('POST', '/repos/o/r/issues/2/comments', { body: 'hi' });
    github.forbidden.clear();
    expect(denied.status).toBe(403);
    expect(github.comments).toEqual([]);
    expect(github.violations).toEqual([]);
  });
});
