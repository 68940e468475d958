/**
 * A fake AWS Secrets Manager on loopback speaking the JSON 1.1 protocol the real SDK uses
 * (`POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`, errors as `{__type, Message}`). Requests
 * must be SigV4-signed (scope `.../secretsmanager/aws4_request`) with a session the fake STS issued,
 * and the session's role must be one of the secret's readers, as an IAM policy would say.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeSts } from './aws-sts.js';
import { takeFailure } from './jwt-trust.js';
import type { FailureSwitch } from './jwt-trust.js';
import { listen } from './loopback.js';

export interface FakeSecretVersion {
  id: string;
  stages: string[];
  string?: string;
  binary?: Buffer;
}

export interface FakeSecret {
  /** Role ARNs whose sessions may GetSecretValue. */
  readers: string[];
  versions: FakeSecretVersion[];
  /** The role may read but not decrypt (a customer managed KMS key it cannot use). */
  kmsDenied?: boolean;
}

export interface SecretsManagerCall {
  target: string;
  body: Record<string, unknown>;
  /** Access key id from the SigV4 Credential scope. */
  signedBy?: string;
  /** `<date>/<region>/<service>/aws4_request` */
  scope?: string;
}

export interface FakeSecretsManager {
  endpoint: string;
  account: string;
  region: string;
  /** By secret name. */
  secrets: Record<string, FakeSecret>;
  calls: SecretsManagerCall[];
  failures: FailureSwitch[];
  /** The secret's ARN (name + the six-character suffix AWS adds). */
  arn(name: string): string;
  close(): Promise<void>;
}

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** One version, current: `{ readers, versions: [currentVersion(value)] }`. */
export function currentVersion(value: string | Buffer): FakeSecretVersion {
  return {
    id: randomBytes(16)
      .toString('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    stages: ['AWSCURRENT'],
    ...(typeof value === 'string' ? { string: value } : { binary: value }),
  };
}

export async function startFakeSecretsManager(
  sts: FakeSts,
  secrets: Record<string, FakeSecret>,
  where: { account: string; region: string },
): Promise<FakeSecretsManager> {
  const suffixes = new Map<string, string>();
  const arn = (name: string): string => {
    if (!suffixes.has(name))
      suffixes.set(name, [...randomBytes(6)].map((b) => SUFFIX[b % SUFFIX.length]).join(''));
    return `arn:aws:secretsmanager:${where.region}:${where.account}:secret:${name}-${suffixes.get(name)}`;
  };
  const fake: FakeSecretsManager = {
    endpoint: '',
    ...where,
    secrets,
    calls: [],
    failures: [],
    arn,
    close: async () => undefined,
  };
  const fail = (res: ServerResponse, status: number, type: string, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ __type: type, Message: message }));
  };

  const server = await listen((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    const auth = String(req.headers.authorization ?? '');
    const credential =
      /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8}\/[a-z0-9-]+\/[a-z0-9]+\/aws4_request),/.exec(auth);
    const call: SecretsManagerCall = { target, body };
    if (credential) {
      call.signedBy = credential[1]!;
      call.scope = credential[2]!;
    }
    fake.calls.push(call);
    const failure = takeFailure(fake.failures, target);
    if (failure) {
      const type = failure.code ?? (failure.status >= 500 ? 'InternalServiceError' : 'ThrottlingException');
      return fail(res, failure.status, type, 'Rate exceeded or service unavailable');
    }
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-amz-json-1.1')
      return fail(res, 400, 'SerializationException', 'Unexpected content type');
    if (target !== 'secretsmanager.GetSecretValue')
      return fail(res, 400, 'UnknownOperationException', 'Unknown operation');
    const session = credential ? sts.sessions.get(credential[1]!) : undefined;
    if (!session || req.headers['x-amz-security-token'] !== session.sessionToken)
      return fail(
        res,
        400,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    if (!call.scope?.endsWith(`/${where.region}/secretsmanager/aws4_request`))
      return fail(
        res,
        403,
        'InvalidSignatureException',
        'Credential should be scoped to a valid region and service.',
      );

    const id = String(body.SecretId ?? '');
    const name = Object.keys(fake.secrets).find((n) => n === id || arn(n) === id);
    const secret = name === undefined ? undefined : fake.secrets[name];
    const caller = `arn:aws:sts::${where.account}:assumed-role/${session.roleArn.replace(/^.*:role\//, '')}/${session.sessionName}`;
    if (!secret || !secret.readers.includes(session.roleArn)) {
      // Like IAM: without permission, whether the secret exists is not revealed.
      if (secret || id.startsWith('arn:'))
        return fail(
          res,
          400,
          'AccessDeniedException',
          `User: ${caller} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${id} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
        );
      return fail(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    const stage = typeof body.VersionStage === 'string' ? body.VersionStage : undefined;
    const versionId = typeof body.VersionId === 'string' ? body.VersionId : undefined;
    const version = secret.versions.find(
      (v) =>
        (versionId === undefined || v.id === versionId) &&
        v.stages.includes(stage ?? (versionId === undefined ? 'AWSCURRENT' : (v.stages[0] ?? ''))),
    );
    if (!version)
      return fail(
        res,
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label or version id.",
      );
    if (secret.kmsDenied) return fail(res, 400, 'DecryptionFailure', 'Access to KMS is not allowed');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(
      JSON.stringify({
        ARN: arn(name!),
        Name: name,
        VersionId: version.id,
        VersionStages: version.stages,
        CreatedDate: Math.floor(Date.now() / 1000) - 86400,
        ...(version.string !== undefined ? { SecretString: version.string } : {}),
        ...(version.binary !== undefined ? { SecretBinary: version.binary.toString('base64') } : {}),
      }),
    );
  });
  fake.endpoint = server.base;
  fake.close = server.close;
  return fake;
}
