/**
 * AWS Secrets Manager: GetSecretValue through the real `@aws-sdk/client-secrets-manager`, signed with
 * the credentials STS just issued. Selectors follow the reference syntax ECS and CloudFormation use,
 * `SECRET_ID_OR_ARN[:JSON_KEY[:VERSION_STAGE[:VERSION_ID]]] | NAME` (empty parts skip, e.g.
 * `prod/db::AWSPREVIOUS`). SDK retries are off: `withRetry` retries throttling, 5xx and network errors.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type {
  GetSecretValueCommandOutput,
  SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import {
  awsClientConfig,
  awsHost,
  awsTimeoutMs,
  awsTransient,
  sendWithRetry,
} from '../providers/aws-client.js';
import type { AwsClientOptions, AwsSdkError, AwsSession } from '../providers/aws-client.js';
import { scrub } from '../redact.js';
import { CredentialError } from '../types.js';
import type { CredentialValue, Credentials } from '../types.js';
import { checkNames, selectorLines, variableName } from './selectors.js';
import { jsonField } from './values.js';

export const AWS_SHAPE = 'SECRET_ID_OR_ARN[:JSON_KEY[:VERSION_STAGE[:VERSION_ID]]] | NAME';
const MANAGER = 'AWS Secrets Manager';

export interface AwsSecretSelector {
  line: string;
  /** A name (`prod/db`) or an ARN. */
  secretId: string;
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
  /** The ARN's region; names are read in the credentials' region. */
  region?: string;
  name: string;
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ARN = /^arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:([A-Za-z0-9/_+=.@-]+)$/;
const STAGE = /^[A-Za-z0-9_-]{1,256}$/;
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;

export function parseAwsSecrets(input: string | readonly string[]): AwsSecretSelector[] {
  const out = selectorLines(input, MANAGER, AWS_SHAPE).map(({ line, ref, name }) => {
    const parts = ref.split(':');
    const isArn = parts[0] === 'arn';
    const idParts = isArn ? 7 : 1;
    const secretId = parts.slice(0, idParts).join(':');
    const [jsonKey, versionStage, versionId, ...rest] = parts.slice(idParts);
    const arn = isArn ? ARN.exec(secretId) : null;
    const bad = (why: string) =>
      new CredentialError(`${MANAGER} selector "${line.slice(0, 160)}": ${why} (${AWS_SHAPE})`, 'config');
    if (isArn ? !arn : !SECRET_NAME.test(secretId)) throw bad('not a secret name or ARN');
    if (rest.length > 0) throw bad('too many ":" parts');
    if (versionStage && !STAGE.test(versionStage)) throw bad(`"${versionStage}" is not a version stage`);
    if (versionId && !VERSION_ID.test(versionId)) throw bad(`"${versionId}" is not a version id`);
    // A full ARN ends in `-` and six random characters that are not part of the secret's name.
    const plain = arn ? arn[2]!.replace(/-[A-Za-z0-9]{6}$/, '') : secretId;
    return {
      line,
      secretId,
      ...(jsonKey ? { jsonKey } : {}),
      ...(versionStage ? { versionStage } : {}),
      ...(versionId ? { versionId } : {}),
      ...(arn ? { region: arn[1]! } : {}),
      name: name ?? variableName(jsonKey || plain.split('/').at(-1)!),
    };
  });
  checkNames(MANAGER, out);
  return out;
}

export type AwsSecretsManagerOptions = AwsClientOptions<SecretsManagerClientConfig>;

const CAUSES: Record<string, (id: string) => string> = {
  ResourceNotFoundException: (id) =>
    `no secret "${id}" in this account and region, or no such version stage/id`,
  AccessDeniedException: (id) =>
    `the role lacks secretsmanager:GetSecretValue on "${id}" (its IAM policy or the secret's resource policy)`,
  DecryptionFailure: (id) => `the role lacks kms:Decrypt on the KMS key that encrypts "${id}"`,
  InvalidRequestException: (id) =>
    `"${id}" is scheduled for deletion, or the version stage/id does not match`,
  InvalidParameterException: () => 'a parameter was refused (check the version stage/id)',
  UnrecognizedClientException: () =>
    'the session credentials were refused (expired, or another region/partition)',
  InvalidSignatureException: () => 'the request signature was refused (region or endpoint mismatch)',
  ExpiredTokenException: () => 'the session credentials expired',
};

