import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AzureProvider } from '../../../credentials/providers/azure.js';
import { AZURE_AUD, CLIENT, GITHUB_SUB as SUB, TENANT } from '../../helpers/cloud-ids.js';
import { startFakeClouds } from '../../helpers/fake-clouds.js';
import { expectNoSecrets, failure, identity, instantRetry } from './helpers.js';

const start = () =>
  startFakeClouds((trust) => ({ entra: { [TENANT]: { [CLIENT]: trust(AZURE_AUD, { sub: SUB }) } } }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const job = (overrides = {}) =>
  identity(clouds.issuer.github({ aud: 'api://AzureADTokenExchange', ...overrides }));

describe('AzureProvider', () => {
  it('trades the job token as a client assertion for an access token', async () => {
    const provider = new AzureProvider({ authorityHost: clouds.entra.url, retry: instantRetry() });
    const token = job();
    const creds = await provider.exchange(token, {
      tenantId: TENANT,
      clientId: CLIENT,
      subscriptionId: '0f3b8e52-6a1c-4d97-8e25-b7c1a94d3f60',
    });
    expect(clouds.entra.requests[0]).toEqual({
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
    expect(creds.values[0]!.value).toBe(clouds.entra.issued[0]);
    expect(provider.defaultAudience({ tenantId: TENANT, clientId: CLIENT })).toBe(
      'api://AzureADTokenExchange',
    );
  });

  it('explains a missing federated credential, fast and without the assertion', async () => {
    const retry = instantRetry(4);
    const provider = new AzureProvider({ authorityHost: clouds.entra.url, retry });
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
    clouds.entra.failures.push({ status: 429, times: 1 });
    const retry = instantRetry(2);
    const provider = new AzureProvider({ authorityHost: clouds.entra.url, retry });
    await provider.exchange(job(), {
      tenantId: TENANT,
      clientId: CLIENT,
      scope: 'https://vault.azure.net/.default',
    });
    expect(clouds.entra.requests).toHaveLength(2);
    expect(clouds.entra.requests[1]!.scope).toBe('https://vault.azure.net/.default');
  });
});
