import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GcpProvider } from '../../../credentials/providers/gcp.js';
import { crc32c } from '../../../credentials/secret-managers/crc32c.js';
import { GcpSecretManagerReader, parseGcpSecrets } from '../../../credentials/secret-managers/gcp.js';
import type { Credentials } from '../../../credentials/types.js';
import type { FakeGcp } from '../../fakes/gcp.js';
import {
  GCP_PROJECT as PROJECT,
  GCP_PROVIDER as PROVIDER,
  GCP_SA as SA,
  GITHUB_SUB as SUB,
  gcpAudience,
  gcpProviderName,
} from '../../helpers/cloud-ids.js';
import { startFakeClouds } from '../../helpers/fake-clouds.js';
import { credentialFailure, expectNoSecrets, identity, instantRetry } from '../providers/helpers.js';

const STRIPE = 'tW9RZGDKnBpp_YkFV25zgRnV';
const STRIPE_OLD = 'grqLWdsAsGrYeJ7XaaoTDpKD';
const WEBHOOK = 'hr04PyNIApXdsLAi0pw63upH';
const BINARY = Buffer.from([0xc3, 0x28, 0x00, 0xfe, 0x91]);
const POOL = `principal://iam.googleapis.com/${PROVIDER.replace(/\/providers\/.*$/, '')}/subject/`;

// Federated tokens act as the WIF principal; impersonated ones as the service account.
const principal =
  (gcp: FakeGcp) =>
  (token: string): string | undefined => {
    const sub = gcp.federated.get(token);
    if (sub) return `${POOL}${sub}`;
    const sa = gcp.issued.find((i) => i.token === token && i.kind === 'access');
    return sa ? `serviceAccount:${sa.serviceAccount}` : undefined;
  };

