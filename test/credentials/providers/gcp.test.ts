import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GcpProvider } from '../../../credentials/providers/gcp.js';
import { renderExternalAccount } from '../../../credentials/providers/gcp-external-account.js';
import { CredentialError } from '../../../credentials/types.js';
import {
  GCP_PROVIDER as PROVIDER,
  GCP_SA as SA,
  GITHUB_SUB as SUB,
  gcpAudience,
  gcpProviderName,
} from '../../helpers/cloud-ids.js';
import { startFakeClouds } from '../../helpers/fake-clouds.js';
import { expectNoSecrets, failure, identity, instantRetry } from './helpers.js';

const start = () =>
  startFakeClouds((trust) => ({
    gcp: {
      providers: {
        [gcpProviderName(PROVIDER)]: trust(gcpAudience(PROVIDER), { repository_owner: 'northwind-labs' }),
      },
      serviceAccounts: { [SA]: { subjects: [SUB] } },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const token = (overrides = {}) =>
  identity(clouds.issuer.github({ aud: `https://iam.googleapis.com/${PROVIDER}`, ...overrides }));

/** STS and IAM Credentials both answered by the fake. */
const fakeBackedProvider = (retry = instantRetry()) =>
  new GcpProvider({ stsUrl: clouds.gcp.url, iamCredentialsUrl: clouds.gcp.url, retry });

describe('GcpProvider', () => {
  it('exchanges at STS, impersonates the service account and mints an ID token', async () => {
    const provider = new GcpProvider({
      stsUrl: clouds.gcp.url,
      iamCredentialsUrl: `${clouds.gcp.url}/`,
      retry: instantRetry(),
    });
    const job = token();
    expect(provider.defaultAudience({ workloadIdentityProvider: PROVIDER })).toBe(job.claims.aud);
    const creds = await provider.exchange(job, {
      workloadIdentityProvider: `//iam.googleapis.com/${PROVIDER}`,
      serviceAccount: SA,
      lifetimeSeconds: 1800,
      idTokenAudience: 'https://ledger.northwind-labs.dev',
      projectId: 'northwind-prod',
    });
    expect(clouds.gcp.requests[0]).toEqual({
      path: '/v1/token',
      body: {
        audience: `//iam.googleapis.com/${PROVIDER}`,
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
        requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        scope: 'https://www.googleapis.com/auth/cloud-platform',
        subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
        subjectToken: job.raw,
      },
    });
    expect(clouds.gcp.requests[1]!.body).toEqual({
      scope: ['https://www.googleapis.com/auth/cloud-platform'],
      lifetime: '1800s',
    });
    const access = clouds.gcp.issued.find((i) => i.kind === 'access')!.token;
    const id = clouds.gcp.issued.find((i) => i.kind === 'id')!.token;
    expect(creds.values).toEqual([
      { name: 'GOOGLE_OAUTH_ACCESS_TOKEN', value: access, secret: true },
      { name: 'CLOUDSDK_AUTH_ACCESS_TOKEN', value: access, secret: true },
      { name: 'GOOGLE_ID_TOKEN', value: id, secret: true },
      { name: 'GOOGLE_CLOUD_PROJECT', value: 'northwind-prod', secret: false },
      { name: 'CLOUDSDK_CORE_PROJECT', value: 'northwind-prod', secret: false },
    ]);
    const left = (creds.expiresAt!.getTime() - Date.now()) / 1000;
    expect(left).toBeGreaterThan(1790);
    expect(left).toBeLessThanOrEqual(1800);
    expect(creds.grant).toMatchObject({ serviceAccount: SA, workloadIdentityProvider: PROVIDER });
  });

  it('uses the federated token directly without a service account', async () => {
    const provider = fakeBackedProvider();
    const creds = await provider.exchange(token(), {
      workloadIdentityProvider: PROVIDER,
      scopes: ['openid'],
    });
    expect(clouds.gcp.federated.has(creds.values[0]!.value)).toBe(true);
    expect(clouds.gcp.requests.map((r) => r.path)).toEqual(['/v1/token']);
  });

  it('explains an attribute condition mismatch and a missing impersonation grant, fast and scrubbed', async () => {
    const retry = instantRetry(4);
    const provider = fakeBackedProvider(retry);
    const outsider = token({ repository_owner: 'someone-else' });
    const condition = await failure(provider.exchange(outsider, { workloadIdentityProvider: PROVIDER }));
    expect(condition.message).toMatch(
      /HTTP 400: invalid_grant: .*attribute condition.* — .*keyless credentials explain/,
    );
    expectNoSecrets(condition.message, [outsider.raw]);

    const pr = token({ sub: 'repo:northwind-labs/ledger-api:pull_request' });
    const denied = await failure(
      provider.exchange(pr, { workloadIdentityProvider: PROVIDER, serviceAccount: SA }),
    );
    expect((denied as CredentialError).kind).toBe('auth');
    expect(denied.message).toContain(
      `lacks roles/iam.workloadIdentityUser (iam.serviceAccounts.getAccessToken) on ${SA}`,
    );
    expectNoSecrets(denied.message, [pr.raw, ...clouds.gcp.federated.keys()]);
    expect(retry.delays).toEqual([]);
  });

  it('retries STS and IAM 5xx', async () => {
    clouds.gcp.failures.push(
      { status: 502, times: 1, match: '/v1/token' },
      { status: 503, times: 2, match: ':generateAccessToken' },
    );
    const retry = instantRetry(3);
    const provider = fakeBackedProvider(retry);
    await provider.exchange(token(), { workloadIdentityProvider: PROVIDER, serviceAccount: SA });
    expect(clouds.gcp.requests.map((r) => r.path.split(':').pop())).toEqual([
      '/v1/token',
      '/v1/token',
      'generateAccessToken',
      'generateAccessToken',
      'generateAccessToken',
    ]);
    expect(retry.delays).toHaveLength(3);
  });

  it('rejects bad configuration before any request', async () => {
    const provider = fakeBackedProvider();
    await expect(
      provider.exchange(token(), { workloadIdentityProvider: 'github-ci/northwind' }),
    ).rejects.toThrow(/not a workload identity provider/);
    await expect(
      provider.exchange(token(), { workloadIdentityProvider: PROVIDER, idTokenAudience: 'x' }),
    ).rejects.toThrow(/need a service account/);
    expect(clouds.gcp.requests).toEqual([]);
  });
});

describe('renderExternalAccount', () => {
  it('renders a file-sourced external_account with impersonation', () => {
    const json = JSON.parse(
      renderExternalAccount({
        workloadIdentityProvider: PROVIDER,
        source: { file: '/tmp/runner/oidc.jwt' },
        serviceAccount: SA,
        lifetimeSeconds: 1200,
      }),
    );
    expect(json).toEqual({
      type: 'external_account',
      audience: `//iam.googleapis.com/${PROVIDER}`,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: 'https://sts.googleapis.com/v1/token',
      service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
      service_account_impersonation: { token_lifetime_seconds: 1200 },
      credential_source: { file: '/tmp/runner/oidc.jwt', format: { type: 'text' } },
    });
  });
  it('renders a URL source with a JSON field', () => {
    const json = JSON.parse(
      renderExternalAccount({
        workloadIdentityProvider: PROVIDER,
        source: {
          url: 'https://runner.local/token?audience=x',
          headers: { Authorization: 'Bearer t' },
          field: 'value',
        },
      }),
    );
    expect(json.credential_source).toEqual({
      url: 'https://runner.local/token?audience=x',
      headers: { Authorization: 'Bearer t' },
      format: { type: 'json', subject_token_field_name: 'value' },
    });
    expect(json.service_account_impersonation_url).toBeUndefined();
  });
});
