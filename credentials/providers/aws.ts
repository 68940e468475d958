/**
 * AWS: AssumeRoleWithWebIdentity through the real `@aws-sdk/client-sts`, optional role chaining
 * (AssumeRole with the previous credentials), then GetCallerIdentity to check the account. The SDK's
 * own retries are off (`maxAttempts: 1`): `withRetry` decides, so 4xx never repeats.
 */
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import type { Credentials as StsCredentials, STSClientConfig } from '@aws-sdk/client-sts';
import { scrub } from '../redact.js';
import { CredentialError } from '../types.js';
import type { CredentialProvider, Credentials, IdentityToken } from '../types.js';
import { awsClientConfig, awsHost, awsTimeoutMs, awsTransient, sendWithRetry } from './aws-client.js';
import type { AwsClientOptions, AwsSdkError, AwsSession } from './aws-client.js';
import { checkSessionName, defaultSessionName, roleAccount } from './aws-names.js';
import type { RunInfo } from './aws-names.js';

export interface AwsSessionOptions {
  roleArn: string;
  /** Default: derived from `run` (`keyless-<repo>-<run id>-<attempt>`). */
  sessionName?: string;
  /** 900..43200; AWS caps chained roles at 3600. Default 3600. */
  durationSeconds?: number;
  /** Inline session policy (IAM policy JSON) that narrows the role further. */
  sessionPolicy?: string;
  managedPolicyArns?: string[];
}

export interface AwsChainStep extends AwsSessionOptions {
  externalId?: string;
}

export interface AwsRequest extends AwsSessionOptions {
  region: string;
  run?: RunInfo;
  /** Roles assumed one after the other with the previous credentials. */
  chain?: AwsChainStep[];
  /** When set, the final credentials must belong to one of these accounts (checked before and after). */
  allowedAccountIds?: string[];
  /** GetCallerIdentity after the exchange. Default true. */
  verify?: boolean;
  /** The `aud` the IAM OIDC provider lists. Default `sts.amazonaws.com`. */
  audience?: string;
}

export type AwsProviderOptions = AwsClientOptions<STSClientConfig>;

const CAUSES: Record<string, (step: string) => string> = {
  AccessDenied: (step) =>
    step === 'AssumeRoleWithWebIdentity'
      ? "the role's trust policy does not accept this token's sub/aud: run `keyless credentials explain`"
      : 'the chained role does not trust the previous role (sts:AssumeRole), or the external id differs',
  InvalidIdentityToken: () =>
    'STS could not verify the token: is an IAM OIDC identity provider for this issuer registered in the account, with the token audience as a client id?',
  IDPRejectedClaim: () =>
    "the identity provider's claims were rejected: check the role's trust policy conditions",
  ExpiredToken: () => 'the job token expired before the exchange: request it right before exchanging',
  ExpiredTokenException: () =>
    'the job token expired before the exchange: request it right before exchanging',
  MalformedPolicyDocument: () => 'the inline session policy is not a valid IAM policy document',
  MalformedPolicyDocumentException: () => 'the inline session policy is not a valid IAM policy document',
  PackedPolicyTooLarge: () => 'the session policies exceed the packed size limit: shorten them',
  PackedPolicyTooLargeException: () => 'the session policies exceed the packed size limit: shorten them',
  RegionDisabledException: () => 'STS is not activated in this region for the account',
  ValidationError: () =>
    "a parameter was refused (the duration may exceed the role's maximum session duration)",
};

/** Turns an SDK failure into a transient error (retried) or an actionable one (not retried). */
export function classifyAwsError(error: unknown, step: string, secrets: string[]): Error {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsSdkError;
  const name = e.name ?? 'Error';
  const base = name.replace(/Exception$/, '');
  const message = scrub(e.message ?? String(error), secrets, 300);
  const status = e.$metadata?.httpStatusCode;
  const what = `AWS STS ${step}`;
  const transient = awsTransient(e, what, message);
  if (transient) return transient;
  const cause = (CAUSES[name] ?? CAUSES[base])?.(step);
  return new CredentialError(
    `${what}: ${name}: ${message}${cause ? ` — ${cause}` : ''}`,
    status === 401 || status === 403 || name === 'AccessDenied' ? 'auth' : 'provider',
  );
}

function checkDuration(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) {
    throw new CredentialError(
      `AWS session duration ${seconds} is out of range (900-43200 seconds)`,
      'config',
    );
  }
  return seconds;
}

function checkAccounts(account: string, allowed: string[] | undefined, when: string): void {
  if (allowed && allowed.length > 0 && !allowed.includes(account)) {
    throw new CredentialError(
      `AWS account ${account} (${when}) is not in the allowed account ids (${allowed.join(', ')})`,
      'config',
    );
  }
}

function sessionParams(options: AwsSessionOptions, run: RunInfo | undefined) {
  return {
    RoleArn: options.roleArn,
    RoleSessionName: options.sessionName ? checkSessionName(options.sessionName) : defaultSessionName(run),
    DurationSeconds: checkDuration(options.durationSeconds) ?? 3600,
    ...(options.sessionPolicy === undefined ? {} : { Policy: options.sessionPolicy }),
    ...(options.managedPolicyArns?.length
      ? { PolicyArns: options.managedPolicyArns.map((arn) => ({ arn })) }
      : {}),
  };
}

