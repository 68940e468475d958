/**
 * HTTP for the registry client: one exchange with a deadline, redirects followed by hand (so the
 * Authorization header never reaches another origin, and https is never downgraded), bounded bodies,
 * and retries with backoff and jitter only for failures a retry can fix (network errors, timeouts,
 * 5xx, 429). Nothing here ever puts a header value into a message.
 */
import { ImageError } from '../types.js';
import { hostName, isLoopback } from './reference.js';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Total tries for retryable failures (default 4). */
  attempts: number;
  /** First backoff step; each next one doubles, randomised (default 500 ms). */
  baseDelayMs: number;
  /** Longest backoff step (default 8 s). */
  maxDelayMs: number;
  /** A 429 asking to wait longer than this fails at once instead (default 60 s). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
};

export interface TransportOptions {
  fetch: FetchLike;
  timeoutMs: number;
  retry: RetryPolicy;
  insecure: boolean;
  /** Aborted by `close()`: every pending request ends. */
  signal: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A failure that may go away on its own: the retry loop tries again. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

const MAX_REDIRECTS = 5;

/** True when plain http to `url` is acceptable: loopback, or the user said --insecure. */
export function httpAllowed(url: URL, insecure: boolean): boolean {
  return insecure || isLoopback(hostName(url.host));
}

/** Checks a URL the registry sent us (realm, redirect): http(s) only, plain http only where allowed. */
export function checkServerUrl(raw: string, base: URL | undefined, insecure: boolean, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new ImageError(`${what} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ImageError(`${what} must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !httpAllowed(url, insecure)) {
    throw new ImageError(
      `${what} uses plain http on ${url.host}; refused (credentials and images could be read or changed ` +
        'on the way). Use https, or pass --insecure if you trust the network',
    );
  }
  if (url.username || url.password) throw new ImageError(`${what} must not embed credentials`);
  return url;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `network error (${cause.code})`;
  if (cause?.message) return `network error (${cause.message})`;
  return `network error (${err instanceof Error ? err.message : String(err)})`;
}

export interface Exchange {
  response: Response;
  /** Final URL after redirects. */
  url: URL;
  /** Ends the deadline timer and stops listening for `close()`. */
  done: () => void;
  /** Restarts the deadline (per body chunk). */
  arm: () => void;
  controller: AbortController;
}

export interface RequestSpec {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Sent to the starting origin only. */
  authorization?: string;
  /** What is being fetched, for messages: `manifest of alpine:3.20`. */
  what: string;
}

/**
 * One request with a deadline (`timeoutMs`) that keeps running while the caller reads the body; the
 * caller calls `done()` (or `streamBody`, which resets it per chunk).
 */
export async function exchange(url: URL, spec: RequestSpec, opts: TransportOptions): Promise<Exchange> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const onClose = (): void => {
    clearTimeout(timer);
    controller.abort(new ImageError('image source closed'));
  };
  opts.signal.addEventListener('abort', onClose, { once: true });
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, opts.timeoutMs);
    // A deadline alone must not keep the process alive (an abandoned stream).
    timer.unref();
  };
  const done = (): void => {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onClose);
  };
  arm();
  let current = url;
  let method = spec.method ?? 'GET';
  try {
    for (let hop = 0; ; hop++) {
      // Digests are of the stored bytes: ask for them as stored, never re-encoded on the way.
      const headers: Record<string, string> = { 'accept-encoding': 'identity', ...spec.headers };
      if (spec.authorization && current.origin === url.origin) headers.authorization = spec.authorization;
      const init: RequestInit = {
        method,
        headers,
        redirect: 'manual',
        signal: controller.signal,
      };
      if (spec.body !== undefined && method === 'POST') init.body = spec.body;
      const response = await opts.fetch(current, init);
      if (![301, 302, 303, 307, 308].includes(response.status)) {
        return { response, url: current, done, arm, controller };
      }
      const location = response.headers.get('location');
      await response.body?.cancel().catch(() => undefined);
      if (!location) throw new ImageError(`${spec.what}: redirect (${response.status}) without a Location`);
      if (hop >= MAX_REDIRECTS) throw new ImageError(`${spec.what}: more than ${MAX_REDIRECTS} redirects`);
      const next = checkServerUrl(location, current, opts.insecure, `${spec.what}: redirect target`);
      if (current.protocol === 'https:' && next.protocol === 'http:' && !opts.insecure) {
        throw new ImageError(`${spec.what}: refused redirect from https to plain http (${next.host})`);
      }
      current = next;
      if (response.status === 303) method = 'GET';
    }
  } catch (err) {
    done();
    if (err instanceof ImageError) throw err;
    if (opts.signal.aborted) throw new ImageError(`${spec.what}: image source closed`);
    if (timedOut) throw new RetryableError(`no answer from ${current.host} within ${opts.timeoutMs} ms`);
    throw new RetryableError(`${describeNetworkError(err)} talking to ${current.host}`);
  }
}

