import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AzureProvider } from '../../../credentials/providers/azure.js';
import type { AzureRequest } from '../../../credentials/providers/azure.js';
import {
  AzureKeyVaultReader,
  keyVaultScope,
  parseAzureSecrets,
} from '../../../credentials/secret-managers/azure.js';
import type { Credentials, IdentityToken } from '../../../credentials/types.js';
import { KEY_VAULT_SCOPE, versionId } from '../../fakes/azure-key-vault.js';
import { AZURE_AUD, CLIENT, TENANT } from '../../helpers/cloud-ids.js';
import { startFakeClouds } from '../../helpers/fake-clouds.js';
import { credentialFailure, expectNoSecrets, identity, instantRetry } from '../providers/helpers.js';

const OUTSIDER = '3e9d7b14-52a8-4c6f-9d03-b8f1e27a6c90';
const DB_CONN = 'Server=tcp:ledger-sql;Password=Kp7vRw2qZx9mTb4N';
const OLD_CONN = 'Server=tcp:ledger-sql;Password=Hd3sLq8wYc6nVe1J';
const SENDGRID = 'Fz5hQm1tWr8kXp4Lc2Nv7Bg9';
const OLD_VERSION = versionId();

const start = () =>
  startFakeClouds((trust) => ({
    entra: { [TENANT]: { [CLIENT]: trust(AZURE_AUD), [OUTSIDER]: trust(AZURE_AUD) } },
    keyVault: {
      'ledger-prod-kv': {
        readers: [CLIENT],
        secrets: {
          'db-connection': {
            versions: [
              { id: OLD_VERSION, value: OLD_CONN },
              { id: versionId(), value: DB_CONN },
            ],
          },
          'sendgrid-key': { versions: [{ id: versionId(), value: SENDGRID }] },
          retired: { versions: [{ id: versionId(), value: 'Qa2Ws3Ed4Rf5Tg6Yh', enabled: false }] },
        },
      },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const job = (): IdentityToken => identity(clouds.issuer.github({ aud: AZURE_AUD }));

async function login(request: AzureRequest, token: IdentityToken): Promise<Credentials> {
  return new AzureProvider({ authorityHost: clouds.entra.url, retry: instantRetry() }).exchange(
    token,
    request,
  );
}

const reader = (retry = instantRetry()) =>
  new AzureKeyVaultReader({ authorityHost: clouds.entra.url, url: clouds.keyVault.url, retry });
const values = (c: Credentials) => Object.fromEntries(c.values.map((v) => [v.name, v.value]));

describe('parseAzureSecrets', () => {
  it('reads VAULT/SECRET[/VERSION] | NAME, names default from the secret', () => {
    expect(
      parseAzureSecrets([`Ledger-Prod-KV/db-connection/${OLD_VERSION} | OLD`, 'ledger-prod-kv/sendgrid-key']),
    ).toEqual([
      {
        line: `Ledger-Prod-KV/db-connection/${OLD_VERSION} | OLD`,
        vault: 'ledger-prod-kv',
        secret: 'db-connection',
        version: OLD_VERSION,
        name: 'OLD',
      },
      {
        line: 'ledger-prod-kv/sendgrid-key',
        vault: 'ledger-prod-kv',
        secret: 'sendgrid-key',
        name: 'SENDGRID_KEY',
      },
    ]);
    expect(() => parseAzureSecrets('sendgrid-key')).toThrow(/is not VAULT_NAME\/SECRET/);
    expect(() => parseAzureSecrets('kv/a_b')).toThrow(/is not VAULT_NAME\/SECRET/);
  });

  it('derives the token scope from the vault host (sovereign clouds)', () => {
    expect(keyVaultScope()).toBe('https://vault.azure.net/.default');
    expect(keyVaultScope('https://{vault}.vault.azure.cn')).toBe('https://vault.azure.cn/.default');
    expect(keyVaultScope('http://127.0.0.1:9/{vault}')).toBe('https://vault.azure.net/.default');
  });
});

describe('AzureKeyVaultReader', () => {
  it('gets a second Entra token for Key Vault with the same assertion and reads with it', async () => {
    const token = job();
    const request = { tenantId: TENANT, clientId: CLIENT };
    const azure = await login(request, token);
    const creds = await reader().read(
      token,
      azure,
      request,
      parseAzureSecrets([
        'ledger-prod-kv/db-connection | DB_CONN',
        `ledger-prod-kv/db-connection/${OLD_VERSION} | OLD_CONN`,
        'ledger-prod-kv/sendgrid-key',
      ]),
    );
    expect(values(creds)).toEqual({ DB_CONN, OLD_CONN, SENDGRID_KEY: SENDGRID });
    expect(clouds.entra.requests.map((r) => [r.scope, r.client_assertion === token.raw])).toEqual([
      ['https://management.azure.com/.default', true],
      [KEY_VAULT_SCOPE, true],
    ]);
    expect(clouds.keyVault.requests).toEqual([
      { path: '/ledger-prod-kv/secrets/db-connection', apiVersion: '7.4', scope: KEY_VAULT_SCOPE },
      {
        path: `/ledger-prod-kv/secrets/db-connection/${OLD_VERSION}`,
        apiVersion: '7.4',
        scope: KEY_VAULT_SCOPE,
      },
      { path: '/ledger-prod-kv/secrets/sendgrid-key', apiVersion: '7.4', scope: KEY_VAULT_SCOPE },
    ]);
    expect(creds.grant).toEqual({
      vaults: ['ledger-prod-kv'],
      secrets: [
        'ledger-prod-kv/db-connection',
        `ledger-prod-kv/db-connection/${OLD_VERSION}`,
        'ledger-prod-kv/sendgrid-key',
      ],
      names: ['DB_CONN', 'OLD_CONN', 'SENDGRID_KEY'],
      scope: KEY_VAULT_SCOPE,
    });
    // The Key Vault token is only used for the reads, never exported.
    const kvToken = [...clouds.entra.grants].find(([, g]) => g.scope === KEY_VAULT_SCOPE)![0];
    expect(creds.values.map((v) => v.value)).not.toContain(kvToken);
  });

  it('reuses the provider token when azure-scope already is Key Vault', async () => {
    const token = job();
    const request = { tenantId: TENANT, clientId: CLIENT, scope: KEY_VAULT_SCOPE };
    const azure = await login(request, token);
    await reader().read(token, azure, request, parseAzureSecrets('ledger-prod-kv/sendgrid-key'));
    expect(clouds.entra.requests).toHaveLength(1);
    expect(clouds.keyVault.requests).toHaveLength(1);
  });

  it('a management-scoped token is refused by Key Vault (its audience)', async () => {
    const token = job();
    const request = { tenantId: TENANT, clientId: CLIENT };
    const azure = await login(request, token);
    // A reader told the vault scope is the management one presents the wrong token.
    const wrong = new AzureKeyVaultReader({
      authorityHost: clouds.entra.url,
      url: clouds.keyVault.url,
      retry: instantRetry(),
    });
    Object.defineProperty(wrong, 'scope', { value: 'https://management.azure.com/.default' });
    const error = await credentialFailure(
      wrong.read(token, azure, request, parseAzureSecrets('ledger-prod-kv/sendgrid-key')),
    );
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('AKV10022: Invalid audience');
    expect(error.message).toContain('Key Vault wants one for https://management.azure.com/.default');
  });

  it('missing secret, missing role and a disabled secret: clear causes, not retried, no values', async () => {
    const retry = instantRetry(4);
    const token = job();
    const mine = { tenantId: TENANT, clientId: CLIENT };
    const azure = await login(mine, token);
    const missing = await credentialFailure(
      reader(retry).read(token, azure, mine, parseAzureSecrets('ledger-prod-kv/stripe-key')),
    );
    expect(missing.kind).toBe('provider');
    expect(missing.message).toMatch(/HTTP 404: .* — no secret stripe-key in vault ledger-prod-kv$/);
    const outsider = { tenantId: TENANT, clientId: OUTSIDER };
    const denied = await credentialFailure(
      reader(retry).read(
        token,
        await login(outsider, token),
        outsider,
        parseAzureSecrets('ledger-prod-kv/sendgrid-key'),
      ),
    );
    expect(denied.kind).toBe('auth');
    expect(denied.message).toContain(
      'the identity lacks the Key Vault Secrets User role on vault ledger-prod-kv',
    );
    const disabled = await credentialFailure(
      reader(retry).read(token, azure, mine, parseAzureSecrets('ledger-prod-kv/retired')),
    );
    expect(disabled.message).toContain('secret retired is disabled');
    expect(retry.delays).toEqual([]);
    for (const e of [missing, denied, disabled])
      expectNoSecrets(e.message, [token.raw, ...clouds.entra.issued, SENDGRID]);
  });

  it('retries throttling (429) and 5xx', async () => {
    clouds.keyVault.failures.push({ status: 429, times: 1 }, { status: 500, times: 1 });
    const retry = instantRetry(3);
    const token = job();
    const request = { tenantId: TENANT, clientId: CLIENT };
    const creds = await reader(retry).read(
      token,
      await login(request, token),
      request,
      parseAzureSecrets('ledger-prod-kv/sendgrid-key'),
    );
    expect(values(creds)).toEqual({ SENDGRID_KEY: SENDGRID });
    expect(clouds.keyVault.requests).toHaveLength(3);
  });
});
