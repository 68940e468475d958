import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { VaultProvider } from '../../../credentials/providers/vault.js';
import { parseSelectors } from '../../../credentials/providers/vault-selectors.js';
import { CredentialError } from '../../../credentials/types.js';
import { GITLAB_PROJECT, VAULT_AUD } from '../../helpers/cloud-ids.js';
import { startFakeClouds, vaultRole } from '../../helpers/fake-clouds.js';
import { expectNoSecrets, failure, identity, instantRetry } from './helpers.js';

const DEPLOY_KEY = 'q7Vt2mXc9RbLw4Zp8NsKf3Hj';
const LEGACY = 'Ld93kPz7WqRt5VmB2xNc';

const start = () =>
  startFakeClouds((trust) => ({
    vault: {
      namespace: 'ci/northwind',
      roles: {
        'billing-deploy': vaultRole(
          trust(VAULT_AUD, { project_path: GITLAB_PROJECT, ref_protected: 'true' }),
          ['secret/data/ci/', 'kv/ci/', 'database/creds/', 'aws/creds/'],
        ),
      },
      kv2: { 'ci/deploy': { api_key: DEPLOY_KEY, region: 'eu-west-1' } },
      kv1: { 'ci/legacy': { password: LEGACY } },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const request = (secrets: string[]) => ({
  address: clouds.vault.address,
  namespace: 'ci/northwind',
  role: 'billing-deploy',
  audience: 'https://vault.northwind-labs.dev',
  secrets,
});

describe('VaultProvider', () => {
  it('logs in, reads KV v2, KV v1 and a dynamic secret, and revokes the lease then the token', async () => {
    const provider = new VaultProvider({ retry: instantRetry() });
    const creds = await provider.exchange(
      identity(clouds.issuer.gitlab()),
      request([
        'secret/data/ci/deploy api_key | DEPLOY_KEY',
        'secret/data/ci/deploy region',
        'kv/ci/legacy password | LEGACY_PASSWORD',
        'database/creds/billing-ro username | DB_USER',
        'database/creds/billing-ro password | DB_PASSWORD',
      ]),
    );
    const values = Object.fromEntries(creds.values.map((v) => [v.name, v.value]));
    const [lease] = [...clouds.vault.leases.keys()].filter((id) =>
      id.startsWith('database/creds/billing-ro/'),
    );
    expect(values).toEqual({
      DEPLOY_KEY,
      REGION: 'eu-west-1',
      LEGACY_PASSWORD: LEGACY,
      DB_USER: clouds.vault.leases.get(lease!)!.username,
      DB_PASSWORD: clouds.vault.leases.get(lease!)!.password,
    });
    expect(creds.values.every((v) => v.secret)).toBe(true);
    expect(clouds.vault.requests.filter((r) => r === 'GET /v1/database/creds/billing-ro')).toHaveLength(1);
    expect(creds.grant.leases).toEqual([lease]);
    expect((creds.expiresAt!.getTime() - Date.now()) / 1000).toBeLessThanOrEqual(900);

    const [token] = [...clouds.vault.tokens].find(([, t]) => t.leases.includes(lease!))!;
    expect(clouds.vault.revokedTokens).toEqual([]);
    await creds.revoke!();
    expect(clouds.vault.revokedLeases).toEqual([lease]);
    expect(clouds.vault.revokedTokens).toEqual([token]);
    expect(clouds.vault.requests.slice(-2)).toEqual([
      'PUT /v1/sys/leases/revoke',
      'POST /v1/auth/token/revoke-self',
    ]);
  });

  it('exports the client token only when asked', async () => {
    const provider = new VaultProvider({ retry: instantRetry() });
    const creds = await provider.exchange(identity(clouds.issuer.gitlab()), {
      ...request(['aws/creds/deployer access_key | AWS_ACCESS_KEY_ID']),
      exportToken: true,
    });
    const names = creds.values.map((v) => v.name);
    expect(names).toEqual(['AWS_ACCESS_KEY_ID', 'VAULT_TOKEN', 'VAULT_ADDR', 'VAULT_NAMESPACE']);
    expect(clouds.vault.tokens.get(creds.values[1]!.value)?.revoked).toBe(false);
    await creds.revoke!();
    expect(clouds.vault.tokens.get(creds.values[1]!.value)?.revoked).toBe(true);
  });

  it('explains a bound claim mismatch, without retrying or leaking the token', async () => {
    const retry = instantRetry(4);
    const provider = new VaultProvider({ retry });
    const token = clouds.issuer.gitlab({ ref_protected: 'false' });
    const error = await failure(
      provider.exchange(identity(token), request(['secret/data/ci/deploy api_key'])),
    );
    expect(error).toBeInstanceOf(CredentialError);
    expect(error.message).toMatch(/HTTP 400: error validating claims: claim "ref_protected"/);
    expect(error.message).toContain('bound_audiences/bound_claims do not match this token');
    expect(clouds.vault.requests).toEqual(['POST /v1/auth/jwt/login']);
    expect(retry.delays).toEqual([]);
    expectNoSecrets(error.message, [token]);
  });

  it('names a missing role and a path the policy does not allow, revoking after a failed read', async () => {
    const provider = new VaultProvider({ retry: instantRetry() });
    const missing = await failure(
      provider.exchange(identity(clouds.issuer.gitlab()), {
        ...request(['kv/ci/legacy password']),
        role: 'nope',
      }),
    );
    expect(missing.message).toContain('no JWT role "nope" at auth/jwt');

    const denied = await failure(
      provider.exchange(
        identity(clouds.issuer.gitlab()),
        request(['database/creds/billing-ro password', 'secret/data/prod/root token']),
      ),
    );
    expect(denied.message).toContain('do not allow reading secret/data/prod/root');
    expect(clouds.vault.revokedLeases).toHaveLength(1);
    expect(clouds.vault.revokedTokens).toHaveLength(1);
    for (const [token] of clouds.vault.tokens) expectNoSecrets(denied.message, [token]);
  });

  it('retries 5xx and 429 on login and reads', async () => {
    clouds.vault.failures.push(
      { status: 503, times: 1, match: '/login' },
      { status: 429, times: 1, match: '/secret/' },
    );
    const retry = instantRetry(3);
    const provider = new VaultProvider({ retry });
    const creds = await provider.exchange(
      identity(clouds.issuer.gitlab()),
      request(['secret/data/ci/deploy api_key']),
    );
    expect(creds.values[0]!.value).toBe(DEPLOY_KEY);
    expect(clouds.vault.requests.filter((r) => r.startsWith('POST /v1/auth/jwt/login'))).toHaveLength(2);
    expect(retry.delays).toHaveLength(2);
  });

  it('requires the namespace header when the server has one', async () => {
    const provider = new VaultProvider({ retry: instantRetry() });
    const { namespace: _omit, ...plain } = request(['secret/data/ci/deploy api_key']);
    const error = await failure(provider.exchange(identity(clouds.issuer.gitlab()), plain));
    expect((error as CredentialError).kind).toBe('auth');
    expect(error.message).toContain('check the namespace');
  });

  it('reports a revoke that fails after trying every step', async () => {
    const provider = new VaultProvider({ retry: instantRetry(2) });
    const creds = await provider.exchange(
      identity(clouds.issuer.gitlab()),
      request(['database/creds/billing-ro password']),
    );
    clouds.vault.failures.push({ status: 500, times: 2, match: '/sys/leases/revoke' });
    const error = await failure(creds.revoke!());
    expect(error.message).toMatch(
      /Vault revocation incomplete: Vault revoke lease database\/creds\/billing-ro\//,
    );
    expect(clouds.vault.revokedTokens).toHaveLength(1);
  });
});

describe('parseSelectors', () => {
  it('parses lines and semicolons with default names', () => {
    expect(
      parseSelectors('secret/data/ci/deploy api-key ; /v1/database/creds/ro password | PG_PASS\n# note'),
    ).toEqual([
      { path: 'secret/data/ci/deploy', field: 'api-key', name: 'API_KEY' },
      { path: 'database/creds/ro', field: 'password', name: 'PG_PASS' },
    ]);
  });
  it('rejects malformed selectors and duplicates', () => {
    expect(() => parseSelectors('secret/data/ci/deploy')).toThrow(/PATH FIELD/);
    expect(() => parseSelectors('a/b x | 9BAD')).toThrow(/not a variable name/);
    expect(() => parseSelectors(['a/b x | X', 'a/c y | X'])).toThrow(/exported twice/);
    expect(() => parseSelectors('')).toThrow(/no secrets selected/);
  });
});
