import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AwsProvider } from '../../../credentials/providers/aws.js';
import { AwsSecretsManagerReader, parseAwsSecrets } from '../../../credentials/secret-managers/aws.js';
import type { Credentials } from '../../../credentials/types.js';
import { startSilentServer } from '../../fakes/silent-server.js';
import { currentVersion } from '../../fakes/aws-secrets-manager.js';
import { STS_AUD } from '../../helpers/cloud-ids.js';
import { startFakeClouds } from '../../helpers/fake-clouds.js';
import { credentialFailure, expectNoSecrets, identity, instantRetry } from '../providers/helpers.js';

const ACCOUNT = '418273605914';
const REGION = 'eu-west-1';
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/gh-deploy`;
const OTHER = `arn:aws:iam::${ACCOUNT}:role/gh-other`;
const DB_PASSWORD = '2ZXMbop4FQZTKgaxdgARCORk';
const DB_USER = 'ledger_rw';
const OLD_PASSWORD = 'DjGIex5RThCRFISdo7Jp7z8l';
const API_TOKEN = '3dzYJO8nQb1zSw5zc9fYpjPb';
const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0x3c, 0x9a]);

const start = () =>
  startFakeClouds((trust) => ({
    sts: { [DEPLOY]: { webIdentity: trust(STS_AUD) }, [OTHER]: { webIdentity: trust(STS_AUD) } },
    secretsManager: {
      account: ACCOUNT,
      region: REGION,
      secrets: {
        'ledger/db': {
          readers: [DEPLOY],
          versions: [
            {
              id: 'a0c7e4f2-61b9-4d3e-8f25-c94b17d0e6a3',
              stages: ['AWSPREVIOUS'],
              string: JSON.stringify({ password: OLD_PASSWORD }),
            },
            currentVersion(JSON.stringify({ username: DB_USER, password: DB_PASSWORD, port: 5432 })),
          ],
        },
        'ledger/api-token': { readers: [DEPLOY], versions: [currentVersion(API_TOKEN)] },
        'ledger/signing-key': { readers: [DEPLOY], versions: [currentVersion(BINARY)] },
        'ledger/kms-locked': { readers: [DEPLOY], versions: [currentVersion(API_TOKEN)], kmsDenied: true },
      },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

async function session(role = DEPLOY): Promise<Credentials> {
  const provider = new AwsProvider({ endpoint: clouds.sts.endpoint, retry: instantRetry() });
  return provider.exchange(identity(clouds.issuer.github()), {
    region: REGION,
    roleArn: role,
    verify: false,
  });
}

const reader = (retry = instantRetry()) =>
  new AwsSecretsManagerReader({ endpoint: clouds.secretsManager.endpoint, retry });
const values = (c: Credentials) => Object.fromEntries(c.values.map((v) => [v.name, v.value]));

describe('parseAwsSecrets', () => {
  it('reads names, ARNs, JSON keys, stages and version ids; names default from the key or the secret', () => {
    const arn = `arn:aws:secretsmanager:us-east-2:${ACCOUNT}:secret:ledger/api-token-Xq3ZrT`;
    expect(
      parseAwsSecrets([
        'ledger/db:password | DB_PASSWORD',
        'ledger/db:username',
        `${arn}`,
        'ledger/db::AWSPREVIOUS | OLD_DB',
        'ledger/db:password::a0c7e4f2-61b9-4d3e-8f25-c94b17d0e6a3 | PINNED',
      ]),
    ).toEqual([
      {
        line: 'ledger/db:password | DB_PASSWORD',
        secretId: 'ledger/db',
        jsonKey: 'password',
        name: 'DB_PASSWORD',
      },
      { line: 'ledger/db:username', secretId: 'ledger/db', jsonKey: 'username', name: 'USERNAME' },
      { line: arn, secretId: arn, region: 'us-east-2', name: 'API_TOKEN' },
      {
        line: 'ledger/db::AWSPREVIOUS | OLD_DB',
        secretId: 'ledger/db',
        versionStage: 'AWSPREVIOUS',
        name: 'OLD_DB',
      },
      {
        line: 'ledger/db:password::a0c7e4f2-61b9-4d3e-8f25-c94b17d0e6a3 | PINNED',
        secretId: 'ledger/db',
        jsonKey: 'password',
        versionId: 'a0c7e4f2-61b9-4d3e-8f25-c94b17d0e6a3',
        name: 'PINNED',
      },
    ]);
  });

  it('refuses malformed selectors and duplicate names before any request', () => {
    expect(() => parseAwsSecrets('ledger db')).toThrow(/is not "SECRET_ID_OR_ARN/);
    expect(() => parseAwsSecrets('ledger/db:a:b:c:d')).toThrow(/too many ":" parts/);
    expect(() => parseAwsSecrets('arn:aws:s3:::bucket')).toThrow(/not a secret name or ARN/);
    expect(() => parseAwsSecrets('ledger/db:password | 9LIVES')).toThrow(/not a variable name/);
    expect(() => parseAwsSecrets('a/password\nb/password')).toThrow(/PASSWORD is exported twice/);
    expect(() => parseAwsSecrets('  \n# nothing')).toThrow(/no secrets selected/);
  });
});

describe('AwsSecretsManagerReader', () => {
  it('reads through the real SDK, signed with the session STS issued, one call per secret', async () => {
    const aws = await session();
    const arn = clouds.secretsManager.arn('ledger/api-token');
    const creds = await reader().read(
      aws,
      REGION,
      parseAwsSecrets([
        'ledger/db:password | DB_PASSWORD',
        'ledger/db:username | DB_USER',
        'ledger/db:port | DB_PORT',
        'ledger/db:password:AWSPREVIOUS | OLD_PASSWORD',
        `${arn} | API_TOKEN`,
      ]),
    );
    expect(values(creds)).toEqual({
      DB_PASSWORD,
      DB_USER,
      DB_PORT: '5432',
      OLD_PASSWORD,
      API_TOKEN,
    });
    expect(creds.values.every((v) => v.secret)).toBe(true);
    const keyId = aws.values.find((v) => v.name === 'AWS_ACCESS_KEY_ID')!.value;
    expect(clouds.secretsManager.calls.map((c) => [c.target, c.body])).toEqual([
      ['secretsmanager.GetSecretValue', { SecretId: 'ledger/db' }],
      ['secretsmanager.GetSecretValue', { SecretId: 'ledger/db', VersionStage: 'AWSPREVIOUS' }],
      ['secretsmanager.GetSecretValue', { SecretId: arn }],
    ]);
    for (const call of clouds.secretsManager.calls) {
      expect(call.signedBy).toBe(keyId);
      expect(call.scope).toMatch(new RegExp(`^\\d{8}/${REGION}/secretsmanager/aws4_request$`));
    }
    expect(creds.provider).toBe('aws-secrets-manager');
    expect(creds.grant).toMatchObject({
      region: REGION,
      secrets: ['ledger/db', arn],
      names: ['DB_PASSWORD', 'DB_USER', 'DB_PORT', 'OLD_PASSWORD', 'API_TOKEN'],
    });
    expectNoSecrets(JSON.stringify(creds.grant), [DB_PASSWORD, OLD_PASSWORD, API_TOKEN]);
  });

  it('exports a binary secret as base64 and refuses a JSON key on it', async () => {
    const aws = await session();
    const creds = await reader().read(aws, REGION, parseAwsSecrets('ledger/signing-key'));
    expect(values(creds)).toEqual({ SIGNING_KEY: BINARY.toString('base64') });
    const error = await credentialFailure(
      reader().read(aws, REGION, parseAwsSecrets('ledger/signing-key:pem')),
    );
    expect(error.kind).toBe('config');
    expect(error.message).toContain('ledger/signing-key holds a binary secret');
  });

  it('names a missing JSON key and the keys there are, never the values', async () => {
    const error = await credentialFailure(
      reader().read(await session(), REGION, parseAwsSecrets('ledger/db:pasword')),
    );
    expect(error.message).toBe(
      'AWS Secrets Manager ledger/db has no JSON key "pasword" (its keys: username, password, port)',
    );
    expectNoSecrets(error.message, [DB_PASSWORD]);
  });

  it('not found, access denied and KMS failures: clear, not retried, naming the secret and the permission', async () => {
    const retry = instantRetry(4);
    const missing = await credentialFailure(
      reader(retry).read(await session(), REGION, parseAwsSecrets('ledger/nope')),
    );
    expect(missing.kind).toBe('provider');
    expect(missing.message).toMatch(
      /GetSecretValue ledger\/nope: ResourceNotFoundException: .* — no secret "ledger\/nope"/,
    );

    const denied = await credentialFailure(
      reader(retry).read(await session(OTHER), REGION, parseAwsSecrets('ledger/db:password')),
    );
    expect(denied.kind).toBe('auth');
    expect(denied.message).toContain('the role lacks secretsmanager:GetSecretValue on "ledger/db"');

    const kms = await credentialFailure(
      reader(retry).read(await session(), REGION, parseAwsSecrets('ledger/kms-locked')),
    );
    expect(kms.kind).toBe('auth');
    expect(kms.message).toContain('kms:Decrypt');
    expect(retry.delays).toEqual([]);
    for (const e of [missing, denied, kms]) expectNoSecrets(e.message, [API_TOKEN, DB_PASSWORD]);
  });

  it('retries throttling and 5xx, then succeeds', async () => {
    clouds.secretsManager.failures.push(
      { status: 400, times: 1, code: 'ThrottlingException' },
      { status: 503, times: 1 },
    );
    const retry = instantRetry(3);
    const creds = await reader(retry).read(await session(), REGION, parseAwsSecrets('ledger/api-token'));
    expect(values(creds)).toEqual({ API_TOKEN });
    expect(clouds.secretsManager.calls).toHaveLength(3);
    expect(retry.delays).toHaveLength(2);
  });

  it('gives up on persistent 5xx with a transient error naming the secret', async () => {
    clouds.secretsManager.failures.push({ status: 500, times: 5 });
    const error = await credentialFailure(
      reader(instantRetry(2)).read(await session(), REGION, parseAwsSecrets('ledger/api-token')),
    );
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(
      /^AWS Secrets Manager GetSecretValue ledger\/api-token failed after 2 attempts/,
    );
  });

  it('times out on an endpoint that never answers, naming the host', async () => {
    const silent = await startSilentServer();
    try {
      const retry = { ...instantRetry(2), timeoutMs: 200 };
      const error = await credentialFailure(
        new AwsSecretsManagerReader({ endpoint: silent.base, retry }).read(
          await session(),
          REGION,
          parseAwsSecrets('ledger/api-token'),
        ),
      );
      expect(error.kind).toBe('transient');
      expect(error.message).toBe(
        `AWS Secrets Manager GetSecretValue ledger/api-token failed after 2 attempts: AWS Secrets Manager GetSecretValue ledger/api-token: ${silent.host} did not answer within 200 ms`,
      );
      expect(silent.requests).toEqual(['POST /', 'POST /']);
    } finally {
      await silent.close();
    }
  });
});
