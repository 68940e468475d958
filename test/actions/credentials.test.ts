import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import {
  ACCOUNT,
  expectMasksFirst,
  expectNowhere,
  REPO,
  ROLE,
  startFakes,
  VAULT_AUD,
} from './credentials-fixtures.js';
import type { Fakes } from './credentials-fixtures.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(async () => {
  await fakes.close();
});

const aws = () => ({
  'aws-role': ROLE,
  'aws-region': 'eu-central-1',
  'aws-sts-endpoint': fakes.sts.endpoint,
  'expect-repository': REPO,
});

function awsSecrets(): { key: string; secret: string; session: string } {
  const sessions = [...fakes.sts.sessions.entries()];
  const [key, session] = sessions[sessions.length - 1]!;
  return { key, secret: session.secret, session: session.sessionToken };
}

describe('keyless credentials action', () => {
  it('exports AWS credentials to later steps, masked first, and empties them in post', async () => {
    const audit = join(tmpdir(), `keyless-audit-${process.pid}-${Date.now()}.jsonl`);
    const run = await runCredentialsAction({
      inputs: { ...aws(), 'audit-file': audit },
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    const { key, secret, session } = awsSecrets();
    expect(run.main.env).toMatchObject({
      AWS_ACCESS_KEY_ID: key,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_SESSION_TOKEN: session,
      AWS_REGION: 'eu-central-1',
    });
    expectMasksFirst(run.main, [key, secret, session]);
    expect(run.main.outputs['aws-account-id']).toBe(ACCOUNT);
    expect(Date.parse(run.main.outputs['expires-at'] ?? '')).toBeGreaterThan(Date.now());
    expect(run.main.summary).toContain('granted');
    expect(fakes.idToken.requests.at(-1)).toMatchObject({ audience: 'sts.amazonaws.com', authorized: true });

    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toEqual([expect.objectContaining({ event: 'granted', provider: 'aws' })]);
    for (const value of [key, secret, session]) expect(readFileSync(audit, 'utf8')).not.toContain(value);

    expect(run.post.code).toBe(0);
    expect(run.post.env['AWS_SECRET_ACCESS_KEY']).toBe('');
    expect(run.post.env['AWS_SESSION_TOKEN']).toBe('');
    expect(run.post.stdout).not.toContain('::warning::');
    expectNowhere(run, [key, secret, session]);
  });

  it('revokes the Vault dynamic secret lease and the token in post', async () => {
    const audit = join(tmpdir(), `keyless-audit-vault-${process.pid}-${Date.now()}.jsonl`);
    const run = await runCredentialsAction({
      inputs: {
        'audit-file': audit,
        'vault-url': fakes.vault.address,
        'vault-role': 'ledger',
        'vault-audience': VAULT_AUD,
        'vault-secrets':
          'database/creds/ledger username | DB_USER\ndatabase/creds/ledger password | DB_PASSWORD\nsecret/data/ci/ledger api_key | LEDGER_KEY',
      },
      idToken: fakes.idToken,
      between: () => {
        expect(fakes.vault.revokedLeases).toEqual([]);
        expect(fakes.vault.revokedTokens).toEqual([]);
      },
    });
    expect(run.main.code).toBe(0);
    const [token, session] = [...fakes.vault.tokens.entries()].at(-1)!;
    const password = run.main.env['DB_PASSWORD'] ?? '';
    expect([...fakes.vault.leases.values()].map((l) => l['password'])).toContain(password);
    expect(run.main.env['LEDGER_KEY']).toBe('Tq7mW2xRb9LkP4vZc8NhJ3sF');
    expect(run.main.env).not.toHaveProperty('VAULT_TOKEN');
    expectMasksFirst(run.main, [password, token]);

    expect(run.post.code).toBe(0);
    expect(fakes.vault.revokedLeases).toEqual(session.leases);
    expect(session.leases).toHaveLength(1);
    expect(fakes.vault.revokedTokens).toEqual([token]);
    expect(run.post.env['DB_PASSWORD']).toBe('');
    expect(run.post.stdout).not.toContain('::warning::');
    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; provider: string; what: Record<string, unknown> });
    expect(records.map((r) => `${r.event} ${r.provider}`)).toEqual(['granted vault', 'revoked vault']);
    expect(records[1]?.what['leases']).toEqual(session.leases);
    expect(run.post.summary).toContain('revoked');
    expect(readFileSync(audit, 'utf8')).not.toContain(token);
    expectNowhere(run, [password, token, 'Tq7mW2xRb9LkP4vZc8NhJ3sF']);
  });

  it('revokes the GitHub STS token in post against the run API', async () => {
    const run = await runCredentialsAction({
      inputs: { 'github-sts': fakes.octo.url, 'github-scope': REPO, 'github-identity': 'deploy' },
      idToken: fakes.idToken,
      apiUrl: fakes.octo.url,
      between: () => expect(fakes.octo.revoked).toEqual([]),
    });
    expect(run.main.code).toBe(0);
    const token = run.main.env['GH_TOKEN'] ?? '';
    expect(fakes.octo.tokens.has(token)).toBe(true);
    expectMasksFirst(run.main, [token]);
    expect(run.post.code).toBe(0);
    expect(fakes.octo.revoked).toEqual([token]);
    expect(run.post.env['GH_TOKEN']).toBe('');
    expectNowhere(run, [token]);
  });

  it('warns (and does not fail) when the GitHub token cannot be revoked', async () => {
    const run = await runCredentialsAction({
      inputs: { 'github-sts': fakes.octo.url, 'github-scope': REPO, 'github-identity': 'deploy' },
      idToken: fakes.idToken,
      apiUrl: fakes.octo.url,
      between: () => {
        fakes.octo.failures.push({ status: 503, times: 5, match: '/installation/token' });
      },
    });
    expect(run.main.code).toBe(0);
    const token = run.main.env['GH_TOKEN'] ?? '';
    expect(run.post.code).toBe(0);
    expect(fakes.octo.revoked).not.toContain(token);
    expect(run.post.stdout).toMatch(
      /::warning::keyless credentials post: revoke failed: GitHub installation token revoke failed after 3 attempts: .*HTTP 503/,
    );
    expect(run.post.summary).toContain('revoke-failed');
    expect(run.post.env['GH_TOKEN']).toBe('');
    fakes.octo.failures.length = 0;
    expectNowhere(run, [token]);
  });

  it('writes AWS shared credentials 0600 in RUNNER_TEMP for export: file and deletes them in post', async () => {
    let path = '';
    const run = await runCredentialsAction({
      inputs: { ...aws(), export: 'file' },
      idToken: fakes.idToken,
      between: (main) => {
        path = main.env['AWS_SHARED_CREDENTIALS_FILE'] ?? '';
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const { key, secret } = awsSecrets();
        const text = readFileSync(path, 'utf8');
        expect(text).toContain(`aws_access_key_id = ${key}`);
        expect(text).toContain(`aws_secret_access_key = ${secret}`);
        expect(readFileSync(main.env['AWS_CONFIG_FILE'] ?? '', 'utf8')).toContain('region = eu-central-1');
      },
    });
    expect(run.main.code).toBe(0);
    expect(path.startsWith(run.dir)).toBe(true);
    expect(run.main.env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(run.main.env['AWS_REGION']).toBe('eu-central-1');
    expect(run.post.code).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(run.post.env['AWS_SHARED_CREDENTIALS_FILE']).toBe('');
    const { key, secret, session } = awsSecrets();
    expectNowhere(run, [key, secret, session]);
  });

  it('sets secret outputs only with export: outputs', async () => {
    const run = await runCredentialsAction({
      inputs: { ...aws(), export: 'outputs' },
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    const { key, secret, session } = awsSecrets();
    expect(run.main.outputs).toMatchObject({ 'aws-access-key-id': key, 'aws-secret-access-key': secret });
    expect(run.main.env).toEqual({});
    expectMasksFirst(run.main, [key, secret, session]);
    expectNowhere(run, [key, secret, session], { outputs: true });
  });
});
