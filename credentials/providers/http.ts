/**
 * One HTTP call of a provider, classified: network errors, 5xx and 429 become `TransientError`
 * (retried by `withRetry`), other 4xx become a `CredentialError` carrying the provider's likely cause.
 * Bodies are JSON; error text is scrubbed of the call's secrets before it reaches a message.
 */
import { scrub } from '../redact.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  isTimeout,
  parseRetryAfter,
  TransientError,
  withRetry,
} from '../retry.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { Fetch } from '../types.js';

export interface HttpCall {
  /** Names the call in messages: `GCP STS token exchange`. */
  what: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** A string is sent as is; an object as JSON; URLSearchParams as a form. */
  body?: string | URLSearchParams | Record<string, unknown>;
  /** Values that must never appear in a message (the JWT, tokens sent or expected back). */
  secrets: readonly (string | undefined)[];
  /** The likely cause of a 4xx, given the status and the provider's (scrubbed) error text. */
  explain?: (status: number, detail: string) => string | undefined;
}

export interface HttpResult {
  status: number;
  json: unknown;
}

function encode(body: HttpCall['body'], headers: Record<string, string>): string | undefined {
  if (body === undefined || typeof body === 'string') return body;
  if (body instanceof URLSearchParams) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return body.toString();
  }
  headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

/** The provider's own words from an error body: OAuth `error_description`, Vault `errors`, GCP `error.message`. */
export function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const error = body.error;
    if (typeof error === 'object' && error !== null) {
      const message = (error as Record<string, unknown>).message;
      if (typeof message === 'string') return message;
    }
    const parts = [error, body.error_description, body.message].filter((x) => typeof x === 'string');
    if (Array.isArray(body.errors)) parts.push(...body.errors.filter((x) => typeof x === 'string'));
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // not JSON: the raw text (scrubbed by the caller) is the detail
  }
  return text;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return error instanceof Error ? error.message : String(error);
}

/** One attempt: no retries here. The timeout covers the answer's body too, not only its headers. */
export async function httpOnce(
  fetchImpl: Fetch,
  call: HttpCall,
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  const body = encode(call.body, headers);
  const url = new URL(call.url);
  const origin = url.origin;
  const unreachable = (error: unknown): TransientError =>
    new TransientError(
      isTimeout(error)
        ? `${call.what}: ${url.host} did not answer within ${timeoutMs} ms`
        : `${call.what}: cannot reach ${origin} (${scrub(networkReason(error), call.secrets)})`,
    );
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(call.url, {
      method: call.method,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body === undefined ? {} : { body }),
    });
    text = await response.text();
  } catch (error) {
    throw unreachable(error);
  }
  if (response.ok) {
    if (text.trim() === '') return { status: response.status, json: undefined };
    try {
      return { status: response.status, json: JSON.parse(text) };
    } catch {
      throw new CredentialError(
        `${call.what}: ${origin} answered ${response.status} with a body that is not JSON`,
      );
    }
  }
  const detail = scrub(errorDetail(text), call.secrets, 300);
  const said = detail ? `: ${detail}` : '';
  if (response.status >= 500 || response.status === 429) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    throw new TransientError(`${call.what}: HTTP ${response.status}${said}`, retryAfter);
  }
  const cause = call.explain?.(response.status, detail);
  throw new CredentialError(
    `${call.what}: HTTP ${response.status}${said}${cause ? ` — ${cause}` : ''}`,
    response.status === 401 || response.status === 403 ? 'auth' : 'provider',
  );
}

export function httpJson(fetchImpl: Fetch, call: HttpCall, retry?: RetryOptions): Promise<HttpResult> {
  return withRetry(call.what, () => httpOnce(fetchImpl, call, retry?.timeoutMs), retry);
}

/** Reads a required string field from a provider's answer, failing with the field's name only. */
export function field(json: unknown, name: string, what: string): string {
  const value =
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new CredentialError(`${what}: the answer has no \`${name}\``);
  }
  return value;
}

export function optionalNumber(json: unknown, name: string): number | undefined {
  const value =
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
