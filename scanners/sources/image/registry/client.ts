/**
 * The distribution API v2 calls one image needs — manifests and blobs of one repository — with the
 * auth dance, status handling and retries around them. Statuses become `ImageError`s that say what to
 * fix: 404 names the repository or tag, 403 the scope, 401 the credentials tried.
 */
import { ImageError } from '../types.js';
import type { Authenticator } from './auth.js';
import {
  discard,
  exchange,
  httpAllowed,
  readBody,
  retrying,
  RetryableError,
  streamBody,
  throwIfRetryable,
} from './http.js';
import type { Exchange, TransportOptions } from './http.js';
import type { ImageReference } from './reference.js';

export interface Fetched {
  bytes: Uint8Array;
  contentType: string | null;
  dockerContentDigest: string | null;
}

interface GetSpec {
  path: string;
  accept: string;
  what: string;
  /** Message for a 404, from the registry's error code when it sent one. */
  notFound: (code: string | undefined) => string;
  range?: number;
}

const PROBE_TIMEOUT_MS = 5_000;

function errorCode(bytes: Uint8Array): string | undefined {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { errors?: { code?: unknown }[] };
    const code = doc.errors?.[0]?.code;
    return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

export class RegistryClient {
  private base: Promise<URL> | undefined;
  readonly scope: string;

  constructor(
    readonly reference: ImageReference,
    private readonly transport: TransportOptions,
    readonly auth: Authenticator,
  ) {
    this.scope = `repository:${reference.repository}:pull`;
  }

  /**
   * https, except that loopback hosts and `--insecure` registries fall back to plain http when https
   * does not even connect (what docker does for insecure registries).
   */
  private baseUrl(): Promise<URL> {
    this.base ??= (async () => {
      const https = new URL(`https://${this.reference.apiHost}/`);
      if (!httpAllowed(https, this.transport.insecure)) return https;
      const probe = { ...this.transport, timeoutMs: Math.min(this.transport.timeoutMs, PROBE_TIMEOUT_MS) };
      try {
        const ex = await exchange(new URL('/v2/', https), { what: 'https probe' }, probe);
        await discard(ex);
        return https;
      } catch (err) {
        if (err instanceof ImageError) throw err;
        return new URL(`http://${this.reference.apiHost}/`);
      }
    })();
    return this.base;
  }

  /** One GET with auth; returns the 2xx exchange (body unread). Retryable failures throw RetryableError. */
  private async get(spec: GetSpec): Promise<Exchange> {
    const url = new URL(`/v2/${this.reference.repository}/${spec.path}`, await this.baseUrl());
    const headers: Record<string, string> = { accept: spec.accept };
    if (spec.range) headers.range = `bytes=${spec.range}-`;
    const send = (authorization: string | undefined): Promise<Exchange> => {
      const request: Parameters<typeof exchange>[1] = { what: spec.what, headers };
      if (authorization) request.authorization = authorization;
      return exchange(url, request, this.transport);
    };
    let authorization = this.auth.header(this.scope);
    let ex = await send(authorization);
    if (ex.response.status === 401) {
      const challenge = ex.response.headers.get('www-authenticate');
      await discard(ex);
      authorization = await this.auth.challenge(challenge, this.scope, authorization);
      ex = await send(authorization);
      if (ex.response.status === 401) {
        const again = ex.response.headers.get('www-authenticate') ?? '';
        await discard(ex);
        throw /insufficient_scope/.test(again) ? this.auth.denied(this.scope) : this.auth.rejected();
      }
    }
    const { status } = ex.response;
    if (status >= 200 && status < 300) return ex;
    if (status === 429 || status >= 500) {
      await discard(ex);
      throwIfRetryable(ex.response, spec.what, this.transport.retry);
    }
    let code: string | undefined;
    try {
      code = errorCode(await readBody(ex, 64 * 1024, spec.what, this.transport.timeoutMs));
    } catch {
      code = undefined;
    }
    const detail = code ? ` (${code})` : '';
    if (status === 404) throw new ImageError(`${spec.notFound(code)}${detail}`, 'not-found');
    if (status === 403) throw this.auth.denied(this.scope);
    throw new ImageError(`${spec.what}: ${url.host} answered ${status}${detail}`);
  }

  /** A whole small document (manifest, config), re-fetched from scratch on retryable failures. */
  async fetchBytes(spec: Omit<GetSpec, 'range'>, limit: number): Promise<Fetched> {
    return retrying(spec.what, this.transport, async () => {
      const ex = await this.get(spec);
      const bytes = await readBody(ex, limit, spec.what, this.transport.timeoutMs);
      return {
        bytes,
        contentType: ex.response.headers.get('content-type'),
        dockerContentDigest: ex.response.headers.get('docker-content-digest'),
      };
    });
  }

  manifest(ref: string, accept: readonly string[], limit: number): Promise<Fetched> {
    const r = this.reference;
    const which = ref.includes(':') ? `manifest ${ref}` : `tag "${ref}"`;
    const repo = `repository "${r.repository}"`;
    return this.fetchBytes(
      {
        path: `manifests/${ref}`,
        accept: accept.join(', '),
        what: `manifest of ${r.display}`,
        notFound: (code) =>
          code === 'NAME_UNKNOWN'
            ? `${r.display}: ${repo} not found on ${r.registry} (check the name, or the credentials for a private one)`
            : `${r.display}: ${which} not found in ${repo} on ${r.registry} (or the repository does not exist)`,
      },
      limit,
    );
  }

  blobSpec(digest: string, what: string): Omit<GetSpec, 'range'> {
    return {
      path: `blobs/${digest}`,
      accept: '*/*',
      what,
      notFound: () =>
        `${this.reference.display}: blob ${digest} not found in repository "${this.reference.repository}"`,
    };
  }

  /**
   * A blob as a stream. A connection that breaks mid-body is resumed with a Range request (or, when
   * the server ignores Range, re-read with the bytes already delivered skipped), within the retry budget.
   */
  async *streamBlob(digest: string, what: string): AsyncGenerator<Uint8Array> {
    const spec = this.blobSpec(digest, what);
    let delivered = 0;
    let failures = 0;
    for (;;) {
      const resumeAt = delivered;
      const ex = await retrying(what, this.transport, () =>
        this.get(resumeAt > 0 ? { ...spec, range: resumeAt } : spec),
      );
      let skip = resumeAt > 0 && ex.response.status !== 206 ? resumeAt : 0;
      const range = ex.response.headers.get('content-range');
      if (resumeAt > 0 && ex.response.status === 206 && !range?.startsWith(`bytes ${resumeAt}-`)) {
        await discard(ex);
        throw new ImageError(`${what}: resumed download came back at the wrong offset`, 'transient');
      }
      try {
        for await (const chunk of streamBody(ex, what, this.transport.timeoutMs)) {
          if (skip >= chunk.byteLength) {
            skip -= chunk.byteLength;
            continue;
          }
          const part = skip > 0 ? chunk.subarray(skip) : chunk;
          skip = 0;
          delivered += part.byteLength;
          yield part;
        }
        return;
      } catch (err) {
        if (!(err instanceof RetryableError)) throw err;
        failures++;
        if (failures >= this.transport.retry.attempts || this.transport.signal.aborted) {
          throw new ImageError(`${err.message} (gave up after ${failures} attempts)`, 'transient');
        }
      }
    }
  }
}
