import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { renderAuditLines, renderAuditMarkdown } from '../../../credentials/audit.js';
import type { AuditRecord } from '../../../credentials/audit.js';
import { obtainCredentials } from '../../../credentials/exchange.js';
import { parseRequest } from '../../../credentials/request.js';
import { currentVersion } from '../../fakes/aws-secrets-manager.js';
import { versionId } from '../../fakes/azure-key-vault.js';
import type { FakeGcp } from '../../fakes/gcp.js';
import {
  AZURE_AUD,
  CLIENT,
  GCP_PROVIDER as PROVIDER,
  LEDGER_ACCOUNT as ACCOUNT,
  LEDGER_ROLE as ROLE,
  STS_AUD,
  TENANT,
  VAULT_AUD,
  gcpAudience,
  gcpProviderName,
} from '../../helpers/cloud-ids.js';
import { actionsIdentity, startFakeClouds, vaultRole } from '../../helpers/fake-clouds.js';
import { credentialFailure, expectNoSecrets, instantRetry } from '../providers/helpers.js';

const REGION = 'eu-central-1';
const AUDIT = `arn:aws:iam::${ACCOUNT}:role/ledger-audit`;
const DB_PASSWORD = 'Vb7nQ2xLk9RtZc4Wm8Pj3Hs';
const STRIPE = 'Jy6tPq1Xs8Lw3Nd5Kf2Rb9Ga';
const SENDGRID = 'Mc4Hr9Tz2Wq7Ys5Lb1Xv8Ne';
const KV_KEY = 'Rd2Gk7Wp4Zt9Cx1Hb6Ly3Qm';

