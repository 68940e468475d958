/**
 * Misbehaving registries (scripted loopback server): retries only where they help, bounded, with
 * backoff; timeouts; truncated bodies; wrong digests; media types we refuse; realms and redirects that
 * must not leak credentials.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildImage } from '../../../helpers/oci-builder.js';
import type { BuiltImage } from '../../../helpers/oci-builder.js';
import { registryError, send, sendTruncated, startFakeServer } from '../../../fakes/registry-server.js';
import type { FakeServer } from '../../../fakes/registry-server.js';
import { openRegistryImage } from '../../../../scanners/sources/image/registry/source.js';
import type { RegistryImageOptions } from '../../../../scanners/sources/image/registry/source.js';
import type { ImageSource } from '../../../../scanners/sources/image/types.js';
import { caught, readAll } from './registry-helpers.js';

let server: FakeServer;
let storage: FakeServer;
let image: BuiltImage;
let delays: number[] = [];
const opened: ImageSource[] = [];
const MANIFEST = '/v2/fake/app/manifests/v1';

function open(options: Partial<RegistryImageOptions> = {}): ImageSource {
  const source = openRegistryImage({
    reference: `${server.host}/fake/app:v1`,
    timeoutMs: 2_000,
    retry: { attempts: 3, baseDelayMs: 40, maxDelayMs: 1000 },
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  opened.push(source);
  return source;
}

/** Serves `image` like a registry; `override` may answer first (return true when it did). */
function serve(override?: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  server.handle((req, res) => {
    if (override?.(req, res)) return;
    const path = req.url ?? '';
    if (path === MANIFEST || path === `/v2/fake/app/manifests/${image.manifest.digest}`) {
      send(res, image.manifest.bytes, image.manifest.mediaType, {
        'docker-content-digest': image.manifest.digest,
      });
      return;
    }
    const blob = [image.config, ...image.layers].find((b) => path === `/v2/fake/app/blobs/${b.digest}`);
    if (blob) send(res, blob.bytes, 'application/octet-stream');
    else registryError(res, 404, 'BLOB_UNKNOWN');
  });
}

beforeAll(async () => {
  server = await startFakeServer();
  storage = await startFakeServer('localhost');
  image = buildImage({ layers: [{ files: { 'opt/tool/settings.ini': 'mode=fast\n'.repeat(4000) } }] });
});

afterEach(() => {
  delays = [];
  server.requests.length = 0;
  storage.requests.length = 0;
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await Promise.all([server?.close(), storage?.close()]);
});

