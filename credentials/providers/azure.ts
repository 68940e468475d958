/**
 * Azure / Entra ID: the job token as a client assertion (`client_credentials` with
 * `client_assertion_type=...jwt-bearer`) at the tenant's v2.0 token endpoint, one access token per
 * requested resource scope.
 */
import { field, httpJson, optionalNumber, trimSlash } from './http.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { CredentialProvider, Credentials, Fetch, IdentityToken } from '../types.js';

export interface AzureRequest {
  tenantId: string;
  /** The app registration's or managed identity's client id. */
  clientId: string;
  /** `<resource>/.default`. Default `https://management.azure.com/.default`. */
  scope?: string;
  subscriptionId?: string;
  /** Default `api://AzureADTokenExchange`. */
  audience?: string;
}

export interface AzureProviderOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
  /** Default `https://login.microsoftonline.com` (sovereign clouds and fakes differ). */
  authorityHost?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function entraCause(detail: string, clientId: string): string | undefined {
  if (/AADSTS70021|AADSTS700213|AADSTS700211/.test(detail)) {
    return `no federated credential on app ${clientId} matches this token's issuer/subject/audience: run \`keyless credentials explain\``;
  }
  if (/AADSTS700016/.test(detail)) return `no application ${clientId} in this tenant`;
  if (/AADSTS90002|AADSTS900023/.test(detail)) return 'the tenant id is wrong';
  if (/AADSTS700024/.test(detail)) return 'the job token is expired or not yet valid';
  if (/AADSTS70011|AADSTS1002012/.test(detail)) return 'the scope is invalid: use <resource>/.default';
  return undefined;
}

export class AzureProvider implements CredentialProvider<AzureRequest> {
  readonly name = 'azure';

  constructor(private readonly options: AzureProviderOptions = {}) {}

  defaultAudience(request: AzureRequest): string {
    return request.audience ?? 'api://AzureADTokenExchange';
  }

  async exchange(token: IdentityToken, request: AzureRequest): Promise<Credentials> {
    if (!GUID.test(request.clientId))
      throw new CredentialError(`Azure client id "${request.clientId}" is not a GUID`, 'config');
    if (!GUID.test(request.tenantId) && !/^[\w.-]+\.[a-z]{2,}$/i.test(request.tenantId)) {
      throw new CredentialError(
        `Azure tenant "${request.tenantId}" is neither a GUID nor a domain`,
        'config',
      );
    }
    const scope = request.scope ?? 'https://management.azure.com/.default';
    const host = trimSlash(this.options.authorityHost ?? 'https://login.microsoftonline.com');
    const what = `Entra token (tenant ${request.tenantId}, client ${request.clientId})`;
    const out = await httpJson(
      this.options.fetch ?? fetch,
      {
        what,
        url: `${host}/${encodeURIComponent(request.tenantId)}/oauth2/v2.0/token`,
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: request.clientId,
          scope,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: token.raw,
        }),
        secrets: [token.raw],
        explain: (_status, detail) => entraCause(detail, request.clientId),
      },
      this.options.retry,
    );
    const accessToken = field(out.json, 'access_token', what);
    const expiresIn = optionalNumber(out.json, 'expires_in') ?? 3600;
    return {
      provider: this.name,
      values: [
        { name: 'AZURE_ACCESS_TOKEN', value: accessToken, secret: true },
        { name: 'AZURE_CLIENT_ID', value: request.clientId, secret: false },
        { name: 'AZURE_TENANT_ID', value: request.tenantId, secret: false },
        ...(request.subscriptionId
          ? [{ name: 'AZURE_SUBSCRIPTION_ID', value: request.subscriptionId, secret: false }]
          : []),
      ],
      expiresAt: new Date(Date.now() + expiresIn * 1000),
      grant: { tenant: request.tenantId, client: request.clientId, scope },
    };
  }
}