interface Session extends AwsSession {
  expiration: Date;
}

function complete(creds: StsCredentials | undefined, step: string): Session {
  if (!creds?.AccessKeyId || !creds.SecretAccessKey || !creds.SessionToken || !creds.Expiration) {
    throw new CredentialError(`AWS STS ${step}: the answer has no complete Credentials`);
  }
  return {
    accessKeyId: creds.AccessKeyId,
    secretAccessKey: creds.SecretAccessKey,
    sessionToken: creds.SessionToken,
    expiration: creds.Expiration,
  };
}

/** Four 30 s attempts plus backoff would exceed any sensible CI wait for one STS call. */

export class AwsProvider implements CredentialProvider<AwsRequest> {
  readonly name = 'aws';

  constructor(private readonly options: AwsProviderOptions = {}) {}

  defaultAudience(request: AwsRequest): string {
    return request.audience ?? 'sts.amazonaws.com';
  }

  private client(region: string, creds?: Session): STSClient {
    return new STSClient({
      ...awsClientConfig({
        region,
        timeoutMs: awsTimeoutMs(this.options.retry),
        endpoint: this.options.endpoint,
        clientConfig: this.options.clientConfig,
        credentials: creds && {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
        },
      }),
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
    });
  }

  private async call<T>(step: string, region: string, secrets: string[], send: () => Promise<T>): Promise<T> {
    const host = awsHost(this.options.endpoint, 'sts', region);
    return sendWithRetry(`AWS STS ${step}`, { retry: this.options.retry, host: () => host }, send, (error) =>
      classifyAwsError(error, step, secrets),
    );
  }

  async exchange(token: IdentityToken, request: AwsRequest): Promise<Credentials> {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(request.region)) {
      throw new CredentialError(
        `"${request.region.slice(0, 40)}" is not an AWS region (e.g. eu-west-1)`,
        'config',
      );
    }
    const steps: AwsSessionOptions[] = [request, ...(request.chain ?? [])];
    const lastArn = steps[steps.length - 1]!.roleArn;
    for (const step of steps) roleAccount(step.roleArn);
    checkAccounts(roleAccount(lastArn), request.allowedAccountIds, `from role ${lastArn}`);

    const secrets = [token.raw];
    const first = sessionParams(request, request.run);
    const web = await this.call('AssumeRoleWithWebIdentity', request.region, secrets, () =>
      this.client(request.region).send(
        new AssumeRoleWithWebIdentityCommand({ ...first, WebIdentityToken: token.raw }),
      ),
    );
    let creds = complete(web.Credentials, 'AssumeRoleWithWebIdentity');
    let assumedArn = web.AssumedRoleUser?.Arn;
    for (const step of request.chain ?? []) {
      secrets.push(creds.secretAccessKey, creds.sessionToken, creds.accessKeyId);
      const params = sessionParams(step, request.run);
      const client = this.client(request.region, creds);
      const out = await this.call('AssumeRole', request.region, secrets, () =>
        client.send(
          new AssumeRoleCommand({ ...params, ...(step.externalId ? { ExternalId: step.externalId } : {}) }),
        ),
      );
      creds = complete(out.Credentials, 'AssumeRole');
      assumedArn = out.AssumedRoleUser?.Arn;
    }
    secrets.push(creds.secretAccessKey, creds.sessionToken, creds.accessKeyId);

    let account = roleAccount(lastArn);
    if (request.verify !== false) {
      const client = this.client(request.region, creds);
      const identity = await this.call('GetCallerIdentity', request.region, secrets, () =>
        client.send(new GetCallerIdentityCommand({})),
      );
      account = identity.Account ?? '';
      assumedArn = identity.Arn ?? assumedArn;
      checkAccounts(account, request.allowedAccountIds, 'from GetCallerIdentity');
    }

    return {
      provider: this.name,
      values: [
        { name: 'AWS_ACCESS_KEY_ID', value: creds.accessKeyId, secret: true },
        { name: 'AWS_SECRET_ACCESS_KEY', value: creds.secretAccessKey, secret: true },
        { name: 'AWS_SESSION_TOKEN', value: creds.sessionToken, secret: true },
        { name: 'AWS_REGION', value: request.region, secret: false },
        { name: 'AWS_DEFAULT_REGION', value: request.region, secret: false },
      ],
      expiresAt: creds.expiration,
      grant: {
        roles: steps.map((s) => s.roleArn),
        account,
        sessionName: first.RoleSessionName,
        ...(assumedArn ? { assumedRole: assumedArn } : {}),
        ...(request.managedPolicyArns?.length ? { managedPolicies: request.managedPolicyArns } : {}),
        ...(request.sessionPolicy ? { sessionPolicy: 'inline' } : {}),
      },
    };
  }
}
