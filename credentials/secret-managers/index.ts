/**
 * Secret managers read with the cloud credentials a step just obtained (what GitLab's `secrets:`
 * keyword does, on every tier and on GitHub too): AWS Secrets Manager with the STS session, GCP
 * Secret Manager with the federated/impersonated access token, Azure Key Vault with a Key Vault token
 * from the same Entra federation. Selectors are parsed before any exchange, so a typo costs no token.
 */
import type { AzureRequest } from '../providers/azure.js';
import type { CredentialsRequest } from '../request.js';
import type { RetryOptions } from '../retry.js';
import type { Credentials, Fetch, IdentityToken } from '../types.js';
import { AwsSecretsManagerReader, parseAwsSecrets } from './aws.js';
import { AzureKeyVaultReader, parseAzureSecrets } from './azure.js';
import { GcpSecretManagerReader, parseGcpSecrets } from './gcp.js';

/** The request field (in the provider's section) holding each manager's selector lines. */
export const SECRET_FIELDS = { aws: 'secretsManager', gcp: 'secretManager', azure: 'keyVault' } as const;
export type SecretProviderKey = keyof typeof SECRET_FIELDS;

export interface SecretReadOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
}

export interface SecretReadContext {
  /** The provider's credentials (for AWS with profiles: `aws-role`'s, else the first profile's). */
  credentials: Credentials;
  /** The job token the provider's exchange used (Azure presents it again for Key Vault). */
  token: IdentityToken;
  /** The provider's request as exchanged (shared audience filled in). */
  part: Record<string, unknown>;
}

export interface SecretRead {
  key: SecretProviderKey;
  /** `aws-secrets-manager`, `gcp-secret-manager`, `azure-key-vault`: the audit's provider. */
  provider: string;
  /** What is asked for, for the audit of a failed read: secret references and names, never values. */
  what: Record<string, string[]>;
  read(context: SecretReadContext): Promise<Credentials>;
}

function selectors(part: object | undefined, key: SecretProviderKey): string[] | undefined {
  const value = (part as Record<string, unknown> | undefined)?.[SECRET_FIELDS[key]];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : (value as string[]);
}

/** The reads a request asks for, in provider order; throws a `config` error for a bad selector. */
export function planSecretReads(request: CredentialsRequest, options: SecretReadOptions = {}): SecretRead[] {
  const e = request.endpoints ?? {};
  const common = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  const reads: SecretRead[] = [];
  const aws = selectors(request.aws, 'aws');
  if (aws) {
    const parsed = parseAwsSecrets(aws);
    const reader = new AwsSecretsManagerReader({
      ...(e.awsSecretsManager ? { endpoint: e.awsSecretsManager } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    reads.push({
      key: 'aws',
      provider: reader.name,
      what: { secrets: [...new Set(parsed.map((s) => s.secretId))], names: parsed.map((s) => s.name) },
      read: ({ credentials }) => {
        const region = credentials.values.find((v) => v.name === 'AWS_REGION')?.value ?? '';
        return reader.read(credentials, region, parsed);
      },
    });
  }
  const gcp = selectors(request.gcp, 'gcp');
  if (gcp) {
    const parsed = parseGcpSecrets(gcp, request.gcp?.projectId);
    const reader = new GcpSecretManagerReader({
      ...common,
      ...(e.gcpSecretManager ? { url: e.gcpSecretManager } : {}),
    });
    reads.push({
      key: 'gcp',
      provider: reader.name,
      what: { secrets: [...new Set(parsed.map((s) => s.resource))], names: parsed.map((s) => s.name) },
      read: ({ credentials }) => reader.read(credentials, parsed),
    });
  }
  const azure = selectors(request.azure, 'azure');
  if (azure) {
    const parsed = parseAzureSecrets(azure);
    const reader = new AzureKeyVaultReader({
      ...common,
      ...(e.azureAuthority ? { authorityHost: e.azureAuthority } : {}),
      ...(e.azureKeyVault ? { url: e.azureKeyVault } : {}),
    });
    reads.push({
      key: 'azure',
      provider: reader.name,
      what: {
        secrets: parsed.map((s) => `${s.vault}/${s.secret}${s.version ? `/${s.version}` : ''}`),
        names: parsed.map((s) => s.name),
      },
      read: ({ credentials, token, part }) =>
        reader.read(token, credentials, part as unknown as AzureRequest, parsed),
    });
  }
  return reads;
}

/**
 * The credentials a read uses: the provider's first grant — for AWS with profiles that is `aws-role`'s
 * (the default profile), else the first `aws-profiles` line's.
 */
export function credentialsFor(
  key: SecretProviderKey,
  granted: readonly Credentials[],
): Credentials | undefined {
  return granted.find((c) => c.provider === key);
}
