import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AwsProvider } from '../../../credentials/providers/aws.js';
import { CredentialError } from '../../../credentials/types.js';
import { startOidcIssuer } from '../../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../../fakes/oidc-issuer.js';
import { startFakeSts } from '../../fakes/aws-sts.js';
import { startSilentServer } from '../../fakes/silent-server.js';
import type { FakeSts } from '../../fakes/aws-sts.js';
import { expectNoSecrets, failure, identity, instantRetry } from './helpers.js';

const ACCOUNT = '418273605914';
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/gh-deploy`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/release-admin`;
const SUB = 'repo:northwind-labs/ledger-api:environment:production';

let issuer: OidcIssuer;
let sts: FakeSts;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sts = await startFakeSts();
});
afterAll(async () => {
  await sts.close();
  await issuer.close();
});
beforeEach(() => {
  sts.calls.length = 0;
  sts.failures.length = 0;
  sts.sessions.clear();
  sts.roles[DEPLOY] = {
    webIdentity: {
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri,
      audiences: ['sts.amazonaws.com'],
      claims: { sub: SUB },
    },
    maxSessionDuration: 7200,
  };
  sts.roles[ADMIN] = { trustedRoles: [DEPLOY], externalId: 'ledger-release' };
});

const run = { repository: 'northwind-labs/ledger-api', runId: '8812734091', runAttempt: '2' };

