import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../scanners/engine/types.js';
import { renderGitlab } from '../../scanners/reports/gitlab.js';
import { instanceUrl, publishMrNote, type MrTarget } from '../../gitlab/mr-note.js';
import { NOTE_MARKER, renderNote } from '../../gitlab/note-body.js';
import { readSecretReport, type SecretReport } from '../../gitlab/report.js';
import { FakeGitlab } from '../fakes/gitlab/server.js';
import { ALL_FINDINGS, dirFinding, makeMeta, secretPieces } from '../scanners/reports/fixtures.js';

const TOKEN = 'glpat-Zq81vXr4LmT0aYc9WbNe';
const servers: FakeGitlab[] = [];
const dirs: string[] = [];

async function fake(options: { forbidden?: boolean } = {}): Promise<FakeGitlab> {
  const server = await new FakeGitlab({ token: TOKEN, projectId: 77, mrIid: 4, ...options }).start();
  servers.push(server);
  return server;
}

function target(server: FakeGitlab, token = TOKEN): MrTarget {
  return { apiUrl: server.apiUrl, token, projectId: '77', mrIid: 4 };
}

/** A report as the report job publishes it, read back as the note job reads it. */
async function report(findings: readonly Finding[], complete = true): Promise<SecretReport> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-note-'));
  dirs.push(dir);
  const file = join(dir, 'gl-secret-detection-report.json');
  writeFileSync(file, renderGitlab(findings, makeMeta({ complete }), { commitSha: 'a'.repeat(40) }));
  return readSecretReport(file);
}

async function publish(server: FakeGitlab, findings: readonly Finding[], token = TOKEN) {
  const parsed = await report(findings);
  const body = renderNote(parsed, { failOn: 'high', commitSha: 'b'.repeat(40) });
  return publishMrNote(target(server, token), body, parsed.entries.length === 0);
}

const ours = (server: FakeGitlab) => server.notes.filter((n) => n.body.startsWith(NOTE_MARKER));

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('merge request note', () => {
  it('is created once, then updated in place, never duplicated', async () => {
    const server = await fake();
    const created = await publish(server, [dirFinding]);
    expect(created.action).toBe('created');
    const updated = await publish(server, ALL_FINDINGS);
    expect(updated).toEqual({ action: 'updated', noteId: created.noteId });
    expect(await publish(server, ALL_FINDINGS)).toEqual({ action: 'unchanged', noteId: created.noteId });
    expect(ours(server)).toHaveLength(1);
    expect(ours(server)[0]?.body).toContain('**5 findings (2 critical, 1 high, 1 medium, 1 low)**');
    const methods = server.requests.map((r) => r.method);
    expect(methods).toEqual(['GET', 'POST', 'GET', 'PUT', 'GET']);
    expect(server.requests.every((r) => r.auth === 'private-token')).toBe(true);
    expect(server.requests[0]?.query).toMatchObject({ per_page: '100', sort: 'asc', order_by: 'created_at' });
  });

  it('finds its note past the first page and ignores notes that merely quote the marker', async () => {
    const server = await fake();
    for (let i = 0; i < 130; i++) server.seed(`review comment ${i}`);
    server.seed(`Why is there a ${NOTE_MARKER} in the bot note?`);
    const first = await publish(server, [dirFinding]);
    for (let i = 0; i < 5; i++) server.seed(`later comment ${i}`);
    const second = await publish(server, ALL_FINDINGS);
    expect(second).toEqual({ action: 'updated', noteId: first.noteId });
    expect(ours(server)).toHaveLength(1);
    const pages = server.requests.filter((r) => r.method === 'GET').map((r) => r.query['page'] ?? '1');
    expect(pages).toEqual(['1', '2', '1', '2']);
  });

  it('writes nothing for a clean merge request, but clears an earlier note listing findings', async () => {
    const server = await fake();
    expect(await publish(server, [])).toEqual({ action: 'skipped' });
    expect(server.notes).toHaveLength(0);
    const created = await publish(server, [dirFinding]);
    expect(await publish(server, [])).toEqual({ action: 'updated', noteId: created.noteId });
    expect(ours(server)[0]?.body).toContain('No secrets found in what this merge request adds');
  });

  it('turns 403 and 401 into advice instead of an exception', async () => {
    const forbidden = await publish(await fake({ forbidden: true }), [dirFinding]);
    expect(forbidden.action).toBe('forbidden');
    expect(forbidden.message).toContain('GitLab answered 403');
    expect(forbidden.message).toContain('CI_JOB_TOKEN cannot write notes');
    const server = await fake();
    const unauthorized = await publish(server, [dirFinding], 'glpat-wrongwrongwrong1');
    expect(unauthorized.action).toBe('forbidden');
    expect(unauthorized.message).toContain('GitLab answered 401');
    expect(server.notes).toHaveLength(0);
  });

  it('shows redacted previews, remediation and baseline entries, never a secret', async () => {
    const server = await fake();
    await publish(server, ALL_FINDINGS);
    const body = ours(server)[0]?.body ?? '';
    expect(body).toContain(dirFinding.redacted);
    expect(body).toMatch(/1\. Revoke or rotate each credential at its provider first/);
    expect(body).toContain('secret store');
    expect(body).toContain('.keyless-baseline.json');
    expect(body).toContain(`"fingerprint": "${dirFinding.fingerprint}"`);
    expect(body).toContain('3 findings (2 critical, 1 high) at or above `high` block this merge request.');
    expect(secretPieces(ALL_FINDINGS).filter((piece) => body.includes(piece))).toEqual([]);
  });

  it('warns about an incomplete scan and derives the instance URL from CI_API_V4_URL', async () => {
    const body = renderNote(await report([dirFinding], false), { failOn: 'low' });
    expect(body).toContain('the scan was incomplete');
    expect(instanceUrl('https://gitlab.example.com/api/v4')).toBe('https://gitlab.example.com');
    expect(instanceUrl('https://example.com/gitlab/api/v4/')).toBe('https://example.com/gitlab');
  });
});
