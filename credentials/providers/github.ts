/**
 * A scoped GitHub token from an octo-sts compatible STS: `GET /sts/exchange?scope=&identity=` with
 * the job token as Bearer answers `{token}`, an installation token the post step revokes with
 * `DELETE /installation/token` against the GitHub API (github.com or a GHES `/api/v3` base).
 */
import { field, httpJson, trimSlash } from './http.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { CredentialProvider, Credentials, Fetch, IdentityToken } from '../types.js';

export interface GithubStsRequest {
  /** The STS host (`octo-sts.dev`) or its base URL. */
  domain: string;
  /** `org/repo`, or `org` for an organization-wide policy. */
  scope: string;
  /** The trust policy's name: `.github/chainguard/<identity>.sts.yaml` in the scope. */
  identity: string;
  /** Default `GH_TOKEN`. */
  valueName?: string;
  /** The job token's expected `aud`. Default: the STS host name. */
  audience?: string;
}

export interface GithubStsOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
  /** GitHub API base for revocation. Default `https://api.github.com`; GHES `https://HOST/api/v3`. */
  apiUrl?: string;
}

/** Installation tokens live one hour; the STS does not say so in its answer. */
const INSTALLATION_TOKEN_SECONDS = 3600;

function baseUrl(domain: string): string {
  return trimSlash(/^https?:\/\//.test(domain) ? domain : `https://${domain}`);
}

export class GithubStsProvider implements CredentialProvider<GithubStsRequest> {
  readonly name = 'github';

  constructor(private readonly options: GithubStsOptions = {}) {}

  defaultAudience(request: GithubStsRequest): string {
    return request.audience ?? new URL(baseUrl(request.domain)).hostname;
  }

  async exchange(token: IdentityToken, request: GithubStsRequest): Promise<Credentials> {
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(request.scope)) {
      throw new CredentialError(
        `GitHub STS scope "${request.scope.slice(0, 100)}" is not org or org/repo`,
        'config',
      );
    }
    if (!/^[\w.-]+$/.test(request.identity)) {
      throw new CredentialError(
        `GitHub STS identity "${request.identity.slice(0, 100)}" is not a policy name`,
        'config',
      );
    }
    const fetchImpl = this.options.fetch ?? fetch;
    const query = new URLSearchParams({ scope: request.scope, identity: request.identity });
    const policy = `${request.scope.includes('/') ? request.scope : `${request.scope}/.github`}/.github/chainguard/${request.identity}.sts.yaml`;
    const what = `GitHub STS exchange (${request.scope}, ${request.identity})`;
    const out = await httpJson(
      fetchImpl,
      {
        what,
        url: `${baseUrl(request.domain)}/sts/exchange?${query}`,
        method: 'GET',
        headers: { authorization: `Bearer ${token.raw}` },
        secrets: [token.raw],
        explain: (status) =>
          status === 401 || status === 403 || status === 404
            ? `the trust policy ${policy} is missing or does not accept this token's issuer/subject/claims: run \`keyless credentials explain\``
            : undefined,
      },
      this.options.retry,
    );
    const ghToken = field(out.json, 'token', what);
    const api = trimSlash(this.options.apiUrl ?? 'https://api.github.com');
    return {
      provider: this.name,
      values: [{ name: request.valueName ?? 'GH_TOKEN', value: ghToken, secret: true }],
      expiresAt: new Date(Date.now() + INSTALLATION_TOKEN_SECONDS * 1000),
      grant: { sts: baseUrl(request.domain), scope: request.scope, identity: request.identity },
      revoke: async () => {
        await httpJson(
          fetchImpl,
          {
            what: 'GitHub installation token revoke',
            url: `${api}/installation/token`,
            method: 'DELETE',
            headers: {
              authorization: `Bearer ${ghToken}`,
              accept: 'application/vnd.github+json',
              'x-github-api-version': '2022-11-28',
            },
            secrets: [ghToken],
            // 401: already expired or revoked — nothing left to undo.
            explain: (status) => (status === 401 ? 'the token is already expired or revoked' : undefined),
          },
          this.options.retry,
        ).catch((error: unknown) => {
          if (error instanceof CredentialError && /HTTP 401/.test(error.message)) return;
          throw error;
        });
      },
    };
  }
}