const start = () =>
  startFakeClouds((trust) => ({
    gcp: {
      providers: { [gcpProviderName(PROVIDER)]: trust(gcpAudience(PROVIDER)) },
      serviceAccounts: { [SA]: { subjects: [SUB] } },
    },
    gcpSecretManager: {
      principal,
      secrets: {
        [`projects/${PROJECT}/secrets/stripe-key`]: {
          accessors: [`${POOL}${SUB}`],
          versions: [{ data: STRIPE_OLD }, { data: STRIPE }, { data: 'c4Vn8rLq2', state: 'DISABLED' }],
        },
        [`projects/${PROJECT}/secrets/webhook-secret`]: {
          accessors: [`serviceAccount:${SA}`],
          versions: [{ data: WEBHOOK }],
        },
        [`projects/${PROJECT}/secrets/signing-der`]: {
          accessors: [`${POOL}${SUB}`],
          versions: [{ data: BINARY }],
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

async function federated(serviceAccount?: string): Promise<Credentials> {
  const provider = new GcpProvider({
    stsUrl: clouds.gcp.url,
    iamCredentialsUrl: clouds.gcp.url,
    retry: instantRetry(),
  });
  const job = identity(clouds.issuer.github({ aud: `https://iam.googleapis.com/${PROVIDER}` }));
  return provider.exchange(job, {
    workloadIdentityProvider: PROVIDER,
    ...(serviceAccount ? { serviceAccount } : {}),
  });
}

const reader = (retry = instantRetry()) =>
  new GcpSecretManagerReader({ url: clouds.gcpSecretManager.url, retry });
const values = (c: Credentials) => Object.fromEntries(c.values.map((v) => [v.name, v.value]));

describe('crc32c', () => {
  it('matches the standard CRC-32C check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe('parseGcpSecrets', () => {
  it('takes full resource names and short names with the project, latest by default', () => {
    expect(
      parseGcpSecrets(
        [
          'projects/other-proj/secrets/stripe-key/versions/3 | OLD',
          'webhook-secret',
          'stripe-key/versions/latest | KEY',
        ],
        PROJECT,
      ),
    ).toEqual([
      {
        line: 'projects/other-proj/secrets/stripe-key/versions/3 | OLD',
        resource: 'projects/other-proj/secrets/stripe-key/versions/3',
        secret: 'stripe-key',
        name: 'OLD',
      },
      {
        line: 'webhook-secret',
        resource: `projects/${PROJECT}/secrets/webhook-secret/versions/latest`,
        secret: 'webhook-secret',
        name: 'WEBHOOK_SECRET',
      },
      {
        line: 'stripe-key/versions/latest | KEY',
        resource: `projects/${PROJECT}/secrets/stripe-key/versions/latest`,
        secret: 'stripe-key',
        name: 'KEY',
      },
    ]);
  });

  it('refuses a short name without gcp-project-id and other shapes', () => {
    expect(() => parseGcpSecrets('stripe-key')).toThrow(/needs gcp-project-id/);
    expect(() => parseGcpSecrets('projects/p1/locations/eu/secrets/x', PROJECT)).toThrow(
      /is not projects\/PROJECT/,
    );
  });
});

describe('GcpSecretManagerReader', () => {
  it('reads with the federated token, verifies the checksum, one request per version', async () => {
    const gcpCreds = await federated();
    const creds = await reader().read(
      gcpCreds,
      parseGcpSecrets(
        [
          'stripe-key | STRIPE_KEY',
          `projects/${PROJECT}/secrets/stripe-key/versions/1 | STRIPE_OLD`,
          'stripe-key | AGAIN',
        ],
        PROJECT,
      ),
    );
    expect(values(creds)).toEqual({ STRIPE_KEY: STRIPE, STRIPE_OLD, AGAIN: STRIPE });
    expect(clouds.gcpSecretManager.requests.map((r) => r.path)).toEqual([
      `/v1/projects/${PROJECT}/secrets/stripe-key/versions/latest:access`,
      `/v1/projects/${PROJECT}/secrets/stripe-key/versions/1:access`,
    ]);
    expect(clouds.gcpSecretManager.requests[0]!.principal).toMatch(
      /^principal:\/\/.*\/subject\/repo:northwind-labs\/ledger-api/,
    );
    expect(creds).toMatchObject({
      provider: 'gcp-secret-manager',
      grant: {
        secrets: [
          `projects/${PROJECT}/secrets/stripe-key/versions/latest`,
          `projects/${PROJECT}/secrets/stripe-key/versions/1`,
        ],
        names: ['STRIPE_KEY', 'STRIPE_OLD', 'AGAIN'],
      },
    });
    expectNoSecrets(JSON.stringify(creds.grant), [STRIPE, STRIPE_OLD]);
  });

  it('reads with the impersonated service account token; a non-UTF-8 payload comes out as base64', async () => {
    const creds = await reader().read(await federated(SA), parseGcpSecrets('webhook-secret', PROJECT));
    expect(values(creds)).toEqual({ WEBHOOK_SECRET: WEBHOOK });
    expect(clouds.gcpSecretManager.requests[0]!.principal).toBe(`serviceAccount:${SA}`);
    const binary = await reader().read(await federated(), parseGcpSecrets('signing-der', PROJECT));
    expect(values(binary)).toEqual({ SIGNING_DER: BINARY.toString('base64') });
  });

  it('retries a payload whose dataCrc32c does not match, and fails if it keeps not matching', async () => {
    clouds.gcpSecretManager.corrupt = 1;
    const retry = instantRetry(3);
    const creds = await reader(retry).read(await federated(), parseGcpSecrets('stripe-key', PROJECT));
    expect(values(creds)).toEqual({ STRIPE_KEY: STRIPE });
    expect(retry.delays).toHaveLength(1);
    clouds.gcpSecretManager.corrupt = 5;
    const error = await credentialFailure(
      reader(instantRetry(2)).read(await federated(), parseGcpSecrets('stripe-key', PROJECT)),
    );
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('payload checksum (dataCrc32c) does not match');
    expectNoSecrets(error.message, [STRIPE]);
  });

  it('missing secret, missing role and a disabled version fail fast with the likely cause', async () => {
    const retry = instantRetry(4);
    const gcpCreds = await federated();
    const denied = await credentialFailure(
      reader(retry).read(gcpCreds, parseGcpSecrets('webhook-secret', PROJECT)),
    );
    expect(denied.kind).toBe('auth');
    expect(denied.message).toContain(
      `roles/secretmanager.secretAccessor (secretmanager.versions.access) on projects/${PROJECT}/secrets/webhook-secret`,
    );
    const missing = await credentialFailure(
      reader(retry).read(gcpCreds, parseGcpSecrets('stripe-key/versions/9', PROJECT)),
    );
    expect(missing.message).toMatch(
      /HTTP 404: .* — projects\/northwind-prod\/secrets\/stripe-key\/versions\/9 does not exist/,
    );
    const disabled = await credentialFailure(
      reader(retry).read(gcpCreds, parseGcpSecrets('stripe-key/versions/3', PROJECT)),
    );
    expect(disabled.message).toContain('the version is disabled or destroyed');
    expect(retry.delays).toEqual([]);
    const token = gcpCreds.values.find((v) => v.name === 'GOOGLE_OAUTH_ACCESS_TOKEN')!.value;
    for (const e of [denied, missing, disabled]) expectNoSecrets(e.message, [token, STRIPE, WEBHOOK]);
  });

  it('retries 503 and 429', async () => {
    clouds.gcpSecretManager.failures.push(
      { status: 503, times: 1 },
      { status: 429, times: 1, code: 'RESOURCE_EXHAUSTED' },
    );
    const retry = instantRetry(3);
    const creds = await reader(retry).read(await federated(), parseGcpSecrets('stripe-key', PROJECT));
    expect(values(creds)).toEqual({ STRIPE_KEY: STRIPE });
    expect(clouds.gcpSecretManager.requests).toHaveLength(3);
  });
});
