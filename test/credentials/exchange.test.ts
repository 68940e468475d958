import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { renderAuditLines, renderAuditMarkdown } from '../../credentials/audit.js';
import type { AuditRecord } from '../../credentials/audit.js';
import { obtainCredentials, revokeAll } from '../../credentials/exchange.js';
import { GithubActionsIdentity, GitlabIdentity } from '../../credentials/identity/index.js';
import { parseRequest } from '../../credentials/request.js';
import { CredentialError } from '../../credentials/types.js';
import { startFakeSts } from '../fakes/aws-sts.js';
import type { FakeSts } from '../fakes/aws-sts.js';
import { startGithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import type { GithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import { startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';
import { startFakeVault } from '../fakes/vault.js';
import type { FakeVault } from '../fakes/vault.js';
import { expectNoSecrets, failure, instantRetry } from './providers/helpers.js';

const ACCOUNT = '530817264913';
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/ledger-deploy`;
const LOCKED = `arn:aws:iam::${ACCOUNT}:role/ledger-locked`;
const VAULT_AUD = 'https://vault.northwind-labs.dev';
const DEPLOY_KEY = 'Hq4vT9wLm2Rz7XcKp3Nb8Fd';
const REPO = 'northwind-labs/ledger-api';

let issuer: OidcIssuer;
let sts: FakeSts;
let vault: FakeVault;
let idEndpoint: GithubIdTokenEndpoint;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  idEndpoint = await startGithubIdTokenEndpoint(issuer);
  const trust = (audiences: string[], repository: string) => ({
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    audiences,
    claims: { repository },
  });
  sts = await startFakeSts({
    [DEPLOY]: { webIdentity: trust(['sts.amazonaws.com', VAULT_AUD], REPO) },
    [LOCKED]: { webIdentity: trust(['sts.amazonaws.com'], 'northwind-labs/other') },
  });
  vault = await startFakeVault({
    roles: {
      ledger: {
        issuer: issuer.issuer,
        jwksUri: issuer.jwksUri,
        boundAudiences: [VAULT_AUD],
        allow: ['secret/data/ci/', 'database/creds/'],
      },
    },
    kv2: { 'ci/ledger': { api_key: DEPLOY_KEY } },
  });
});
afterAll(async () => {
  await Promise.all([vault.close(), sts.close(), idEndpoint.close()]);
  await issuer.close();
});
beforeEach(() => {
  sts.calls.length = 0;
  vault.requests.length = 0;
  vault.revokedLeases.length = 0;
  vault.revokedTokens.length = 0;
  idEndpoint.requests.length = 0;
});

const github = () =>
  new GithubActionsIdentity({ requestUrl: idEndpoint.requestUrl, requestToken: idEndpoint.requestToken });

function request(extra: Record<string, string> = {}) {
  return parseRequest({
    'vault-url': vault.address,
    'vault-role': 'ledger',
    'vault-audience': VAULT_AUD,
    'vault-secrets':
      'secret/data/ci/ledger api_key | LEDGER_KEY\ndatabase/creds/ledger-rw password | DB_PASSWORD',
    'aws-role': DEPLOY,
    'aws-region': 'eu-central-1',
    'aws-sts-endpoint': sts.endpoint,
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
    expect(idEndpoint.requests.map((r) => r.audience).sort()).toEqual(
      [VAULT_AUD, 'sts.amazonaws.com'].sort(),
    );
    const assume = sts.calls.find((c) => c.action === 'AssumeRoleWithWebIdentity');
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
    expect(vault.revokedLeases).toHaveLength(1);
    expect(vault.revokedTokens).toHaveLength(1);
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
    expect(sts.calls).toEqual([]);
    expect(vault.requests).toEqual([]);
    expect(seen.map((r) => [r.event, r.provider, r.error?.kind])).toEqual([['refused', 'vault', 'claims']]);
  });

  it('checks the audience of a single-audience (GitLab) token for every provider before exchanging', async () => {
    const token = issuer.gitlab({ aud: VAULT_AUD });
    const error = await failure(
      obtainCredentials(request(), { identity: new GitlabIdentity({ variable: 'ID', value: token }) }),
    );
    expect((error as CredentialError).kind).toBe('claims');
    expect(error.message).not.toContain(token);
    expect(vault.requests).toEqual([]);
    expect(sts.calls).toEqual([]);
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
    expect(vault.revokedLeases).toHaveLength(1);
    expect(vault.revokedLeases[0]).toMatch(/^database\/creds\/ledger-rw\//);
    expect(vault.revokedTokens).toHaveLength(1);
    expect(seen.map((r) => [r.event, r.provider])).toEqual([
      ['granted', 'vault'],
      ['failed', 'aws'],
      ['revoked', 'vault'],
    ]);
    expect(seen[1]!.what).toEqual({ roleArn: LOCKED });
    expectNoSecrets(renderAuditLines(seen), [DEPLOY_KEY, ...[...vault.tokens.keys()]]);
  });

  it('uses the shared audience for a GitLab token and reports a failed revoke without stopping', async () => {
    const token = issuer.gitlab({ aud: VAULT_AUD, project_path: REPO, repository: REPO });
    const result = await obtainCredentials(
      parseRequest({
        'vault-url': vault.address,
        'vault-role': 'ledger',
        'vault-secrets': 'secret/data/ci/ledger api_key',
        'aws-role': DEPLOY,
        'aws-region': 'eu-central-1',
        'aws-sts-endpoint': sts.endpoint,
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