const start = () =>
  startFakeClouds((trust) => ({
    idToken: true,
    sts: { [ROLE]: { webIdentity: trust(STS_AUD) }, [AUDIT]: { webIdentity: trust(STS_AUD) } },
    secretsManager: {
      account: ACCOUNT,
      region: REGION,
      secrets: {
        'ledger/db': {
          readers: [ROLE],
          versions: [currentVersion(JSON.stringify({ password: DB_PASSWORD }))],
        },
      },
    },
    gcp: { providers: { [gcpProviderName(PROVIDER)]: trust(gcpAudience(PROVIDER)) } },
    gcpSecretManager: {
      principal: (gcp: FakeGcp) => (token: string) => (gcp.federated.has(token) ? 'wif' : undefined),
      secrets: {
        'projects/northwind-prod/secrets/stripe-key': { accessors: ['wif'], versions: [{ data: STRIPE }] },
      },
    },
    entra: { [TENANT]: { [CLIENT]: trust(AZURE_AUD) } },
    keyVault: {
      'ledger-kv': {
        readers: [CLIENT],
        secrets: { 'sendgrid-key': { versions: [{ id: versionId(), value: SENDGRID }] } },
      },
    },
    vault: {
      roles: { ledger: vaultRole(trust(VAULT_AUD), ['secret/data/ci/']) },
      kv2: { 'ci/ledger': { api_key: KV_KEY } },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const identity = () => actionsIdentity(clouds.idToken);

function request(extra: Record<string, string> = {}) {
  return parseRequest({
    'vault-url': clouds.vault.address,
    'vault-role': 'ledger',
    'vault-audience': VAULT_AUD,
    'vault-secrets': 'secret/data/ci/ledger api_key | LEDGER_KEY',
    'aws-role': ROLE,
    'aws-region': REGION,
    'aws-secrets': 'ledger/db:password | DB_PASSWORD',
    'aws-sts-endpoint': clouds.sts.endpoint,
    'aws-secrets-manager-endpoint': clouds.secretsManager.endpoint,
    'gcp-workload-identity-provider': PROVIDER,
    'gcp-project-id': 'northwind-prod',
    'gcp-secrets': 'stripe-key',
    'gcp-sts-url': clouds.gcp.url,
    'gcp-secret-manager-url': clouds.gcpSecretManager.url,
    'azure-tenant-id': TENANT,
    'azure-client-id': CLIENT,
    'azure-keyvault-secrets': 'ledger-kv/sendgrid-key | SENDGRID_API_KEY',
    'azure-authority-host': clouds.entra.url,
    'azure-keyvault-url': clouds.keyVault.url,
    ...extra,
  });
}

describe('obtainCredentials with secret managers', () => {
  it('reads each manager with what its provider just granted; the audit names secrets, never values', async () => {
    const seen: AuditRecord[] = [];
    const result = await obtainCredentials(request(), {
      identity: identity(),
      retry: instantRetry(),
      onAudit: (r) => seen.push(r),
    });
    expect(result.credentials.map((c) => c.provider)).toEqual([
      'vault',
      'aws',
      'gcp',
      'azure',
      'aws-secrets-manager',
      'gcp-secret-manager',
      'azure-key-vault',
    ]);
    const values = Object.fromEntries(
      result.credentials.slice(4).flatMap((c) => c.values.map((v) => [v.name, v.value])),
    );
    expect(values).toEqual({ DB_PASSWORD, STRIPE_KEY: STRIPE, SENDGRID_API_KEY: SENDGRID });
    expect(result.credentials.slice(4).every((c) => c.values.every((v) => v.secret))).toBe(true);
    expect(seen.map((r) => [r.event, r.provider])).toEqual(
      result.credentials.map((c) => ['granted', c.provider]),
    );
    expect(seen.find((r) => r.provider === 'aws-secrets-manager')!.what).toMatchObject({
      secrets: ['ledger/db'],
      names: ['DB_PASSWORD'],
    });
    expect(seen.find((r) => r.provider === 'azure-key-vault')!.who.sub).toBe(
      'repo:northwind-labs/ledger-api:environment:production',
    );
    const secrets = result.credentials.flatMap((c) => c.values.filter((v) => v.secret).map((v) => v.value));
    expectNoSecrets(renderAuditLines(seen) + renderAuditMarkdown(seen), secrets);
  });

  it('refuses a malformed selector before any token is requested', async () => {
    const error = await credentialFailure(
      obtainCredentials(request({ 'azure-keyvault-secrets': 'sendgrid-key' }), { identity: identity() }),
    );
    expect(error.kind).toBe('config');
    expect(error.message).toContain('Azure Key Vault selector "sendgrid-key" is not VAULT_NAME/SECRET');
    expect(clouds.idToken.requests).toEqual([]);
  });

  it('a failed read revokes what was granted (Vault) and is audited with the secret ids', async () => {
    const seen: AuditRecord[] = [];
    const error = await credentialFailure(
      obtainCredentials(
        request({ 'aws-secrets': 'ledger/db:password | DB_PASSWORD\nledger/missing | GONE' }),
        {
          identity: identity(),
          retry: instantRetry(),
          onAudit: (r) => seen.push(r),
        },
      ),
    );
    expect(error.message).toContain('GetSecretValue ledger/missing: ResourceNotFoundException');
    expect(clouds.vault.revokedTokens).toHaveLength(1);
    const failed = seen.find((r) => r.event === 'failed')!;
    expect(failed).toMatchObject({
      provider: 'aws-secrets-manager',
      what: { secrets: ['ledger/db', 'ledger/missing'], names: ['DB_PASSWORD', 'GONE'] },
      error: { kind: 'provider' },
    });
    expect(seen.at(-1)).toMatchObject({ event: 'revoked', provider: 'vault' });
    expectNoSecrets(renderAuditLines(seen) + error.message, [DB_PASSWORD, KV_KEY]);
  });

  it("with AWS profiles, reads with aws-role's session (the default profile)", async () => {
    const result = await obtainCredentials(
      parseRequest({
        'aws-role': ROLE,
        'aws-region': REGION,
        'aws-profile': 'deploy',
        'aws-profiles': `audit ${AUDIT}`,
        'aws-secrets': 'ledger/db:password | DB_PASSWORD',
        'aws-sts-endpoint': clouds.sts.endpoint,
        'aws-secrets-manager-endpoint': clouds.secretsManager.endpoint,
      }),
      { identity: identity(), retry: instantRetry() },
    );
    expect(result.credentials.map((c) => [c.provider, c.grant['profile']])).toEqual([
      ['aws', 'deploy'],
      ['aws', 'audit'],
      ['aws-secrets-manager', undefined],
    ]);
    const deployKey = result.credentials[0]!.values.find((v) => v.name === 'AWS_ACCESS_KEY_ID')!.value;
    expect(clouds.secretsManager.calls.map((c) => c.signedBy)).toEqual([deployKey]);
    expect(result.credentials[2]!.values).toEqual([
      { name: 'DB_PASSWORD', value: DB_PASSWORD, secret: true },
    ]);
  });

  it('needs the provider: secrets alone are an incomplete request', () => {
    expect(() => parseRequest({ 'aws-secrets': 'ledger/db' })).toThrow(/aws-secrets given but aws-role/);
  });
});
