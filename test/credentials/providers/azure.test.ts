import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AzureProvider } from '../../../credentials/providers/azure.js';
import { startOidcIssuer } from '../../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../../fakes/oidc-issuer.js';
import { startFakeEntra } from '../../fakes/entra.js';
import type { FakeEntra } from '../../fakes/entra.js';
import { expectNoSecrets, failure, identity, instantRetry } from './helpers.js';

const TENANT = '5c7e2a91-3f4d-4b8e-9a61-d2f08c37b4e5';
const CLIENT = 'a83f1d26-97c4-4e5b-b1d0-6e29f7c4a815';
const SUB = 'repo:northwind-labs/ledger-api:environment:production';
let issuer: OidcIssuer;
let entra: FakeEntra;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  entra = await startFakeEntra({
    [TENANT]: {
      [CLIENT]: {
        issuer: issuer.issuer,
        jwksUri: issuer.jwksUri,
        audiences: ['api://AzureADTokenExchange'],
        claims: { sub: SUB },
      },
    },
  });
});
afterAll(async () => {
  await entra.close();
  await issuer.close();
});
beforeEach(() => {
  entra.failures.length = 0;
  entra.requests.length = 0;
});

const job = (overrides = {}) => identity(issuer.github({ aud: 'api://AzureADTokenExchange', ...overrides }));

describe('AzureProvider', () => {
  it('trades the job token as a client assertion for an access token', async () => {
    const provider = new AzureProvider({ authorityHost: entra.url, retry: instantRetry() });
    const token = job();
    const creds = await provider.exchange(token, {
      tenantId: TENANT,
      clientId: CLIENT,
      subscriptionId: '0f3b8e52-6a1c-4d97-8e25-b7c1a94d3f60',
    });
    expect(entra.requests[0]).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT,
      scope: 'https://management.azure.com/.default',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: token.raw,
    });
    expect(creds.values.map((v) => [v.name, v.secret])).toEqual([
      ['AZURE_ACCESS_TOKEN', true],
      ['AZURE_CLIENT_ID', false],
      ['AZURE_TENANT_ID', false],
      ['AZURE_SUBSCRIPTION_ID', false],
    ]);
    expect(creds.values[0]!.value).toBe(entra.issued[0]);
    expect(provider.defaultAudience({ tenantId: TENANT, clientId: CLIENT })).toBe(
      'api://AzureADTokenExchange',
    );
  });

  it('explains a missing federated credential, fast and without the assertion', async () => {
    const retry = instantRetry(4);
    const provider = new AzureProvider({ authorityHost: entra.url, retry });
    const token = job({ sub: 'repo:northwind-labs/ledger-api:pull_request' });
    const error = await failure(provider.exchange(token, { tenantId: TENANT, clientId: CLIENT }));
    expect(error.message).toMatch(/AADSTS70021.* — no federated credential on app a83f1d26/);
    expect(retry.delays).toEqual([]);
    expectNoSecrets(error.message, [token.raw]);
    const app = await failure(
      provider.exchange(job(), { tenantId: TENANT, clientId: '11111111-2222-4333-8444-555555555555' }),
    );
    expect(app.message).toContain('no application 11111111-2222-4333-8444-555555555555');
  });

  it('retries throttling', async () => {
    entra.failures.push({ status: 429, times: 1 });
    const retry = instantRetry(2);
    const provider = new AzureProvider({ authorityHost: entra.url, retry });
    await provider.exchange(job(), {
      tenantId: TENANT,
      clientId: CLIENT,
      scope: 'https://vault.azure.net/.default',
    });
    expect(entra.requests).toHaveLength(2);
    expect(entra.requests[1]!.scope).toBe('https://vault.azure.net/.default');
  });
});
