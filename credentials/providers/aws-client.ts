/**
 * What every AWS SDK client Keyless builds shares: timeouts on the request handler, the caller's extra
 * configuration, one attempt per call (`withRetry` decides what repeats, so 4xx never does), the
 * endpoint override and the session credentials; and the retry loop around each call.
 */
import { DEFAULT_REQUEST_TIMEOUT_MS, isTimeout, TransientError, withRetry } from '../retry.js';
import type { RetryOptions } from '../retry.js';

/** Bounds each call's retry loop unless `retry.deadlineMs` says otherwise. */
const DEFAULT_DEADLINE_MS = 120_000;

export interface AwsSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** What a caller may set on a Keyless AWS client (STS, Secrets Manager). */
export interface AwsClientOptions<Config extends object> {
  /** Endpoint override (a VPC endpoint, or a fake in tests). */
  endpoint?: string;
  /**
   * `retry.timeoutMs` (default 30 s) bounds each request and its connection; `retry.deadlineMs`
   * (default 2 min) bounds each call's retry loop.
   */
  retry?: RetryOptions;
  /**
   * Extra SDK configuration; region, endpoint and retries are set here. A `requestHandler` given here
   * replaces the one carrying the timeouts.
   */
  clientConfig?: Partial<Config>;
}

export interface AwsClientSettings<Extra extends object> {
  region: string;
  /** Bounds each request and its connection. */
  timeoutMs: number;
  /** A VPC endpoint, or a fake in tests. */
  endpoint?: string | undefined;
  /** Extra SDK configuration; a `requestHandler` here replaces the one carrying the timeouts. */
  clientConfig?: Extra | undefined;
  credentials?: AwsSession | undefined;
}

/** The failure shape of an AWS SDK v3 call, as far as Keyless reads it. */
export interface AwsSdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function awsClientConfig<Extra extends object>(settings: AwsClientSettings<Extra>) {
  const { region, timeoutMs, endpoint, clientConfig, credentials } = settings;
  return {
    // Without these the SDK waits forever on a server that accepts the connection and never answers.
    requestHandler: {
      requestTimeout: timeoutMs,
      connectionTimeout: timeoutMs,
      // Otherwise this SDK version only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
    ...clientConfig,
    region,
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/** `retry.timeoutMs`, else the default: what bounds each request and its connection. */
export function awsTimeoutMs(retry: RetryOptions | undefined): number {
  return retry?.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
}

/** The host a timeout message names: the endpoint override's, else the service's regional one. */
export function awsHost(endpoint: string | undefined, service: string, region: string): string {
  return endpoint ? new URL(endpoint).host : `${service}.${region}.amazonaws.com`;
}

/**
 * One SDK call under `withRetry`: a timeout without an HTTP answer is transient and names `host()`;
 * any other failure is what `classify` makes of it (transient ones are retried).
 */
export function sendWithRetry<T>(
  what: string,
  options: { retry: RetryOptions | undefined; host: () => string },
  send: () => Promise<T>,
  classify: (error: unknown) => Error,
): Promise<T> {
  return withRetry(
    what,
    async () => {
      try {
        return await send();
      } catch (error) {
        if (isTimeout(error) && (error as AwsSdkError).$metadata?.httpStatusCode === undefined)
          throw new TransientError(
            `${what}: ${options.host()} did not answer within ${awsTimeoutMs(options.retry)} ms`,
          );
        throw classify(error);
      }
    },
    { deadlineMs: DEFAULT_DEADLINE_MS, ...options.retry },
  );
}

// Throttling and transient service errors of STS and Secrets Manager, with and without `Exception`.
const THROTTLING = new Set([
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequests',
  'IDPCommunicationError',
  'RequestTimeout',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * The retryable failures of an AWS SDK call — network errors, timeouts, throttling, 5xx and 429 — as a
 * TransientError naming `what`; undefined for the rest, which each client explains its own way.
 * `message` is the SDK's message already scrubbed of secrets.
 */
export function awsTransient(error: AwsSdkError, what: string, message: string): TransientError | undefined {
  const name = error.name ?? 'Error';
  const status = error.$metadata?.httpStatusCode;
  if (status === undefined) {
    // Under some runtimes the SDK wraps socket errors, so the code may only survive in the message.
    const code = [error.code, name, ...(error.message?.match(/\bE[A-Z_]{4,}\b/g) ?? [])].find(
      (c) => c && NETWORK.has(c),
    );
    if (code || name === 'TimeoutError')
      return new TransientError(`${what}: network error (${code ?? name})`);
  }
  if (
    (status !== undefined && (status >= 500 || status === 429)) ||
    THROTTLING.has(name.replace(/Exception$/, ''))
  ) {
    return new TransientError(`${what}: ${status ? `HTTP ${status} ` : ''}${name}: ${message}`);
  }
  return undefined;
}