export function classifySecretsManagerError(error: unknown, id: string, secrets: readonly string[]): Error {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsSdkError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const what = `${MANAGER} GetSecretValue ${id}`;
  const message = scrub(e.message ?? String(error), secrets, 300);
  const transient = awsTransient(e, what, message);
  if (transient) return transient;
  const cause = CAUSES[name]?.(id);
  const auth =
    status === 401 ||
    status === 403 ||
    [
      'AccessDeniedException',
      'DecryptionFailure',
      'UnrecognizedClientException',
      'ExpiredTokenException',
    ].includes(name);
  return new CredentialError(
    `${what}: ${name}: ${message}${cause ? ` — ${cause}` : ''}`,
    auth ? 'auth' : 'provider',
  );
}

function session(aws: Credentials): AwsSession {
  const get = (name: string): string => {
    const value = aws.values.find((v) => v.name === name)?.value;
    if (!value) throw new CredentialError(`${MANAGER}: the AWS credentials have no ${name}`);
    return value;
  };
  return {
    accessKeyId: get('AWS_ACCESS_KEY_ID'),
    secretAccessKey: get('AWS_SECRET_ACCESS_KEY'),
    sessionToken: get('AWS_SESSION_TOKEN'),
  };
}

export class AwsSecretsManagerReader {
  readonly name = 'aws-secrets-manager';

  constructor(private readonly options: AwsSecretsManagerOptions = {}) {}

  private client(region: string, aws: Credentials): SecretsManagerClient {
    return new SecretsManagerClient(
      awsClientConfig({
        region,
        timeoutMs: awsTimeoutMs(this.options.retry),
        endpoint: this.options.endpoint,
        clientConfig: this.options.clientConfig,
        credentials: session(aws),
      }),
    );
  }

  /** Reads every selected secret once (several JSON keys of one secret share a call). */
  async read(
    aws: Credentials,
    region: string,
    selectors: readonly AwsSecretSelector[],
  ): Promise<Credentials> {
    const creds = session(aws);
    const secrets: string[] = [creds.secretAccessKey, creds.sessionToken];
    const clients = new Map<string, SecretsManagerClient>();
    const answers = new Map<string, GetSecretValueCommandOutput>();
    const values: CredentialValue[] = [];
    const versions: string[] = [];
    try {
      for (const s of selectors) {
        const key = [s.secretId, s.versionStage ?? '', s.versionId ?? ''].join('\n');
        let answer = answers.get(key);
        if (!answer) {
          const at = s.region ?? region;
          const client = clients.get(at) ?? this.client(at, aws);
          clients.set(at, client);
          answer = await this.get(client, s, at, secrets);
          answers.set(key, answer);
          versions.push(`${s.secretId}@${answer.VersionId ?? s.versionStage ?? 'AWSCURRENT'}`);
        }
        const value = this.value(answer, s);
        secrets.push(value);
        values.push({ name: s.name, value, secret: true });
      }
    } finally {
      for (const client of clients.values()) client.destroy();
    }
    return {
      provider: this.name,
      values,
      grant: {
        region,
        secrets: [...new Set(selectors.map((s) => s.secretId))],
        versions,
        names: values.map((v) => v.name),
      },
    };
  }

  private get(
    client: SecretsManagerClient,
    s: AwsSecretSelector,
    region: string,
    secrets: readonly string[],
  ): Promise<GetSecretValueCommandOutput> {
    const command = new GetSecretValueCommand({
      SecretId: s.secretId,
      ...(s.versionStage ? { VersionStage: s.versionStage } : {}),
      ...(s.versionId ? { VersionId: s.versionId } : {}),
    });
    return sendWithRetry(
      `${MANAGER} GetSecretValue ${s.secretId}`,
      { retry: this.options.retry, host: () => awsHost(this.options.endpoint, 'secretsmanager', region) },
      () => client.send(command),
      (error) => classifySecretsManagerError(error, s.secretId, secrets),
    );
  }

  private value(answer: GetSecretValueCommandOutput, s: AwsSecretSelector): string {
    const where = `${MANAGER} ${s.secretId}`;
    if (answer.SecretString !== undefined) {
      return s.jsonKey === undefined ? answer.SecretString : jsonField(answer.SecretString, s.jsonKey, where);
    }
    if (answer.SecretBinary !== undefined) {
      if (s.jsonKey !== undefined)
        throw new CredentialError(
          `${where} holds a binary secret: JSON key "${s.jsonKey}" cannot apply`,
          'config',
        );
      // Environment variables cannot carry arbitrary bytes.
      return Buffer.from(answer.SecretBinary).toString('base64');
    }
    throw new CredentialError(`${where}: the answer has neither SecretString nor SecretBinary`);
  }
}
