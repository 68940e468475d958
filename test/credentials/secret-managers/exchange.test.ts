import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { renderAuditLines, renderAuditMarkdown } from '../../../credentials/audit.js';
import type { AuditRecord } from '../../../credentials/audit.js';
import { obtainCredentials } from '../../../credentials/exchange.js';
import { GithubActionsIdentity } from '../../../credentials/identity/index.js';
import { parseRequest } from '../../../credentials/request.js';
import { startFakeSecretsManager, currentVersion } from '../../fakes/aws-secrets-manager.js';
import type { FakeSecretsManager } from '../../fakes/aws-secrets-manager.js';
import { startFakeSts } from '../../fakes/aws-sts.js';
import type { FakeSts } from '../../fakes/aws-sts.js';
import { startFakeKeyVault, versionId } from '../../fakes/azure-key-vault.js';
import type { FakeKeyVault } from '../../fakes/azure-key-vault.js';
import { startFakeEntra } from '../../fakes/entra.js';
import type { FakeEntra } from '../../fakes/entra.js';
import { startFakeGcp } from '../../fakes/gcp.js';
import type { FakeGcp } from '../../fakes/gcp.js';
import { startFakeSecretManager } from '../../fakes/gcp-secret-manager.js';
import type { FakeSecretManager } from '../../fakes/gcp-secret-manager.js';
import { startGithubIdTokenEndpoint } from '../../fakes/github-id-token.js';
import type { GithubIdTokenEndpoint } from '../../fakes/github-id-token.js';
import { startOidcIssuer } from '../../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../../fakes/oidc-issuer.js';
import { startFakeVault } from '../../fakes/vault.js';
import type { FakeVault } from '../../fakes/vault.js';
import { credentialFailure, expectNoSecrets, instantRetry } from '../providers/helpers.js';

const ACCOUNT = '530817264913';
const REGION = 'eu-central-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ledger-deploy`;
const AUDIT = `arn:aws:iam::${ACCOUNT}:role/ledger-audit`;
const PROVIDER = 'projects/730914552861/locations/global/workloadIdentityPools/github-ci/providers/northwind';
const TENANT = '5c7e2a91-3f4d-4b8e-9a61-d2f08c37b4e5';
const CLIENT = 'a83f1d26-97c4-4e5b-b1d0-6e29f7c4a815';
const VAULT_AUD = 'https://vault.northwind-labs.dev';
const DB_PASSWORD = 'Vb7nQ2xLk9RtZc4Wm8Pj3Hs';
const STRIPE = 'Jy6tPq1Xs8Lw3Nd5Kf2Rb9Ga';
const SENDGRID = 'Mc4Hr9Tz2Wq7Ys5Lb1Xv8Ne';
const KV_KEY = 'Rd2Gk7Wp4Zt9Cx1Hb6Ly3Qm';

let issuer: OidcIssuer;
let idEndpoint: GithubIdTokenEndpoint;
let sts: FakeSts;
let awsSm: FakeSecretsManager;
let gcp: FakeGcp;
let gcpSm: FakeSecretManager;
let entra: FakeEntra;
let kv: FakeKeyVault;
let vault: FakeVault;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  idEndpoint = await startGithubIdTokenEndpoint(issuer);
  const trust = (aud: string) => ({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audiences: [aud] });
  sts = await startFakeSts({
    [ROLE]: { webIdentity: trust('sts.amazonaws.com') },
    [AUDIT]: { webIdentity: trust('sts.amazonaws.com') },
  });
  awsSm = await startFakeSecretsManager(
    sts,
    {
      'ledger/db': { readers: [ROLE], versions: [currentVersion(JSON.stringify({ password: DB_PASSWORD }))] },
    },
    { account: ACCOUNT, region: REGION },
  );
  gcp = await startFakeGcp({
    providers: { [`//iam.googleapis.com/${PROVIDER}`]: trust(`https://iam.googleapis.com/${PROVIDER}`) },
    serviceAccounts: {},
  });
  gcpSm = await startFakeSecretManager((token) => (gcp.federated.has(token) ? 'wif' : undefined), {
    'projects/northwind-prod/secrets/stripe-key': { accessors: ['wif'], versions: [{ data: STRIPE }] },
  });
  entra = await startFakeEntra({ [TENANT]: { [CLIENT]: trust('api://AzureADTokenExchange') } });
  kv = await startFakeKeyVault(entra, {
    'ledger-kv': {
      readers: [CLIENT],
      secrets: { 'sendgrid-key': { versions: [{ id: versionId(), value: SENDGRID }] } },
    },
  });
  vault = await startFakeVault({
    roles: {
      ledger: { ...trust(VAULT_AUD), boundAudiences: [VAULT_AUD], allow: ['secret/data/ci/'] },
    },
    kv2: { 'ci/ledger': { api_key: KV_KEY } },
  });
});
afterAll(async () => {
  await Promise.all([awsSm.close(), sts.close(), gcpSm.close(), gcp.close(), kv.close(), entra.close()]);
  await Promise.all([vault.close(), idEndpoint.close()]);
  await issuer.close();
});
beforeEach(() => {
  idEndpoint.requests.length = 0;
  awsSm.calls.length = 0;
  vault.revokedTokens.length = 0;
});

const identity = () =>
  new GithubActionsIdentity({ requestUrl: idEndpoint.requestUrl, requestToken: idEndpoint.requestToken });

function request(extra: Record<string, string> = {}) {
  return parseRequest({
    'vault-url': vault.address,
    'vault-role': 'ledger',
    'vault-audience': VAULT_AUD,
    'vault-secrets': 'secret/data/ci/ledger api_key | LEDGER_KEY',
    'aws-role': ROLE,
    'aws-region': REGION,
    'aws-secrets': 'ledger/db:password | DB_PASSWORD',
    'aws-sts-endpoint': sts.endpoint,
    'aws-secrets-manager-endpoint': awsSm.endpoint,
    'gcp-workload-identity-provider': PROVIDER,
    'gcp-project-id': 'northwind-prod',
    'gcp-secrets': 'stripe-key',
    'gcp-sts-url': gcp.url,
    'gcp-secret-manager-url': gcpSm.url,
    'azure-tenant-id': TENANT,
    'azure-client-id': CLIENT,
    'azure-keyvault-secrets': 'ledger-kv/sendgrid-key | SENDGRID_API_KEY',
    'azure-authority-host': entra.url,
    'azure-keyvault-url': kv.url,
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
    expect(idEndpoint.requests).toEqual([]);
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
    expect(vault.revokedTokens).toHaveLength(1);
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
        'aws-sts-endpoint': sts.endpoint,
        'aws-secrets-manager-endpoint': awsSm.endpoint,
      }),
      { identity: identity(), retry: instantRetry() },
    );
    expect(result.credentials.map((c) => [c.provider, c.grant['profile']])).toEqual([
      ['aws', 'deploy'],
      ['aws', 'audit'],
      ['aws-secrets-manager', undefined],
    ]);
    const deployKey = result.credentials[0]!.values.find((v) => v.name === 'AWS_ACCESS_KEY_ID')!.value;
    expect(awsSm.calls.map((c) => c.signedBy)).toEqual([deployKey]);
    expect(result.credentials[2]!.values).toEqual([
      { name: 'DB_PASSWORD', value: DB_PASSWORD, secret: true },
    ]);
  });

  it('needs the provider: secrets alone are an incomplete request', () => {
    expect(() => parseRequest({ 'aws-secrets': 'ledger/db' })).toThrow(/aws-secrets given but aws-role/);
  });
});
