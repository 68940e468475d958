/**
 * GCP Workload Identity Federation: the job token is exchanged at STS for a federated access token,
 * optionally traded for a service account's access token (generateAccessToken) and ID token
 * (generateIdToken). Base URLs are injectable for private endpoints and fakes.
 */
import { field, httpJson, optionalNumber, trimSlash } from './http.js';
import type { HttpCall } from './http.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { CredentialProvider, CredentialValue, Credentials, Fetch, IdentityToken } from '../types.js';

export interface GcpRequest {
  /** `projects/N/locations/global/workloadIdentityPools/P/providers/X` (a leading `//iam.googleapis.com/` is accepted). */
  workloadIdentityProvider: string;
  /** Service account email to impersonate; without it the federated token is used directly. */
  serviceAccount?: string;
  /** Default `https://www.googleapis.com/auth/cloud-platform`. */
  scopes?: string[];
  /** Impersonated token lifetime, 1..43200 (above 3600 needs an org policy). Default 3600. */
  lifetimeSeconds?: number;
  delegates?: string[];
  /** Also mint an ID token for this audience (needs `serviceAccount`). */
  idTokenAudience?: string;
  idTokenIncludeEmail?: boolean;
  projectId?: string;
  /** The token's expected `aud`. Default `https://iam.googleapis.com/<provider>`. */
  audience?: string;
}

export interface GcpProviderOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
  /** Default `https://sts.googleapis.com`. */
  stsUrl?: string;
  /** Default `https://iamcredentials.googleapis.com`. */
  iamCredentialsUrl?: string;
}

const PROVIDER =
  /^projects\/\d+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}\/providers\/[a-z0-9-]{4,32}$/;
const EMAIL = /^[\w.-]+@[\w.-]+\.iam\.gserviceaccount\.com$|^[\w.-]+@[\w.-]+$/;
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export function providerPath(value: string): string {
  const path = value.replace(/^(https:)?\/\/iam\.googleapis\.com\//, '');
  if (!PROVIDER.test(path)) {
    throw new CredentialError(
      `"${value.slice(0, 200)}" is not a workload identity provider (projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>)`,
      'config',
    );
  }
  return path;
}

function stsCause(status: number, detail: string): string | undefined {
  if (/audience/i.test(detail)) return "the provider's allowed audiences do not include this token's aud";
  if (/attribute condition/i.test(detail)) {
    return "the provider's attribute condition rejects this token's claims: run `keyless credentials explain`";
  }
  if (/invalid_target|not found|disabled/i.test(detail))
    return 'the workload identity pool or provider does not exist or is disabled';
  if (/issuer|signature|jwks|key/i.test(detail))
    return "the provider's issuer URI or uploaded JWKS does not match this token";
  return status === 400 ? 'the workload identity provider refused the token' : undefined;
}

function impersonationCause(status: number, serviceAccount: string): string | undefined {
  if (status === 403) {
    return `the federated principal lacks roles/iam.workloadIdentityUser (iam.serviceAccounts.getAccessToken) on ${serviceAccount}`;
  }
  if (status === 404) return `service account ${serviceAccount} does not exist`;
  return undefined;
}

export class GcpProvider implements CredentialProvider<GcpRequest> {
  readonly name = 'gcp';

  constructor(private readonly options: GcpProviderOptions = {}) {}

  defaultAudience(request: GcpRequest): string {
    return request.audience ?? `https://iam.googleapis.com/${providerPath(request.workloadIdentityProvider)}`;
  }

  private send(call: HttpCall) {
    return httpJson(this.options.fetch ?? fetch, call, this.options.retry);
  }

  async exchange(token: IdentityToken, request: GcpRequest): Promise<Credentials> {
    const provider = providerPath(request.workloadIdentityProvider);
    const scopes = request.scopes?.length ? request.scopes : [CLOUD_PLATFORM];
    const sa = request.serviceAccount;
    if (sa !== undefined && !EMAIL.test(sa))
      throw new CredentialError(`"${sa}" is not a service account email`, 'config');
    if (request.idTokenAudience && !sa)
      throw new CredentialError('GCP ID tokens need a service account to impersonate', 'config');
    const lifetime = request.lifetimeSeconds ?? 3600;
    if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 43200) {
      throw new CredentialError(`GCP token lifetime ${lifetime} is out of range (1-43200 seconds)`, 'config');
    }

    const sts = await this.send({
      what: 'GCP STS token exchange',
      url: `${trimSlash(this.options.stsUrl ?? 'https://sts.googleapis.com')}/v1/token`,
      method: 'POST',
      body: {
        audience: `//iam.googleapis.com/${provider}`,
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
        requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        scope: scopes.join(' '),
        subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
        subjectToken: token.raw,
      },
      secrets: [token.raw],
      explain: stsCause,
    });
    const federated = field(sts.json, 'access_token', 'GCP STS token exchange');
    let accessToken = federated;
    let expiresAt = new Date(Date.now() + (optionalNumber(sts.json, 'expires_in') ?? 3600) * 1000);
    const values: CredentialValue[] = [];

    if (sa) {
      const iam = `${trimSlash(this.options.iamCredentialsUrl ?? 'https://iamcredentials.googleapis.com')}/v1/projects/-/serviceAccounts/${encodeURIComponent(sa)}`;
      const headers = { authorization: `Bearer ${federated}` };
      const delegates = request.delegates?.map((d) => `projects/-/serviceAccounts/${d}`);
      const generated = await this.send({
        what: `GCP generateAccessToken for ${sa}`,
        url: `${iam}:generateAccessToken`,
        method: 'POST',
        headers,
        body: { scope: scopes, lifetime: `${lifetime}s`, ...(delegates?.length ? { delegates } : {}) },
        secrets: [token.raw, federated],
        explain: (status) => impersonationCause(status, sa),
      });
      accessToken = field(generated.json, 'accessToken', `GCP generateAccessToken for ${sa}`);
      const expireTime = Date.parse(String((generated.json as { expireTime?: unknown }).expireTime));
      expiresAt = Number.isNaN(expireTime) ? new Date(Date.now() + lifetime * 1000) : new Date(expireTime);
      if (request.idTokenAudience) {
        const id = await this.send({
          what: `GCP generateIdToken for ${sa}`,
          url: `${iam}:generateIdToken`,
          method: 'POST',
          headers,
          body: {
            audience: request.idTokenAudience,
            includeEmail: request.idTokenIncludeEmail ?? false,
            ...(delegates?.length ? { delegates } : {}),
          },
          secrets: [token.raw, federated, accessToken],
          explain: (status) => impersonationCause(status, sa),
        });
        values.push({
          name: 'GOOGLE_ID_TOKEN',
          value: field(id.json, 'token', 'GCP generateIdToken'),
          secret: true,
        });
      }
    }
    values.unshift(
      { name: 'GOOGLE_OAUTH_ACCESS_TOKEN', value: accessToken, secret: true },
      { name: 'CLOUDSDK_AUTH_ACCESS_TOKEN', value: accessToken, secret: true },
    );
    if (request.projectId) {
      values.push({ name: 'GOOGLE_CLOUD_PROJECT', value: request.projectId, secret: false });
      values.push({ name: 'CLOUDSDK_CORE_PROJECT', value: request.projectId, secret: false });
    }
    return {
      provider: this.name,
      values,
      expiresAt,
      grant: {
        workloadIdentityProvider: provider,
        scopes,
        ...(sa ? { serviceAccount: sa } : {}),
        ...(request.idTokenAudience ? { idTokenAudience: request.idTokenAudience } : {}),
      },
    };
  }
}
