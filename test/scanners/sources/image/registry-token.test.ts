/**
 * Bearer token details a real token server in our tests does not exercise: docker identity tokens
 * (OAuth2 refresh-token grant), insufficient_scope, expiry, malformed and failing token answers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '../../../helpers/oci-builder.js';
import type { BuiltImage } from '../../../helpers/oci-builder.js';
import { registryError, send, startFakeServer } from '../../../fakes/registry-server.js';
import type { FakeServer } from '../../../fakes/registry-server.js';
import { openRegistryImage } from '../../../../scanners/sources/image/registry/source.js';
import type { RegistryImageOptions } from '../../../../scanners/sources/image/registry/source.js';
import type { ImageSource } from '../../../../scanners/sources/image/types.js';
import { caught } from './registry-helpers.js';

let registry: FakeServer;
let auth: FakeServer;
let image: BuiltImage;
let work: string;
const opened: ImageSource[] = [];
const bodies: string[] = [];

function open(options: Partial<RegistryImageOptions> = {}): ImageSource {
  const source = openRegistryImage({
    reference: `${registry.host}/team/tool:v1`,
    timeoutMs: 2_000,
    retry: { attempts: 3, baseDelayMs: 1 },
    ...options,
  });
  opened.push(source);
  return source;
}

/** A registry that wants `Bearer <accepted>` and otherwise challenges (optionally with an error). */
function serveRegistry(accepted: Set<string>, error?: string): void {
  const realm = `http://${auth.host}/oauth/token`;
  registry.handle((req, res) => {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!accepted.has(token)) {
      const extra = token && error ? `,error="${error}"` : '';
      registryError(res, 401, 'UNAUTHORIZED', {
        'www-authenticate': `Bearer realm="${realm}",service="tools",scope="repository:team/tool:pull"${extra}`,
      });
      return;
    }
    const path = req.url ?? '';
    if (path.startsWith('/v2/team/tool/manifests/'))
      send(res, image.manifest.bytes, image.manifest.mediaType);
    else if (path === `/v2/team/tool/blobs/${image.config.digest}`) send(res, image.config.bytes, null);
    else registryError(res, 404, 'BLOB_UNKNOWN');
  });
}

function serveTokens(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void): void {
  auth.handle((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      answer(req, res, body);
    });
  });
}

const json = (res: ServerResponse, value: unknown): void =>
  send(res, new TextEncoder().encode(JSON.stringify(value)), 'application/json');

beforeAll(async () => {
  [registry, auth] = await Promise.all([startFakeServer(), startFakeServer()]);
  image = buildImage({ layers: [{ files: { 'bin/run.sh': 'echo ok\n' } }] });
  work = mkdtempSync(join(tmpdir(), 'keyless-registry-token-'));
});

afterEach(() => {
  registry.requests.length = 0;
  auth.requests.length = 0;
  bodies.length = 0;
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await Promise.all([registry?.close(), auth?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Bearer token flow details', () => {
  it('trades a docker identity token with a refresh_token grant (POST), never in the URL', async () => {
    const identity = 'rt-Wm4hQz8cLn2v';
    const config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify({ auths: { [registry.host]: { identitytoken: identity } } }));
    serveRegistry(new Set(['at-Ps7dKe3xVb']));
    serveTokens((_req, res) => json(res, { access_token: 'at-Ps7dKe3xVb', expires_in: 300 }));
    const [resolved] = await open({ dockerConfig: config }).resolve('all');
    expect(resolved!.digest).toBe(image.manifest.digest);
    expect(auth.requests).toHaveLength(1);
    expect(auth.requests[0]!.method).toBe('POST');
    expect(auth.requests[0]!.path).toBe('/oauth/token');
    const form = new URLSearchParams(bodies[0]);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe(identity);
    expect(form.get('service')).toBe('tools');
    expect(form.get('scope')).toBe('repository:team/tool:pull');
  });

  it('reports insufficient_scope as denied access to the repository', async () => {
    serveRegistry(new Set(), 'insufficient_scope');
    serveTokens((_req, res) => json(res, { token: 'tk-Ga5nVr9qWs' }));
    const err = await caught(
      open({ credentials: { username: 'ci', password: 'Lp6tXc2mRz' } }).resolve('all'),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('access denied for repository:team/tool:pull');
    expect(err.message).toContain('credentials from --username/--password-stdin');
    expect(err.message).not.toContain('Lp6tXc2mRz');
    expect(err.message).not.toContain('tk-Ga5nVr9qWs');
  });

  it('fetches a new token once the cached one has expired', async () => {
    serveRegistry(new Set(['tk-1', 'tk-2']));
    let issued = 0;
    serveTokens((_req, res) => json(res, { token: `tk-${++issued}`, expires_in: 1 }));
    const source = open();
    await source.resolve('all');
    expect(issued).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await source.resolve('all');
    expect(issued).toBe(2);
    expect(registry.requests.at(-1)!.headers.authorization).toBe('Bearer tk-2');
  });

  it('fails clearly on a token answer without a token', async () => {
    serveRegistry(new Set());
    serveTokens((_req, res) => json(res, { note: 'nothing here' }));
    const err = await caught(open().resolve('all'));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('neither "token" nor "access_token"');
  });

  it('retries a token service that answers 502 once', async () => {
    serveRegistry(new Set(['tk-ok']));
    let failures = 1;
    serveTokens((_req, res) => (failures-- > 0 ? res.writeHead(502).end() : json(res, { token: 'tk-ok' })));
    const [resolved] = await open().resolve('all');
    expect(resolved!.digest).toBe(image.manifest.digest);
    expect(auth.requests).toHaveLength(2);
  });

  it('treats a 401 on a cached token as expired, and reports it when a fresh token is refused too', async () => {
    serveRegistry(new Set(['tk-a']));
    let issued = 0;
    serveTokens((_req, res) => json(res, { token: issued++ === 0 ? 'tk-a' : 'tk-b' }));
    const source = open();
    await source.resolve('all');
    serveRegistry(new Set(['tk-b']));
    await source.resolve('all');
    expect(issued).toBe(2);
    serveRegistry(new Set());
    const err = await caught(source.resolve('all'));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('requires authentication');
  });
});
