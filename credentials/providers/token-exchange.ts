/**
 * Generic OAuth 2.0 Token Exchange (RFC 8693): the job token as `subject_token` of type JWT, form
 * encoded, answered with `access_token` (+ `issued_token_type`, `expires_in`).
 */
import { field, httpJson, optionalNumber } from './http.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { CredentialProvider, Credentials, Fetch, IdentityToken } from '../types.js';

export interface TokenExchangeRequest {
  tokenUrl: string;
  /** `audience` parameter: the logical name of the target service. */
  audience?: string;
  /** `resource` parameter: the target service's URI. */
  resource?: string;
  scope?: string | string[];
  requestedTokenType?: string;
  /** Some servers want a public client id alongside the exchange. */
  clientId?: string;
  /** The job token's expected `aud`. Default: `audience`, else the token URL's origin. */
  tokenAudience?: string;
  /** Name of the produced value. Default `ACCESS_TOKEN`. */
  valueName?: string;
}

export interface TokenExchangeOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
}

const CAUSES: Record<string, string> = {
  invalid_grant:
    "the server's trust configuration does not accept this token's iss/sub/aud: run `keyless credentials explain`",
  invalid_target: 'the server issues no tokens for this audience/resource',
  invalid_scope: 'the requested scope is not allowed for this identity',
  unauthorized_client: 'this client may not use token exchange',
  unsupported_grant_type: 'the endpoint does not support RFC 8693 token exchange',
  invalid_request: 'a parameter is missing or malformed',
};

export class TokenExchangeProvider implements CredentialProvider<TokenExchangeRequest> {
  readonly name = 'token-exchange';

  constructor(private readonly options: TokenExchangeOptions = {}) {}

  defaultAudience(request: TokenExchangeRequest): string {
    return request.tokenAudience ?? request.audience ?? new URL(request.tokenUrl).origin;
  }

  async exchange(token: IdentityToken, request: TokenExchangeRequest): Promise<Credentials> {
    const url = new URL(request.tokenUrl);
    if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new CredentialError(`token exchange endpoint ${url.origin} must use https`, 'config');
    }
    const scope = Array.isArray(request.scope) ? request.scope.join(' ') : request.scope;
    const form = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: token.raw,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    });
    if (request.audience) form.set('audience', request.audience);
    if (request.resource) form.set('resource', request.resource);
    if (scope) form.set('scope', scope);
    if (request.requestedTokenType) form.set('requested_token_type', request.requestedTokenType);
    if (request.clientId) form.set('client_id', request.clientId);
    const what = `token exchange at ${url.origin}${url.pathname}`;
    const out = await httpJson(
      this.options.fetch ?? fetch,
      {
        what,
        url: request.tokenUrl,
        method: 'POST',
        body: form,
        secrets: [token.raw],
        explain: (_status, detail) => CAUSES[/^\w+/.exec(detail)?.[0] ?? ''],
      },
      this.options.retry,
    );
    const accessToken = field(out.json, 'access_token', what);
    const expiresIn = optionalNumber(out.json, 'expires_in');
    const issued = (out.json as { issued_token_type?: unknown }).issued_token_type;
    return {
      provider: this.name,
      values: [{ name: request.valueName ?? 'ACCESS_TOKEN', value: accessToken, secret: true }],
      ...(expiresIn === undefined ? {} : { expiresAt: new Date(Date.now() + expiresIn * 1000) }),
      grant: {
        endpoint: `${url.origin}${url.pathname}`,
        ...(request.audience ? { audience: request.audience } : {}),
        ...(request.resource ? { resource: request.resource } : {}),
        ...(scope ? { scope } : {}),
        ...(typeof issued === 'string' ? { issuedTokenType: issued } : {}),
      },
    };
  }
}
