/**
 * What one step asks for, provider-neutral: several credentials at once, the claims the job token
 * must carry, and endpoint overrides. The action, the CLI and `KEYLESS_*` variables all arrive as
 * flat kebab-case strings (request-keys.ts) and go through `parseRequest`.
 */
import type { Expected } from './policy/claims.js';
import type { AwsRequest } from './providers/aws.js';
import type { AzureRequest } from './providers/azure.js';
import type { GcpRequest } from './providers/gcp.js';
import type { GithubStsRequest } from './providers/github.js';
import type { TokenExchangeRequest } from './providers/token-exchange.js';
import type { VaultRequest } from './providers/vault.js';
import { CredentialError } from './types.js';
import { EXPECT_PREFIX, PROVIDER_KEYS, REQUEST_KEYS, envName, isRequestKey } from './request-keys.js';
import type { KeySpec, ProviderKey } from './request-keys.js';

export { PROVIDER_KEYS, REQUEST_KEYS, isRequestKey, envName } from './request-keys.js';
export type { ProviderKey } from './request-keys.js';

/** One more role for the same step, written as a named profile (`aws-profiles` line). */
export interface AwsProfileRole {
  profile: string;
  roleArn: string;
  /** Default: the section's `region`. */
  region?: string;
}

/**
 * `run` is filled by the orchestration from `runInfo`. `profile` names the profile of `roleArn`
 * (default `default`); `profiles` are further roles, each exchanged with the section's other options
 * (session name, duration, policies, audience...) but not its `chain`. With either set, the AWS
 * credentials are handed over as shared credentials/config files, not as AWS_* variables.
 */
export type AwsPart = Omit<AwsRequest, 'run' | 'roleArn'> & {
  roleArn?: string;
  profile?: string;
  profiles?: AwsProfileRole[];
  /** `aws-secrets`: Secrets Manager selectors read with `aws-role`'s session (else the first profile's). */
  secretsManager?: string[];
};

export interface ProviderParts {
  aws?: AwsPart;
  /** `secretManager`: `gcp-secrets` selectors read with the access token. */
  gcp?: GcpRequest & { secretManager?: string[] };
  vault?: VaultRequest;
  tokenExchange?: TokenExchangeRequest;
  github?: GithubStsRequest;
  /** `keyVault`: `azure-keyvault-secrets` selectors read with a Key Vault token. */
  azure?: AzureRequest & { keyVault?: string[] };
}

export interface Endpoints {
  awsSts?: string;
  gcpSts?: string;
  gcpIamCredentials?: string;
  azureAuthority?: string;
  githubApi?: string;
  awsSecretsManager?: string;
  gcpSecretManager?: string;
  /** Vault URL template with `{vault}` (default `https://{vault}.vault.azure.net`). */
  azureKeyVault?: string;
}

export interface CredentialsRequest extends ProviderParts {
  /** Claim expectations checked before any exchange: `{ repository: 'o/r', ref: 'refs/heads/main' }`. */
  expect?: Record<string, Expected>;
  /** Accepted token issuers (exact). */
  issuer?: string[];
  /** The `aud` for every provider that sets none of its own (GitLab id_tokens carry one aud). */
  audience?: string;
  /** JWKS signature check before the exchange. Default true. */
  verify?: boolean;
  endpoints?: Endpoints;
}

/** Providers present in the request, in the order they are exchanged (the request's key order). */
export function requestedProviders(request: CredentialsRequest): ProviderKey[] {
  return (Object.keys(request) as ProviderKey[]).filter(
    (k) => (PROVIDER_KEYS as readonly string[]).includes(k) && request[k] !== undefined,
  );
}

function closest(key: string): string | undefined {
  const known = Object.keys(REQUEST_KEYS);
  const prefix = key.split('-')[0] ?? '';
  const sameSection = known.filter((k) => k.startsWith(`${prefix}-`));
  return sameSection.length > 0 ? sameSection.join(', ') : undefined;
}

function convert(key: string, spec: KeySpec, raw: string): unknown {
  const value = raw.trim();
  switch (spec.kind) {
    case 'string':
      return value;
    case 'int': {
      if (!/^\d+$/.test(value))
        throw new CredentialError(`${key}: expected a whole number, got "${value}"`, 'config');
      return Number(value);
    }
    case 'bool': {
      if (/^(true|yes|1|on)$/i.test(value)) return true;
      if (/^(false|no|0|off)$/i.test(value)) return false;
      throw new CredentialError(`${key}: expected true or false, got "${value}"`, 'config');
    }
    case 'list':
      return value
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean);
    case 'lines':
      // `;` too: a GitLab input or a CI variable is often easier to give on one line.
      return value
        .split(/[\n;]/)
        .map((s) => s.trim())
        .filter((s) => s && !s.startsWith('#'));
    case 'chain':
      return value
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((line) => {
          const [roleArn, externalId, ...rest] = line.split(/\s+/);
          if (rest.length > 0)
            throw new CredentialError(
              `${key}: expected "ROLE_ARN [EXTERNAL_ID]" a line, got "${line}"`,
              'config',
            );
          return { roleArn: roleArn!, ...(externalId ? { externalId } : {}) };
        });
    case 'profiles':
      return value
        .split(/[\n;]/)
        .map((s) => s.trim())
        .filter((s) => s && !s.startsWith('#'))
        .map((line) => {
          const [profile, roleArn, region, ...rest] = line.split(/\s+/);
          if (!roleArn || rest.length > 0)
            throw new CredentialError(
              `${key}: expected "PROFILE ROLE_ARN [REGION]" a line, got "${line.slice(0, 200)}"`,
              'config',
            );
          return { profile: profile!, roleArn, ...(region ? { region } : {}) };
        });
  }
}

