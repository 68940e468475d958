import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentVersion } from '../fakes/aws-secrets-manager.js';
import { versionId } from '../fakes/azure-key-vault.js';
import {
  BILLING_ACCOUNT as ACCOUNT,
  BILLING_ROLE as ROLE,
  GITLAB_PROJECT as PROJECT,
  gcpProviderName,
} from '../helpers/cloud-ids.js';
import { outcome, sha256 as sha, spawnCli } from '../helpers/credentials-cli.js';
import { startFakeClouds } from '../helpers/fake-clouds.js';

const REGION = 'eu-north-1';
const PROVIDER = 'projects/604417293318/locations/global/workloadIdentityPools/gitlab-ci/providers/platform';
const TENANT = '9b2e4c71-6d3a-4f85-a0c9-3e71d5b82f46';
const CLIENT = 'd41a7e93-2c5b-4b06-8f1e-7a9c3d2e5b18';
// One GitLab id_token serves every provider, so all of them trust this audience.
const AUD = 'https://keyless.platform-team.dev';
const DB_PASSWORD = `Tm4'Yx$8Qv2\\Lr6Kw9Bn`;
const STRIPE = 'Hs3Fd8Jq1Zp6Wv4Nc9Xk2Lg';
const SENDGRID = 'Bq7Rn2Ym5Tc8Lx3Kd6Wf1Vh';

const start = () =>
  startFakeClouds((trust) => ({
    sts: { [ROLE]: { webIdentity: trust(AUD) } },
    secretsManager: {
      account: ACCOUNT,
      region: REGION,
      secrets: {
        'billing/db': {
          readers: [ROLE],
          versions: [currentVersion(JSON.stringify({ password: DB_PASSWORD }))],
        },
      },
    },
    gcp: { providers: { [gcpProviderName(PROVIDER)]: trust(AUD) } },
    gcpSecretManager: {
      secrets: {
        'projects/billing-prod/secrets/stripe-key': {
          accessors: [`project_path:${PROJECT}:ref_type:branch:ref:main`],
          versions: [{ data: STRIPE }],
        },
      },
    },
    entra: { [TENANT]: { [CLIENT]: trust(AUD) } },
    keyVault: {
      'billing-kv': {
        readers: [CLIENT],
        secrets: { sendgrid: { versions: [{ id: versionId(), value: SENDGRID }] } },
      },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;
let token: string;

beforeAll(async () => {
  clouds = await start();
  token = clouds.issuer.gitlab({ aud: AUD });
});
afterAll(() => clouds.close());

const run = (args: string[]) =>
  spawnCli(args, {
    ...process.env,
    NO_COLOR: '1',
    GITLAB_CI: 'true',
    KEYLESS_ID_TOKEN: token,
    CI_PROJECT_PATH: PROJECT,
  });

const HASH_CHILD = `const h=(n)=>require('crypto').createHash('sha256').update(process.env[n]??'').digest('hex');console.log(JSON.stringify({db:h('DB_PASSWORD'),stripe:h('STRIPE_KEY'),sendgrid:h('SENDGRID_API_KEY')}))`;

const awsFlags = (): string[] => [
  '--audience',
  AUD,
  '--aws-role',
  ROLE,
  '--aws-region',
  REGION,
  '--aws-sts-endpoint',
  clouds.sts.endpoint,
  '--aws-secrets-manager-endpoint',
  clouds.secretsManager.endpoint,
];

const flags = (): string[] => [
  ...awsFlags(),
  '--aws-secrets',
  'billing/db:password | DB_PASSWORD',
  '--gcp-workload-identity-provider',
  PROVIDER,
  '--gcp-sts-url',
  clouds.gcp.url,
  '--gcp-secret-manager-url',
  clouds.gcpSecretManager.url,
  '--gcp-project-id',
  'billing-prod',
  '--gcp-secrets',
  'stripe-key',
  '--azure-tenant-id',
  TENANT,
  '--azure-client-id',
  CLIENT,
  '--azure-authority-host',
  clouds.entra.url,
  '--azure-keyvault-url',
  clouds.keyVault.url,
  '--azure-keyvault-secrets',
  'billing-kv/sendgrid | SENDGRID_API_KEY',
];

describe('keyless credentials exec with secret managers', () => {
  it('gives AWS, GCP and Key Vault secrets to the command only; the audit names them without values', async () => {
    const audit = join(mkdtempSync(join(tmpdir(), 'credx-sm-')), 'audit.jsonl');
    const result = await run([
      'credentials',
      'exec',
      ...flags(),
      '--audit',
      audit,
      '--',
      process.execPath,
      '-e',
      HASH_CHILD,
    ]);
    expect(result.stderr).not.toContain('keyless: error');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({
      db: sha(DB_PASSWORD),
      stripe: sha(STRIPE),
      sendgrid: sha(SENDGRID),
    });
    expect(result.stderr).toMatch(/aws-secrets-manager \(DB_PASSWORD\)/);
    const text = readFileSync(audit, 'utf8');
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; provider: string; what: Record<string, unknown> });
    expect(records.map((r) => `${r.event} ${r.provider}`)).toEqual([
      'granted aws',
      'granted gcp',
      'granted azure',
      'granted aws-secrets-manager',
      'granted gcp-secret-manager',
      'granted azure-key-vault',
    ]);
    expect(records[4]!.what).toEqual({
      secrets: ['projects/billing-prod/secrets/stripe-key/versions/latest'],
      names: ['STRIPE_KEY'],
    });
    for (const secret of [DB_PASSWORD, STRIPE, SENDGRID, token])
      for (const out of [result.stdout, result.stderr, text]) expect(out.includes(secret)).toBe(false);
  });

  it('env prints export lines that survive eval, for repeated --aws-secrets', async () => {
    const result = await run([
      'credentials',
      'env',
      ...awsFlags(),
      '--aws-secrets',
      'billing/db:password | DB_PASSWORD',
      '--aws-secrets',
      'billing/db:password | DB_PASSWORD_AGAIN',
    ]);
    expect(result.code).toBe(0);
    const { stdout: out } = await outcome(
      spawn('bash', ['-c', `${result.stdout}\nprintf '%s\\n%s' "$DB_PASSWORD" "$DB_PASSWORD_AGAIN"`]),
    );
    expect(out).toBe(`${DB_PASSWORD}\n${DB_PASSWORD}`);
    expect(result.stderr.includes(DB_PASSWORD)).toBe(false);
  });
});
