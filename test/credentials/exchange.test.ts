import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { renderAuditLines, renderAuditMarkdown } from '../../credentials/audit.js';
import type { AuditRecord } from '../../credentials/audit.js';
import { obtainCredentials, revokeAll } from '../../credentials/exchange.js';
import { GitlabIdentity } from '../../credentials/identity/index.js';
import { parseRequest } from '../../credentials/request.js';
import { CredentialError } from '../../credentials/types.js';
import {
  LEDGER_ACCOUNT as ACCOUNT,
  LEDGER_ROLE as DEPLOY,
  REPO,
  STS_AUD,
  VAULT_AUD,
} from '../helpers/cloud-ids.js';
import { actionsIdentity, startFakeClouds, vaultRole } from '../helpers/fake-clouds.js';
import { expectNoSecrets, failure, instantRetry } from './providers/helpers.js';

const LOCKED = `arn:aws:iam::${ACCOUNT}:role/ledger-locked`;
const DEPLOY_KEY = 'Hq4vT9wLm2Rz7XcKp3Nb8Fd';

const start = () =>
  startFakeClouds((trust) => ({
    idToken: true,
    sts: {
      [DEPLOY]: { webIdentity: trust([STS_AUD, VAULT_AUD], { repository: REPO }) },
      [LOCKED]: { webIdentity: trust([STS_AUD], { repository: 'northwind-labs/other' }) },
    },
    vault: {
      roles: {
        ledger: vaultRole(trust(VAULT_AUD), ['secret/data/ci/', 'database/creds/']),
      },
      kv2: { 'ci/ledger': { api_key: DEPLOY_KEY } },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const github = () => actionsIdentity(clouds.idToken);

function request(extra: Record<string, string> = {}) {
  return parseRequest({
    'vault-url': clouds.vault.address,
    'vault-role': 'ledger',
    'vault-audience': VAULT_AUD,
    'vault-secrets':
      'secret/data/ci/ledger api_key | LEDGER_KEY\ndatabase/creds/ledger-rw password | DB_PASSWORD',
    'aws-role': DEPLOY,
    'aws-region': 'eu-central-1',
    'aws-sts-endpoint': clouds.sts.endpoint,
    'expect-repository': REPO,
    ...extra,
  });
}

const allValues = (creds: { values: { value: string; secret: boolean }[] }[]) =>
  creds.flatMap((c) => c.values.filter((v) => v.secret).map((v) => v.value));

describe('obtainCredentials', () => {
  it('gets AWS and Vault credentials in one step, one token per audience, with a secret-free audit', async () => {
    const seen: AuditRecord[] = [];
    const result = await obtainCredentials(request(), {
      identity: github(),
      retry: instantRetry(),
      runInfo: { repository: REPO, runId: '7730215', runAttempt: '2' },
      onAudit: (r) => seen.push(r),
    });
    expect(result.credentials.map((c) => c.provider)).toEqual(['vault', 'aws']);
    const names = result.credentials.flatMap((c) => c.values.map((v) => v.name));
    expect(names).toEqual(expect.arrayContaining(['LEDGER_KEY', 'DB_PASSWORD', 'AWS_ACCESS_KEY_ID']));
    expect(result.credentials[0]!.values.find((v) => v.name === 'LEDGER_KEY')?.value).toBe(DEPLOY_KEY);
    expect(clouds.idToken.requests.map((r) => r.audience).sort()).toEqual(
      [VAULT_AUD, 'sts.amazonaws.com'].sort(),
    );
    const assume = clouds.sts.calls.find((c) => c.action === 'AssumeRoleWithWebIdentity');
    expect(assume?.params['RoleSessionName']).toBe('keyless-ledger-api-7730215-2');

    expect(result.audit.map((r) => [r.event, r.provider])).toEqual([
      ['granted', 'vault'],
      ['granted', 'aws'],
    ]);
    expect(seen).toEqual(result.audit);
    const aws = result.audit[1]!;
    expect(aws.who).toMatchObject({
      repository: REPO,
      sub: `repo:${REPO}:environment:production`,
      run: '7730215/2',
    });
    expect(aws.expiresAt).toBe(result.credentials[1]!.expiresAt!.toISOString());
    const lines = renderAuditLines(result.audit);
    expect(
      lines
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).provider),
    ).toEqual(['vault', 'aws']);
    const secrets = allValues(result.credentials);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    expectNoSecrets(lines + renderAuditMarkdown(result.audit), secrets);

    await revokeAll(result.credentials);
    expect(clouds.vault.revokedLeases).toHaveLength(1);
    expect(clouds.vault.revokedTokens).toHaveLength(1);
  });

  it('refuses on a claim mismatch before any token reaches a provider', async () => {
    const seen: AuditRecord[] = [];
    const error = await failure(
      obtainCredentials(
        request({ 'expect-repository': 'northwind-labs/payments', 'expect-ref': 'refs/tags/*' }),
        {
          identity: github(),
          retry: instantRetry(),
          onAudit: (r) => seen.push(r),
        },
      ),
    );
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).kind).toBe('claims');
    expect(error.message).toContain('repository');
    expect(error.message).toContain('northwind-labs/payments');
    expect(error.message).toContain('ref');
    expect(clouds.sts.calls).toEqual([]);
    expect(clouds.vault.requests).toEqual([]);
    expect(seen.map((r) => [r.event, r.provider, r.error?.kind])).toEqual([['refused', 'vault', 'claims']]);
  });

  it('checks the audience of a single-audience (GitLab) token for every provider before exchanging', async () => {
    const token = clouds.issuer.gitlab({ aud: VAULT_AUD });
    const error = await failure(
      obtainCredentials(request(), { identity: new GitlabIdentity({ variable: 'ID', value: token }) }),
    );
    expect((error as CredentialError).kind).toBe('claims');
    expect(error.message).not.toContain(token);
    expect(clouds.vault.requests).toEqual([]);
    expect(clouds.sts.calls).toEqual([]);
  });

  it('revokes the Vault lease and token when the later AWS exchange fails, then rethrows', async () => {
    const seen: AuditRecord[] = [];
    const error = await failure(
      obtainCredentials(request({ 'aws-role': LOCKED }), {
        identity: github(),
        retry: instantRetry(),
        onAudit: (r) => seen.push(r),
      }),
    );
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).kind).toBe('auth');
    expect(clouds.vault.revokedLeases).toHaveLength(1);
    expect(clouds.vault.revokedLeases[0]).toMatch(/^database\/creds\/ledger-rw\//);
    expect(clouds.vault.revokedTokens).toHaveLength(1);
    expect(seen.map((r) => [r.event, r.provider])).toEqual([
      ['granted', 'vault'],
      ['failed', 'aws'],
      ['revoked', 'vault'],
    ]);
    expect(seen[1]!.what).toEqual({ roleArn: LOCKED });
    expectNoSecrets(renderAuditLines(seen), [DEPLOY_KEY, ...[...clouds.vault.tokens.keys()]]);
  });

  it('uses the shared audience for a GitLab token and reports a failed revoke without stopping', async () => {
    const token = clouds.issuer.gitlab({ aud: VAULT_AUD, project_path: REPO, repository: REPO });
    const result = await obtainCredentials(
      parseRequest({
        'vault-url': clouds.vault.address,
        'vault-role': 'ledger',
        'vault-secrets': 'secret/data/ci/ledger api_key',
        'aws-role': DEPLOY,
        'aws-region': 'eu-central-1',
        'aws-sts-endpoint': clouds.sts.endpoint,
        audience: VAULT_AUD,
      }),
      { identity: new GitlabIdentity({ variable: 'KEYLESS_ID_TOKEN', value: token }), retry: instantRetry() },
    );
    expect(result.credentials).toHaveLength(2);
    expect(result.audit[0]!.who.repository).toBe(REPO);
    const broken = {
      provider: 'github',
      values: [],
      grant: {},
      revoke: async () => {
        throw new Error('network down');
      },
    };
    const undone = await revokeAll([...result.credentials, broken]);
    expect(undone.audit.map((r) => [r.event, r.provider])).toEqual([
      ['revoke-failed', 'github'],
      ['revoked', 'vault'],
    ]);
    expect(undone.warnings[0]).toContain('network down');
  });
});