function expectValue(raw: string): Expected {
  const value = raw.trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  // Several accepted values, one a line (or comma-separated): any of them may match.
  const many = value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return many.length > 1 ? many : value;
}

export interface ParseRequestOptions {
  /** Keys the caller handles itself (e.g. `token-file`, `export`): neither parsed nor refused. */
  extraKeys?: readonly string[];
}

/**
 * Flat `{ 'aws-role': '...', 'expect-repository': 'o/r' }` -> CredentialsRequest. Empty strings
 * count as absent (action inputs default to ''). Unknown keys and a section missing a required key
 * are `config` errors naming the key; no key names a value.
 */
export function parseRequest(
  inputs: Record<string, string | undefined>,
  options: ParseRequestOptions = {},
): CredentialsRequest {
  const extra = new Set(options.extraKeys ?? []);
  const sections: Record<string, Record<string, unknown>> = {};
  const expect: Record<string, Expected> = {};
  const unknown: string[] = [];
  for (const [key, raw] of Object.entries(inputs)) {
    if (extra.has(key)) continue;
    if (!isRequestKey(key)) {
      unknown.push(key);
      continue;
    }
    if (raw === undefined || raw.trim() === '') continue;
    if (key.startsWith(EXPECT_PREFIX)) {
      expect[key.slice(EXPECT_PREFIX.length).replace(/-/g, '_')] = expectValue(raw);
      continue;
    }
    const spec = REQUEST_KEYS[key]!;
    (sections[spec.section] ??= {})[spec.field] = convert(key, spec, raw);
  }
  if (unknown.length > 0) {
    const hints = unknown.map((k) => {
      const near = closest(k);
      return near ? `"${k}" (known: ${near})` : `"${k}"`;
    });
    throw new CredentialError(`unknown credentials option(s): ${hints.join('; ')}`, 'config');
  }
  const request: CredentialsRequest = {};
  for (const [section, fields] of Object.entries(sections)) {
    if (section === 'check') continue;
    if (section === 'endpoints') {
      request.endpoints = fields as Endpoints;
      continue;
    }
    const missing = Object.entries(REQUEST_KEYS)
      .filter(
        ([, s]) =>
          s.section === section &&
          s.required &&
          fields[s.field] === undefined &&
          !(s.requiredUnless !== undefined && fields[s.requiredUnless] !== undefined),
      )
      .map(([k]) => k);
    if (missing.length > 0) {
      const given = Object.entries(REQUEST_KEYS)
        .filter(([, s]) => s.section === section && fields[s.field] !== undefined)
        .map(([k]) => k);
      throw new CredentialError(`${given.join(', ')} given but ${missing.join(', ')} missing`, 'config');
    }
    (request as Record<string, unknown>)[section] = fields;
  }
  if (requestedProviders(request).length === 0)
    throw new CredentialError(
      'no credentials requested: give at least one provider (aws-role, gcp-workload-identity-provider, vault-url, token-exchange-url, github-sts or azure-tenant-id)',
      'config',
    );
  const check = sections['check'] ?? {};
  if (check['audience'] !== undefined) request.audience = check['audience'] as string;
  if (check['issuer'] !== undefined) request.issuer = check['issuer'] as string[];
  if (check['verify'] !== undefined) request.verify = check['verify'] as boolean;
  if (Object.keys(expect).length > 0) request.expect = expect;
  return request;
}

/**
 * The request keys set as `KEYLESS_*` variables (`KEYLESS_AWS_ROLE`, `KEYLESS_EXPECT_REF`). Other
 * `KEYLESS_*` variables (the token, the CLI's own) are not request keys and are left alone.
 */
export function requestInputsFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(REQUEST_KEYS)) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') out[key] = value;
  }
  const expectEnv = envName(EXPECT_PREFIX);
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(expectEnv) && name.length > expectEnv.length && value)
      out[`${EXPECT_PREFIX}${name.slice(expectEnv.length).toLowerCase().replace(/_/g, '-')}`] = value;
  }
  return out;
}
