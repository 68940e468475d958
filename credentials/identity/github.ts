import { CredentialError } from '../types.js';
import type { Fetch, IdentitySource, IdentityToken } from '../types.js';
import { identityToken } from './jwt.js';

export interface GithubIdentityOptions {
  /** `ACTIONS_ID_TOKEN_REQUEST_URL`; absent when the job lacks `permissions: id-token: write`. */
  requestUrl: string | undefined;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
  requestToken: string | undefined;
  fetch?: Fetch;
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
    const doFetch = this.#options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
      });
    } catch (error) {
      throw new CredentialError(
        `could not reach the GitHub Actions id-token endpoint: ${(error as Error).message}`,
        'transient',
      );
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
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new CredentialError('the GitHub Actions id-token endpoint did not answer JSON', 'provider');
    }
    const value = (body as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || value.length === 0)
      throw new CredentialError(
        'the GitHub Actions id-token endpoint answered without a "value"',
        'provider',
      );
    return identityToken(value, `GitHub Actions id-token (audience ${audience})`);
  }
}
