import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BILLING_ROLE as ROLE, GITLAB_PROJECT as PROJECT, VAULT_AUD as AUD } from '../helpers/cloud-ids.js';
import { sha256 as sha, spawnCli } from '../helpers/credentials-cli.js';
import { startFakeClouds, vaultRole } from '../helpers/fake-clouds.js';

// A quote, a dollar and a backslash: the export lines must survive `eval` unchanged.
const API_KEY = `Zr8'Wq$3vLk\\Np7"Tx2Hc`;

const start = () =>
  startFakeClouds((trust) => ({
    sts: { [ROLE]: { webIdentity: trust(AUD, { project_path: PROJECT }) } },
    vault: {
      roles: {
        billing: vaultRole(trust(AUD), ['secret/data/ci/', 'database/creds/']),
      },
      kv2: { 'ci/billing': { api_key: API_KEY } },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;
let token: string;

beforeAll(async () => {
  clouds = await start();
  token = clouds.issuer.gitlab({ aud: AUD });
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnCli(args, {
    ...process.env,
    NO_COLOR: '1',
    KEYLESS_ID_TOKEN: token,
    CI_PROJECT_PATH: PROJECT,
    ...env,
  });

const HASH_CHILD = `const h=(n)=>require('crypto').createHash('sha256').update(process.env[n]??'').digest('hex');console.log(JSON.stringify({aws:h('AWS_SECRET_ACCESS_KEY'),key:h('BILLING_API_KEY'),region:process.env.AWS_REGION,idToken:process.env.KEYLESS_ID_TOKEN!==undefined}))`;

const providerFlags = (): string[] => [
  '--aws-role',
  ROLE,
  '--aws-region',
  'eu-north-1',
  '--aws-sts-endpoint',
  clouds.sts.endpoint,
  '--vault-url',
  clouds.vault.address,
  '--vault-role',
  'billing',
  '--vault-secrets',
  'secret/data/ci/billing api_key | BILLING_API_KEY',
  '--vault-secrets',
  'database/creds/billing-rw password | DB_PASSWORD',
  '--audience',
  AUD,
];

function secretsIssued(): string[] {
  const aws = [...clouds.sts.sessions.values()].flatMap((s) => [s.secret, s.sessionToken]);
  const leases = [...clouds.vault.leases.values()].flatMap((data) => Object.values(data));
  return [...aws, ...leases, ...clouds.vault.tokens.keys(), API_KEY, token, token.split('.')[2]!];
}

function expectClean(...outputs: string[]): void {
  for (const secret of secretsIssued())
    for (const out of outputs)
      if (out.includes(secret)) throw new Error(`a secret value leaked at index ${out.indexOf(secret)}`);
}

describe('keyless credentials exec', () => {
  it('gives AWS and Vault values to the command only, exits with its code and revokes Vault after', async () => {
    const audit = join(mkdtempSync(join(tmpdir(), 'credx-')), 'audit.jsonl');
    const result = await run([
      'credentials',
      'exec',
      ...providerFlags(),
      '--audit',
      audit,
      '--',
      process.execPath,
      '-e',
      `${HASH_CHILD};process.exit(7)`,
    ]);
    expect(result.stderr).not.toContain('keyless: error');
    expect(result.code).toBe(7);
    const child = JSON.parse(result.stdout.trim()) as {
      aws: string;
      key: string;
      region: string;
      idToken: boolean;
    };
    const session = [...clouds.sts.sessions.values()].at(-1);
    // The identity token that minted them is not passed on to the command.
    expect(child).toEqual({
      aws: sha(session!.secret),
      key: sha(API_KEY),
      region: 'eu-north-1',
      idToken: false,
    });
    expect(clouds.vault.revokedLeases).toHaveLength(1);
    expect(clouds.vault.revokedTokens).toHaveLength(1);
    expect(result.stderr).toContain('until');
    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r: { event: string; provider: string }) => `${r.event} ${r.provider}`)).toEqual([
      'granted aws',
      'granted vault',
      'revoked vault',
    ]);
    expect(records[0].who.repository).toBe(PROJECT);
    expectClean(result.stdout, result.stderr, readFileSync(audit, 'utf8'));
  });

  it('revokes when the command dies of a signal and reports 128 + the signal', async () => {
    const result = await run([
      'credentials',
      'exec',
      ...providerFlags(),
      '--',
      process.execPath,
      '-e',
      "process.kill(process.pid, 'SIGTERM')",
    ]);
    expect(result.code).toBe(143);
    expect(clouds.vault.revokedTokens).toHaveLength(1);
    expectClean(result.stdout, result.stderr);
  });

  it('refuses a claim mismatch before contacting any provider, without printing the token', async () => {
    const result = await run(
      ['credentials', 'exec', ...providerFlags(), '--', process.execPath, '-e', 'console.log("ran")'],
      { KEYLESS_EXPECT_PROJECT_PATH: 'platform-team/payments', KEYLESS_EXPECT_REF_PROTECTED: 'true' },
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('project_path');
    expect(result.stderr).toContain('platform-team/payments');
    expect(clouds.sts.calls).toEqual([]);
    expect(clouds.vault.requests).toEqual([]);
    expectClean(result.stderr);
  });

  it('names an unknown option and a missing command (revoking what it got)', async () => {
    const unknown = await run(['credentials', 'exec', '--aws-rol', ROLE, '--', 'true']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option --aws-rol');
    const missing = await run(['credentials', 'exec', ...providerFlags()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('expected a command after --');
    expect(clouds.vault.revokedTokens).toHaveLength(1);
    const noToken = await run(['credentials', 'exec', ...providerFlags(), '--', 'true'], {
      GITLAB_CI: 'true',
      KEYLESS_ID_TOKEN: '',
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('id_tokens');
  });
});

describe('keyless credentials env', () => {
  it('prints export lines that sh can eval, from KEYLESS_* variables, and says when they expire', async () => {
    const result = await run(['credentials', 'env', '--token-env', 'CI_JOB_JWT_V2'], {
      KEYLESS_ID_TOKEN: '',
      CI_JOB_JWT_V2: token,
      KEYLESS_VAULT_URL: clouds.vault.address,
      KEYLESS_VAULT_ROLE: 'billing',
      KEYLESS_VAULT_SECRETS: 'secret/data/ci/billing api_key | BILLING_API_KEY',
      KEYLESS_AWS_ROLE: ROLE,
      KEYLESS_AWS_REGION: 'eu-north-1',
      KEYLESS_AWS_STS_ENDPOINT: clouds.sts.endpoint,
      KEYLESS_AUDIENCE: AUD,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^export BILLING_API_KEY='/m);
    const shell = spawnSync(
      'sh',
      ['-c', `eval "$1" && ${JSON.stringify(process.execPath)} -e "$2"`, 'sh', result.stdout, HASH_CHILD],
      { encoding: 'utf8', env: { PATH: process.env['PATH'] } },
    );
    expect(shell.status).toBe(0);
    const session = [...clouds.sts.sessions.values()].at(-1);
    expect(JSON.parse(shell.stdout)).toEqual({
      aws: sha(session!.secret),
      key: sha(API_KEY),
      region: 'eu-north-1',
      idToken: false,
    });
    expect(result.stderr).toMatch(/until \d{4}-\d\d-\d\dT/);
    expect(result.stderr).toContain('not revoked by env');
    expect(clouds.vault.revokedTokens).toEqual([]);
    expectClean(result.stderr);
  });
});
