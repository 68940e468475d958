import { DEFAULT_REQUEST_TIMEOUT_MS, isTimeout, withRetry } from '../retry.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { Fetch, IdentitySource, IdentityToken } from '../types.js';
import { identityToken } from './jwt.js';

export interface GithubIdentityOptions {
  /** `ACTIONS_ID_TOKEN_REQUEST_URL`; absent when the job lacks `permissions: id-token: write`. */
  requestUrl: string | undefined;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
  requestToken: string | undefined;
  fetch?: Fetch;
  /** Per request; a runner endpoint that never answers fails the attempt after this. Default 30 s. */
  timeoutMs?: number;
  /** Transient failures (network, timeout, 5xx) are retried with this backoff. */
  retry?: RetryOptions;
}

const PERMISSION_HINT = 'the job (or workflow) needs `permissions: id-token: write`';

/** GitHub Actions mints one token per audience on request: `GET <url>&audience=<aud>` with Bearer. */
export class GithubActionsIdentity implements IdentitySource {
  readonly #options: GithubIdentityOptions;

  constructor(options: GithubIdentityOptions) {
    this.#options = options;
  }

  async token(audience: string): Promise<IdentityToken> {
    const { requestUrl, requestToken } = this.#options;
    if (!requestUrl || !requestToken)
      throw new CredentialError(
        `GitHub Actions provided no id-token request ${requestUrl ? 'token' : 'URL'}: ${PERMISSION_HINT}`,
        'config',
      );
    // The runner's URL already carries `?api-version=...`, so the audience is appended with `&`.
    const url = `${requestUrl}${requestUrl.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
    const value = await withRetry(
      'GitHub Actions id-token request',
      () => this.#fetchOnce(url, requestToken),
      this.#options.retry,
    );
    return identityToken(value, `GitHub Actions id-token (audience ${audience})`);
  }

  async #fetchOnce(url: string, requestToken: string): Promise<string> {
    const doFetch = this.#options.fetch ?? fetch;
    const timeoutMs = this.#options.timeoutMs ?? this.#options.retry?.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const unreachable = (error: unknown): CredentialError =>
      new CredentialError(
        isTimeout(error)
          ? `the GitHub Actions id-token endpoint (${new URL(url).host}) did not answer within ${timeoutMs} ms`
          : `could not reach the GitHub Actions id-token endpoint: ${(error as Error).message}`,
        'transient',
      );
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unreachable(error);
    }
    if (!response.ok) {
      const status = response.status;
      const hint =
        status === 401 || status === 403
          ? `the request token was refused; ${PERMISSION_HINT}, and the token is valid only while the job runs`
          : 'the runner could not mint a token';
      throw new CredentialError(
        `the GitHub Actions id-token endpoint answered HTTP ${status}: ${hint}`,
        status >= 500 || status === 429 ? 'transient' : 'auth',
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw unreachable(error);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CredentialError('the GitHub Actions id-token endpoint did not answer JSON', 'provider');
    }
    const value = (body as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || value.length === 0)
      throw new CredentialError(
        'the GitHub Actions id-token endpoint answered without a "value"',
        'provider',
      );
    return value;
  }
}