describe('AwsProvider', () => {
  it('exchanges the job token through the real SDK and verifies the caller', async () => {
    const retry = instantRetry();
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry });
    const token = issuer.github();
    const creds = await provider.exchange(identity(token), {
      region: 'eu-west-1',
      roleArn: DEPLOY,
      run,
      durationSeconds: 5400,
      sessionPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
      managedPolicyArns: [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        `arn:aws:iam::${ACCOUNT}:policy/deploy-narrow`,
      ],
      allowedAccountIds: [ACCOUNT],
    });
    const web = sts.calls[0]!;
    expect(web.action).toBe('AssumeRoleWithWebIdentity');
    expect(web.params).toMatchObject({
      Version: '2011-06-15',
      RoleArn: DEPLOY,
      RoleSessionName: 'keyless-ledger-api-8812734091-2',
      DurationSeconds: '5400',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'PolicyArns.member.2.arn': `arn:aws:iam::${ACCOUNT}:policy/deploy-narrow`,
    });
    expect(web.params.WebIdentityToken).toBe(token);
    expect(JSON.parse(web.params.Policy!)).toEqual({ Version: '2012-10-17', Statement: [] });
    expect(sts.calls.map((c) => c.action)).toEqual(['AssumeRoleWithWebIdentity', 'GetCallerIdentity']);

    const value = (name: string) => creds.values.find((v) => v.name === name);
    const keyId = value('AWS_ACCESS_KEY_ID')!.value;
    const session = sts.sessions.get(keyId)!;
    expect(session.roleArn).toBe(DEPLOY);
    expect(value('AWS_SECRET_ACCESS_KEY')).toEqual({
      name: 'AWS_SECRET_ACCESS_KEY',
      value: session.secret,
      secret: true,
    });
    expect(value('AWS_SESSION_TOKEN')!.value).toBe(session.sessionToken);
    expect(value('AWS_REGION')).toEqual({ name: 'AWS_REGION', value: 'eu-west-1', secret: false });
    expect(sts.calls[1]!.signedBy).toBe(keyId);
    const seconds = (creds.expiresAt!.getTime() - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(5300);
    expect(seconds).toBeLessThanOrEqual(5400);
    expect(creds.grant).toMatchObject({
      account: ACCOUNT,
      roles: [DEPLOY],
      sessionName: 'keyless-ledger-api-8812734091-2',
    });
    expect(JSON.stringify(creds.grant)).not.toContain(session.secret);
    expect(retry.delays).toEqual([]);
  });

  it('chains into a second role with the first credentials', async () => {
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry: instantRetry() });
    const creds = await provider.exchange(identity(issuer.github()), {
      region: 'us-east-1',
      roleArn: DEPLOY,
      sessionName: 'ledger-release',
      chain: [{ roleArn: ADMIN, externalId: 'ledger-release', durationSeconds: 900 }],
    });
    expect(sts.calls.map((c) => c.action)).toEqual([
      'AssumeRoleWithWebIdentity',
      'AssumeRole',
      'GetCallerIdentity',
    ]);
    const firstKey = [...sts.sessions].find(([, s]) => s.roleArn === DEPLOY)![0];
    expect(sts.calls[1]!.signedBy).toBe(firstKey);
    expect(sts.calls[1]!.params).toMatchObject({
      RoleArn: ADMIN,
      ExternalId: 'ledger-release',
      DurationSeconds: '900',
    });
    const finalKey = creds.values.find((v) => v.name === 'AWS_ACCESS_KEY_ID')!.value;
    expect(sts.sessions.get(finalKey)!.roleArn).toBe(ADMIN);
    expect(creds.grant.roles).toEqual([DEPLOY, ADMIN]);
  });

  it('retries 5xx and throttling, then succeeds', async () => {
    sts.failures.push({ status: 503, times: 1, match: 'AssumeRoleWithWebIdentity' });
    sts.failures.push({ status: 400, code: 'Throttling', times: 1, match: 'GetCallerIdentity' });
    const retry = instantRetry(3);
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry });
    await provider.exchange(identity(issuer.github()), { region: 'eu-west-1', roleArn: DEPLOY });
    expect(sts.calls.map((c) => c.action)).toEqual([
      'AssumeRoleWithWebIdentity',
      'AssumeRoleWithWebIdentity',
      'GetCallerIdentity',
      'GetCallerIdentity',
    ]);
    expect(retry.delays).toHaveLength(2);
  });

  it('fails fast on AccessDenied with the likely cause and without the token', async () => {
    const retry = instantRetry(4);
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry });
    const token = issuer.github({ sub: 'repo:northwind-labs/ledger-api:pull_request' });
    const error = await failure(provider.exchange(identity(token), { region: 'eu-west-1', roleArn: DEPLOY }));
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).kind).toBe('auth');
    expect(error.message).toContain('AccessDenied');
    expect(error.message).toContain("the role's trust policy does not accept this token's sub/aud");
    expect(error.message).toContain('keyless credentials explain');
    expect(sts.calls).toHaveLength(1);
    expect(retry.delays).toEqual([]);
    expectNoSecrets(error.message + String(error.stack), [token]);
  });

  it('explains a token STS cannot verify and a malformed session policy', async () => {
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry: instantRetry() });
    const forged = issuer.github({}, { kid: 'not-listed' });
    const bad = await failure(provider.exchange(identity(forged), { region: 'eu-west-1', roleArn: DEPLOY }));
    expect(bad.message).toMatch(/InvalidIdentityToken.*IAM OIDC identity provider/);
    expectNoSecrets(bad.message, [forged]);
    const policy = await failure(
      provider.exchange(identity(issuer.github()), {
        region: 'eu-west-1',
        roleArn: DEPLOY,
        sessionPolicy: '{"Version":',
      }),
    );
    expect(policy.message).toMatch(/MalformedPolicyDocument.*not a valid IAM policy/);
  });

  it('gives up after the configured attempts on persistent 5xx', async () => {
    sts.failures.push({ status: 500, times: 10 });
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry: instantRetry(3) });
    const error = await failure(
      provider.exchange(identity(issuer.github()), { region: 'eu-west-1', roleArn: DEPLOY }),
    );
    expect((error as CredentialError).kind).toBe('transient');
    expect(error.message).toMatch(/failed after 3 attempts/);
    expect(sts.calls).toHaveLength(3);
  });

  it('refuses accounts outside allowedAccountIds before sending the token', async () => {
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry: instantRetry() });
    const error = await failure(
      provider.exchange(identity(issuer.github()), {
        region: 'eu-west-1',
        roleArn: DEPLOY,
        allowedAccountIds: ['907812345561'],
      }),
    );
    expect(error.message).toContain(`AWS account ${ACCOUNT}`);
    expect(sts.calls).toHaveLength(0);
  });

  it('validates configuration locally', async () => {
    const provider = new AwsProvider({ endpoint: sts.endpoint, retry: instantRetry() });
    const token = identity(issuer.github());
    await expect(provider.exchange(token, { region: 'eu-west-1', roleArn: 'gh-deploy' })).rejects.toThrow(
      /not an IAM role ARN/,
    );
    await expect(
      provider.exchange(token, { region: 'eu-west-1', roleArn: DEPLOY, sessionName: 'has space' }),
    ).rejects.toThrow(/session name/);
    await expect(
      provider.exchange(token, { region: 'eu-west-1', roleArn: DEPLOY, durationSeconds: 60 }),
    ).rejects.toThrow(/out of range/);
    expect(sts.calls).toHaveLength(0);
    expect(provider.defaultAudience({ region: 'eu-west-1', roleArn: DEPLOY })).toBe('sts.amazonaws.com');
  });

  it('treats an unreachable endpoint as transient', async () => {
    const provider = new AwsProvider({ endpoint: 'http://127.0.0.1:9', retry: instantRetry(2) });
    const error = await failure(
      provider.exchange(identity(issuer.github()), { region: 'eu-west-1', roleArn: DEPLOY }),
    );
    expect(error.message).toMatch(/failed after 2 attempts: .*network error/);
  });

  it('times out on an STS endpoint that never answers, retries, and names the host', async () => {
    const silent = await startSilentServer();
    try {
      const retry = { ...instantRetry(2), timeoutMs: 200 };
      const token = issuer.github();
      const error = await failure(
        new AwsProvider({ endpoint: silent.base, retry }).exchange(identity(token), {
          region: 'us-east-1',
          roleArn: DEPLOY,
        }),
      );
      expect(error).toBeInstanceOf(CredentialError);
      expect(error).toMatchObject({ kind: 'transient' });
      expect(error.message).toBe(
        `AWS STS AssumeRoleWithWebIdentity failed after 2 attempts: AWS STS AssumeRoleWithWebIdentity: ${silent.host} did not answer within 200 ms`,
      );
      expect(silent.requests).toEqual(['POST /', 'POST /']);
      expectNoSecrets(error.message, [token]);
    } finally {
      await silent.close();
    }
  });
});