describe('retries', () => {
  it('retries a 500 and succeeds, with a jittered backoff', async () => {
    let failures = 1;
    serve((req, res) => req.url === MANIFEST && failures-- > 0 && (registryError(res, 500, 'UNKNOWN'), true));
    const [resolved] = await open().resolve('all');
    expect(resolved!.digest).toBe(image.manifest.digest);
    expect(server.count(MANIFEST)).toBe(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[0]).toBeLessThanOrEqual(40);
  });

  it('gives up on a permanent 500 after the bounded attempts, with a clear transient error', async () => {
    serve((req, res) => req.url === MANIFEST && (res.writeHead(503).end(), true));
    const err = await caught(open().resolve('all'));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/answered 503 \(gave up after 3 attempts\)/);
    expect(server.count(MANIFEST)).toBe(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]!).toBeGreaterThanOrEqual(40); // second step doubles
    expect(delays[1]!).toBeLessThanOrEqual(80);
  });

  it('honours Retry-After on 429, and refuses to wait hours', async () => {
    let limited = 1;
    serve(
      (req, res) =>
        req.url === MANIFEST &&
        limited-- > 0 &&
        (registryError(res, 429, 'TOOMANYREQUESTS', { 'retry-after': '1' }), true),
    );
    await open().resolve('all');
    expect(delays).toEqual([1000]);

    serve(
      (req, res) =>
        req.url === MANIFEST && (registryError(res, 429, 'TOOMANYREQUESTS', { 'retry-after': '7200' }), true),
    );
    server.requests.length = 0;
    const err = await caught(open().resolve('all'));
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('wait 7200 s');
    expect(server.count(MANIFEST)).toBe(1);
  });

  it('does not retry 4xx answers', async () => {
    serve((req, res) => req.url === MANIFEST && (registryError(res, 404, 'NAME_UNKNOWN'), true));
    const missing = await caught(open().resolve('all'));
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toContain('repository "fake/app" not found');
    serve((req, res) => req.url === MANIFEST && (registryError(res, 400, 'NAME_INVALID'), true));
    const bad = await caught(open().resolve('all'));
    expect(bad.kind).toBe('invalid');
    expect(bad.message).toContain('answered 400 (NAME_INVALID)');
    serve((req, res) => req.url === MANIFEST && (registryError(res, 403, 'DENIED'), true));
    const denied = await caught(open().resolve('all'));
    expect(denied.kind).toBe('auth');
    expect(denied.message).toContain('access denied for repository:fake/app:pull');
    expect(server.count(MANIFEST)).toBe(3);
    expect(delays).toEqual([]);
  });

  it('times out a registry that never answers, retrying within the budget', async () => {
    serve((req) => req.url === MANIFEST); // never answers
    const started = Date.now();
    const err = await caught(open({ timeoutMs: 150, retry: { attempts: 2, baseDelayMs: 1 } }).resolve('all'));
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('within 150 ms (gave up after 2 attempts)');
    expect(server.count(MANIFEST)).toBe(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('close() ends a pending request at once', async () => {
    serve((req) => req.url === MANIFEST);
    const source = open({ timeoutMs: 60_000 });
    const pending = caught(source.resolve('all'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await source.close();
    const err = await pending;
    expect(err.message).toContain('closed');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('truncated bodies', () => {
  it('re-fetches a manifest cut short, and fails clearly when it stays cut', async () => {
    let cuts = 1;
    const cut = (req: IncomingMessage, res: ServerResponse): boolean =>
      req.url === MANIFEST &&
      cuts-- > 0 &&
      (sendTruncated(res, image.manifest.bytes, 40, image.manifest.mediaType), true);
    serve(cut);
    const [resolved] = await open().resolve('all');
    expect(resolved!.digest).toBe(image.manifest.digest);
    expect(server.count(MANIFEST)).toBe(2);

    cuts = Infinity;
    const err = await caught(open().resolve('all'));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/ended early after 40 bytes|truncated/);
  });

  it('resumes a layer download cut mid-body with a Range request', async () => {
    const layer = image.layers[0]!;
    const path = `/v2/fake/app/blobs/${layer.digest}`;
    let cuts = 1;
    serve((req, res) => {
      if (req.url !== path) return false;
      if (cuts-- > 0) {
        sendTruncated(res, layer.bytes, 100, 'application/octet-stream');
        return true;
      }
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.writeHead(start ? 206 : 200, {
        'content-length': String(layer.size - start),
        ...(start ? { 'content-range': `bytes ${start}-${layer.size - 1}/${layer.size}` } : {}),
      });
      res.end(Buffer.from(layer.bytes.subarray(start)));
      return true;
    });
    const source = open();
    const bytes = await readAll(await source.openBlob(layer));
    expect(bytes.equals(Buffer.from(layer.bytes))).toBe(true);
    const blobRequests = server.requests.filter((r) => r.path === path);
    expect(blobRequests).toHaveLength(2);
    expect(blobRequests[1]!.headers.range).toBe('bytes=100-');
  });
});

describe('manifest content', () => {
  it('refuses an unknown media type, naming it, and schema1', async () => {
    const odd = 'application/vnd.acme.bundle.v3+json';
    serve((req, res) => req.url === MANIFEST && (send(res, image.manifest.bytes, odd), true));
    const err = await caught(open().resolve('all'));
    expect(err.kind).toBe('unsupported');
    expect(err.message).toContain(odd);

    const schema1 = Buffer.from(
      JSON.stringify({ schemaVersion: 1, name: 'fake/app', tag: 'v1', fsLayers: [] }),
    );
    serve(
      (req, res) =>
        req.url === MANIFEST &&
        (send(res, schema1, 'application/vnd.docker.distribution.manifest.v1+prettyjws'), true),
    );
    const old = await caught(open().resolve('all'));
    expect(old.kind).toBe('unsupported');
    expect(old.message).toContain('schema1');
  });

  it('reads the mediaType field when Content-Type is missing or generic', async () => {
    for (const type of [null, 'application/json', 'application/octet-stream']) {
      serve((req, res) => req.url === MANIFEST && (send(res, image.manifest.bytes, type), true));
      const [resolved] = await open().resolve('all');
      expect(resolved!.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
    }
  });

  it('rejects a manifest whose bytes do not match Docker-Content-Digest or the pinned digest', async () => {
    const other = `sha256:${'5e'.repeat(32)}`;
    serve(
      (req, res) =>
        req.url === MANIFEST &&
        (send(res, image.manifest.bytes, image.manifest.mediaType, { 'docker-content-digest': other }), true),
    );
    const err = await caught(open().resolve('all'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain(`digest mismatch — the registry says ${other}`);

    serve(
      (req, res) =>
        req.url?.startsWith('/v2/fake/app/manifests/') === true &&
        (send(res, image.manifest.bytes, image.manifest.mediaType), true),
    );
    const pinned = await caught(open({ reference: `${server.host}/fake/app@${other}` }).resolve('all'));
    expect(pinned.kind).toBe('invalid');
    expect(pinned.message).toContain(`asked for ${other}`);
    expect(pinned.message).toContain(image.manifest.digest);
  });

  it('rejects a config blob that does not match its digest', async () => {
    serve(
      (req, res) =>
        req.url === `/v2/fake/app/blobs/${image.config.digest}` &&
        (send(res, Buffer.from('{"os":"linux"}'), 'application/octet-stream'), true),
    );
    const err = await caught(open().resolve('all'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain(`config ${image.config.digest}`);
  });
});

describe('realms and redirects', () => {
  const challenge =
    (realm: string) =>
    (req: IncomingMessage, res: ServerResponse): boolean =>
      req.url === MANIFEST &&
      (registryError(res, 401, 'UNAUTHORIZED', {
        'www-authenticate': `Bearer realm="${realm}",service="fake"`,
      }),
      true);

  it('refuses a plain-http realm on a non-loopback host, and non-http realms', async () => {
    serve(challenge('http://auth.registry.test/token'));
    const err = await caught(open({ credentials: { username: 'u', password: 'Pw4kLm9qTz' } }).resolve('all'));
    expect(err.message).toContain('token realm uses plain http on auth.registry.test');
    expect(err.message).toContain('--insecure');
    expect(err.message).not.toContain('Pw4kLm9qTz');
    serve(challenge('file:///etc/passwd'));
    const file = await caught(open().resolve('all'));
    expect(file.message).toContain('token realm must be an http(s) URL');
  });

  it('fetches a Bearer token from a loopback realm and caches it for later requests', async () => {
    const realm = `http://${storage.host}/token`;
    storage.handle((req, res) =>
      send(res, Buffer.from(JSON.stringify({ token: 'tkn-Rb7qW2mZ', expires_in: 120 })), 'application/json'),
    );
    serve((req, res) => {
      if (req.headers.authorization === 'Bearer tkn-Rb7qW2mZ') return false;
      registryError(res, 401, 'UNAUTHORIZED', {
        'www-authenticate': `Bearer realm="${realm}",service="fake",scope="repository:fake/app:pull"`,
      });
      return true;
    });
    const source = open();
    const [resolved] = await source.resolve('all');
    await readAll(await source.openBlob(resolved!.layers[0]!));
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]!.path).toBe('/token?service=fake&scope=repository%3Afake%2Fapp%3Apull');
    // manifest (401, then Bearer), config and layer with the cached token
    expect(server.requests.map((r) => r.headers.authorization ?? 'none')).toEqual([
      'none',
      'Bearer tkn-Rb7qW2mZ',
      'Bearer tkn-Rb7qW2mZ',
      'Bearer tkn-Rb7qW2mZ',
    ]);
  });

  it('follows a blob redirect to another host without the Authorization header', async () => {
    const layer = image.layers[0]!;
    const basic = `Basic ${Buffer.from('robot:Nq5vXe8rTa3k').toString('base64')}`;
    serve((req, res) => {
      if (req.headers.authorization !== basic) {
        registryError(res, 401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="fake"' });
        return true;
      }
      if (req.url !== `/v2/fake/app/blobs/${layer.digest}`) return false;
      res.writeHead(307, { location: `http://${storage.host}/store/layer?sig=Kd82hs` }).end();
      return true;
    });
    storage.handle((req, res) => send(res, layer.bytes, 'application/octet-stream'));
    const source = open({ credentials: { username: 'robot', password: 'Nq5vXe8rTa3k' } });
    const [resolved] = await source.resolve('all');
    const bytes = await readAll(await source.openBlob(resolved!.layers[0]!));
    expect(bytes.equals(Buffer.from(layer.bytes))).toBe(true);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]!.path).toBe('/store/layer?sig=Kd82hs');
    expect(storage.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests.at(-1)!.headers.authorization).toBe(basic);
  });

  it('refuses a redirect to plain http on a non-loopback host', async () => {
    serve(
      (req, res) =>
        req.url?.includes('/blobs/') === true &&
        (res.writeHead(302, { location: 'http://cdn.registry.test/x' }).end(), true),
    );
    const err = await caught(open().resolve('all'));
    expect(err.message).toContain('redirect target uses plain http on cdn.registry.test');
  });
});