/** Reads a whole body of at most `limit` bytes; truncation and timeouts become retryable. */
export async function readBody(
  ex: Exchange,
  limit: number,
  what: string,
  timeoutMs: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  // fetch decodes a Content-Encoding itself, so Content-Length then counts other bytes than ours.
  const encoded = (ex.response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const declared = encoded ? NaN : Number(ex.response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    ex.controller.abort();
    ex.done();
    throw new ImageError(`${what}: ${declared} bytes is more than the ${limit}-byte limit`);
  }
  try {
    for await (const chunk of streamBody(ex, what, timeoutMs)) {
      total += chunk.byteLength;
      if (total > limit) {
        ex.controller.abort();
        throw new ImageError(`${what}: more than the ${limit}-byte limit`);
      }
      chunks.push(chunk);
    }
  } finally {
    ex.done();
  }
  if (Number.isFinite(declared) && total !== declared) {
    throw new RetryableError(`${what}: body truncated (${total} of ${declared} bytes)`);
  }
  return Buffer.concat(chunks);
}

/**
 * The body as chunks; the deadline restarts with every chunk, so a slow but moving download of a large
 * layer is fine while a stalled one ends. Errors mid-body are retryable (truncation, reset).
 */
export async function* streamBody(ex: Exchange, what: string, timeoutMs: number): AsyncGenerator<Uint8Array> {
  const body = ex.response.body;
  if (!body) return;
  const reader = body.getReader();
  let received = 0;
  try {
    for (;;) {
      ex.arm();
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (err) {
        if (err instanceof ImageError) throw err;
        const why = ex.controller.signal.aborted ? `stalled for ${timeoutMs} ms` : describeNetworkError(err);
        throw new RetryableError(`${what}: body ended early after ${received} bytes (${why})`);
      }
      if (step.done) return;
      received += step.value.byteLength;
      yield step.value;
    }
  } finally {
    ex.done();
    reader.releaseLock();
  }
}

/** Discards a body we do not need (error statuses), so the connection can be reused. */
export async function discard(ex: Exchange): Promise<void> {
  await ex.response.body?.cancel().catch(() => undefined);
  ex.done();
}

function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Turns 429 / 5xx into RetryableError (with Retry-After honoured); other statuses are the caller's. */
export function throwIfRetryable(response: Response, what: string, policy: RetryPolicy): void {
  const { status } = response;
  if (status === 429) {
    const wait = retryAfterMs(response.headers.get('retry-after'));
    if (wait !== undefined && wait > policy.maxRetryAfterMs) {
      throw new ImageError(
        `${what}: rate limited (429); the registry asks to wait ${Math.ceil(wait / 1000)} s — try again later`,
        'transient',
      );
    }
    throw new RetryableError(`rate limited (429)`, wait);
  }
  if (status >= 500 && status <= 599) throw new RetryableError(`registry answered ${status}`);
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it succeeds, fails for good, or the retry budget is spent. */
export async function retrying<T>(
  what: string,
  opts: TransportOptions,
  attempt: () => Promise<T>,
): Promise<T> {
  const { retry } = opts;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof RetryableError)) throw err;
      if (i >= retry.attempts || opts.signal.aborted) {
        const tries = i === 1 ? '1 attempt' : `${i} attempts`;
        throw new ImageError(`${what}: ${err.message} (gave up after ${tries})`, 'transient');
      }
      const step = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (i - 1));
      // Half fixed, half random: spreads clients that failed together without ever retrying instantly.
      const delay = err.retryAfterMs ?? step / 2 + random() * (step / 2);
      await sleep(delay);
    }
  }
}
