import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_CLI } from '../helpers/run-cli.js';
import { currentVersion, startFakeSecretsManager } from '../fakes/aws-secrets-manager.js';
import type { FakeSecretsManager } from '../fakes/aws-secrets-manager.js';
import { startFakeSts } from '../fakes/aws-sts.js';
import type { FakeSts } from '../fakes/aws-sts.js';
import { startFakeKeyVault, versionId } from '../fakes/azure-key-vault.js';
import type { FakeKeyVault } from '../fakes/azure-key-vault.js';
import { startFakeEntra } from '../fakes/entra.js';
import type { FakeEntra } from '../fakes/entra.js';
import { startFakeGcp } from '../fakes/gcp.js';
import type { FakeGcp } from '../fakes/gcp.js';
import { startFakeSecretManager } from '../fakes/gcp-secret-manager.js';
import type { FakeSecretManager } from '../fakes/gcp-secret-manager.js';
import { startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';

/** KEYLESS_CLI points at a private build (`npx tsc -p tsconfig.build.json --outDir DIR`). */
const cli = process.env['KEYLESS_CLI'] ?? BUILT_CLI;
const ACCOUNT = '730512948163';
const REGION = 'eu-north-1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/billing-deploy`;
const PROVIDER = 'projects/604417293318/locations/global/workloadIdentityPools/gitlab-ci/providers/platform';
const TENANT = '9b2e4c71-6d3a-4f85-a0c9-3e71d5b82f46';
const CLIENT = 'd41a7e93-2c5b-4b06-8f1e-7a9c3d2e5b18';
// One GitLab id_token serves every provider, so all of them trust this audience.
const AUD = 'https://keyless.platform-team.dev';
const PROJECT = 'platform-team/billing-worker';
const DB_PASSWORD = `Tm4'Yx$8Qv2\\Lr6Kw9Bn`;
const STRIPE = 'Hs3Fd8Jq1Zp6Wv4Nc9Xk2Lg';
const SENDGRID = 'Bq7Rn2Ym5Tc8Lx3Kd6Wf1Vh';

let issuer: OidcIssuer;
let sts: FakeSts;
let awsSm: FakeSecretsManager;
let gcp: FakeGcp;
let gcpSm: FakeSecretManager;
let entra: FakeEntra;
let kv: FakeKeyVault;
let token: string;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  const trust = { issuer: issuer.issuer, jwksUri: issuer.jwksUri, audiences: [AUD] };
  sts = await startFakeSts({ [ROLE]: { webIdentity: trust } });
  awsSm = await startFakeSecretsManager(
    sts,
    {
      'billing/db': {
        readers: [ROLE],
        versions: [currentVersion(JSON.stringify({ password: DB_PASSWORD }))],
      },
    },
    { account: ACCOUNT, region: REGION },
  );
  gcp = await startFakeGcp({
    providers: { [`//iam.googleapis.com/${PROVIDER}`]: trust },
    serviceAccounts: {},
  });
  gcpSm = await startFakeSecretManager((t) => gcp.federated.get(t), {
    'projects/billing-prod/secrets/stripe-key': {
      accessors: [`project_path:${PROJECT}:ref_type:branch:ref:main`],
      versions: [{ data: STRIPE }],
    },
  });
  entra = await startFakeEntra({ [TENANT]: { [CLIENT]: trust } });
  kv = await startFakeKeyVault(entra, {
    'billing-kv': {
      readers: [CLIENT],
      secrets: { sendgrid: { versions: [{ id: versionId(), value: SENDGRID }] } },
    },
  });
  token = issuer.gitlab({ aud: AUD });
});
afterAll(async () => {
  await Promise.all([awsSm.close(), sts.close(), gcpSm.close(), gcp.close(), kv.close(), entra.close()]);
  await issuer.close();
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: {
        ...process.env,
        NO_COLOR: '1',
        GITLAB_CI: 'true',
        KEYLESS_ID_TOKEN: token,
        CI_PROJECT_PATH: PROJECT,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sha = (value: string): string => createHash('sha256').update(value).digest('hex');
const HASH_CHILD = `const h=(n)=>require('crypto').createHash('sha256').update(process.env[n]??'').digest('hex');console.log(JSON.stringify({db:h('DB_PASSWORD'),stripe:h('STRIPE_KEY'),sendgrid:h('SENDGRID_API_KEY')}))`;

const flags = (): string[] => [
  '--audience',
  AUD,
  '--aws-role',
  ROLE,
  '--aws-region',
  REGION,
  '--aws-sts-endpoint',
  sts.endpoint,
  '--aws-secrets-manager-endpoint',
  awsSm.endpoint,
  '--aws-secrets',
  'billing/db:password | DB_PASSWORD',
  '--gcp-workload-identity-provider',
  PROVIDER,
  '--gcp-sts-url',
  gcp.url,
  '--gcp-secret-manager-url',
  gcpSm.url,
  '--gcp-project-id',
  'billing-prod',
  '--gcp-secrets',
  'stripe-key',
  '--azure-tenant-id',
  TENANT,
  '--azure-client-id',
  CLIENT,
  '--azure-authority-host',
  entra.url,
  '--azure-keyvault-url',
  kv.url,
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
      '--audience',
      AUD,
      '--aws-role',
      ROLE,
      '--aws-region',
      REGION,
      '--aws-sts-endpoint',
      sts.endpoint,
      '--aws-secrets-manager-endpoint',
      awsSm.endpoint,
      '--aws-secrets',
      'billing/db:password | DB_PASSWORD',
      '--aws-secrets',
      'billing/db:password | DB_PASSWORD_AGAIN',
    ]);
    expect(result.code).toBe(0);
    const shell = spawn('bash', [
      '-c',
      `${result.stdout}\nprintf '%s\\n%s' "$DB_PASSWORD" "$DB_PASSWORD_AGAIN"`,
    ]);
    let out = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((done) => shell.on('close', done));
    expect(out).toBe(`${DB_PASSWORD}\n${DB_PASSWORD}`);
    expect(result.stderr.includes(DB_PASSWORD)).toBe(false);
  });
});
