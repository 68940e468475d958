/**
 * Retries for credential exchanges: only failures a second attempt can fix (5xx, throttling, network)
 * are retried, with exponential backoff and full jitter so parallel jobs do not retry in lockstep.
 * Everything else (4xx, bad configuration) fails on the first attempt.
 */
import { CredentialError } from './types.js';

export interface RetryOptions {
  /** Total attempts, the first included. Default 4. */
  attempts?: number;
  /** Upper bound of the first delay; doubles per attempt. Default 250 ms. */
  baseDelayMs?: number;
  /** Cap on any single delay, a server's Retry-After included. Default 8 s. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1), injectable so tests can pin the jitter. */
  random?: () => number;
  onRetry?: (event: { attempt: number; delayMs: number; reason: string }) => void;
  /**
   * Per request: a server that accepts the connection and never answers fails the attempt (as a
   * transient error) after this long. Default 30 s; the JWKS check has its own `timeoutMs`.
   */
  timeoutMs?: number;
  /** Total budget of all attempts; no new attempt starts once the next backoff would pass it. */
  deadlineMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Whether `error` is the abort of an `AbortSignal.timeout` (or a client's own request timeout). */
export function isTimeout(error: unknown): boolean {
  // Duck-typed: fetch's DOMException need not be an `Error` of this realm (e.g. under a VM sandbox).
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** A failure worth another attempt; `retryAfterMs` carries the server's Retry-After when it sent one. */
export class TransientError extends CredentialError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message, 'transient');
    this.name = 'TransientError';
  }
}

export function isTransient(error: unknown): error is CredentialError {
  return error instanceof CredentialError && error.kind === 'transient';
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The delay before attempt `attempt + 1`: full jitter over an exponential window, or Retry-After. */
export function backoffDelay(attempt: number, options: RetryOptions, retryAfterMs?: number): number {
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 8000;
  if (retryAfterMs !== undefined) return Math.min(max, Math.max(0, retryAfterMs));
  const window = Math.min(max, base * 2 ** (attempt - 1));
  return Math.floor((options.random ?? Math.random)() * window);
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Runs `operation` until it succeeds, fails with a non-transient error, or runs out of attempts.
 * `what` names the call in the final message: `AWS STS AssumeRoleWithWebIdentity failed after 4 attempts: ...`.
 */
export async function withRetry<T>(
  what: string,
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const sleep = options.sleep ?? defaultSleep;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= attempts) {
        throw new CredentialError(
          `${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error.message}`,
          'transient',
        );
      }
      const retryAfter = error instanceof TransientError ? error.retryAfterMs : undefined;
      const delayMs = backoffDelay(attempt, options, retryAfter);
      if (options.deadlineMs !== undefined && Date.now() + delayMs - started >= options.deadlineMs) {
        throw new CredentialError(
          `${what} failed after ${attempt} attempt${attempt === 1 ? '' : 's'} (gave up at the ${options.deadlineMs} ms deadline): ${error.message}`,
          'transient',
        );
      }
      options.onRetry?.({ attempt, delayMs, reason: error.message });
      await sleep(delayMs);
    }
  }
}
