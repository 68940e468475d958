/**
 * One step's credentials, end to end: a token per provider audience, every token checked (claims,
 * audience, expiry, signature) before ANY of them leaves the job, then the exchanges in order. If a
 * later exchange fails, what the earlier ones granted is revoked before the error goes up, so a
 * failed step leaves no live lease behind.
 */
import type { STSClientConfig } from '@aws-sdk/client-sts';
import { whoOf, safeGrant } from './audit.js';
import type { AuditEvent, AuditRecord } from './audit.js';
import { checkToken } from './policy/check.js';
import { JwksCache } from './policy/jwks-cache.js';
import { AwsProvider } from './providers/aws.js';
import { checkProfileNames } from './providers/aws-names.js';
import type { RunInfo } from './providers/aws-names.js';
import { AzureProvider } from './providers/azure.js';
import { GcpProvider } from './providers/gcp.js';
import { GithubStsProvider } from './providers/github.js';
import { TokenExchangeProvider } from './providers/token-exchange.js';
import { VaultProvider } from './providers/vault.js';
import { scrub } from './redact.js';
import { credentialsFor, planSecretReads } from './secret-managers/index.js';
import { requestedProviders } from './request.js';
import type { CredentialsRequest, ProviderKey } from './request.js';
import type { RetryOptions } from './retry.js';
import { CredentialError } from './types.js';
import type { CredentialProvider, Credentials, Fetch, IdentitySource, IdentityToken } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProvider = CredentialProvider<any>;

export interface ObtainOptions {
  identity: IdentitySource;
  fetch?: Fetch;
  now?: () => Date;
  /** What the adapter knows about the run: AWS session names and the audit's `who.run`. */
  runInfo?: RunInfo & { url?: string };
  retry?: RetryOptions;
  /** JWKS fetch timeout per request. */
  timeoutMs?: number;
  /** Replaces the provider built from the request's endpoints (custom clients, tests). */
  providers?: Partial<Record<ProviderKey, AnyProvider>>;
  awsClientConfig?: Partial<STSClientConfig>;
  /** Sees every audit record as it happens, also those of a failed run. */
  onAudit?: (record: AuditRecord) => void;
  /** Issuer keys shared by every token check (default: a fresh in-memory cache per call). */
  jwksCache?: JwksCache;
}

export interface ObtainResult {
  credentials: Credentials[];
  audit: AuditRecord[];
  warnings: string[];
}

/** The providers a request needs, built from its endpoints unless the caller supplies them. */
export function buildProviders(
  request: CredentialsRequest,
  options: Pick<ObtainOptions, 'fetch' | 'retry' | 'providers' | 'awsClientConfig'>,
): Record<ProviderKey, AnyProvider> {
  const e = request.endpoints ?? {};
  const common = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  const make: Record<ProviderKey, () => AnyProvider> = {
    aws: () =>
      new AwsProvider({
        ...(e.awsSts ? { endpoint: e.awsSts } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.awsClientConfig ? { clientConfig: options.awsClientConfig } : {}),
      }),
    gcp: () =>
      new GcpProvider({
        ...common,
        ...(e.gcpSts ? { stsUrl: e.gcpSts } : {}),
        ...(e.gcpIamCredentials ? { iamCredentialsUrl: e.gcpIamCredentials } : {}),
      }),
    vault: () => new VaultProvider(common),
    tokenExchange: () => new TokenExchangeProvider(common),
    github: () => new GithubStsProvider({ ...common, ...(e.githubApi ? { apiUrl: e.githubApi } : {}) }),
    azure: () =>
      new AzureProvider({ ...common, ...(e.azureAuthority ? { authorityHost: e.azureAuthority } : {}) }),
  };
  const out = {} as Record<ProviderKey, AnyProvider>;
  for (const key of requestedProviders(request)) out[key] = options.providers?.[key] ?? make[key]();
  return out;
}

/** The provider's own request: the shared audience filled in, AWS given the run, `profile` dropped. */
export function providerRequest(
  request: CredentialsRequest,
  key: ProviderKey,
  runInfo: RunInfo | undefined,
): Record<string, unknown> {
  const part = { ...(request[key] as unknown as Record<string, unknown>) };
  const audField = key === 'tokenExchange' ? 'tokenAudience' : 'audience';
  if (part[audField] === undefined && request.audience !== undefined) part[audField] = request.audience;
  if (key === 'aws') {
    delete part['profile'];
    delete part['profiles'];
    if (runInfo) part['run'] = runInfo;
  }
  return part;
}

/** One exchange: a provider's request, and for AWS profiles the profile it is written under. */
export interface ExchangeStep {
  part: Record<string, unknown>;
  profile?: string;
}

/**
 * A provider's exchanges: one, except for AWS with `profiles` — the section's role (if any) and then
 * one per profile line, each with the section's options but its own role and region (no chain).
 */
export function exchangeSteps(
  request: CredentialsRequest,
  key: ProviderKey,
  runInfo: RunInfo | undefined,
): ExchangeStep[] {
  const part = providerRequest(request, key, runInfo);
  const aws = request.aws;
  if (key !== 'aws' || !aws || (aws.profile === undefined && aws.profiles === undefined)) return [{ part }];
  const steps: ExchangeStep[] = [];
  if (aws.roleArn !== undefined) steps.push({ part, profile: aws.profile ?? 'default' });
  for (const line of aws.profiles ?? []) {
    const { chain: _chain, ...rest } = part;
    steps.push({
      part: { ...rest, roleArn: line.roleArn, region: line.region ?? part['region'] },
      profile: line.profile,
    });
  }
  checkProfileNames(steps.map((s) => s.profile!));
  return steps;
}

function runLabel(run: ObtainOptions['runInfo']): string | undefined {
  if (!run) return undefined;
  if (run.url) return run.url;
  if (!run.runId) return undefined;
  return run.runAttempt ? `${run.runId}/${run.runAttempt}` : run.runId;
}

interface Planned {
  key: ProviderKey;
  provider: AnyProvider;
  part: Record<string, unknown>;
  profile?: string;
  token: IdentityToken;
}

export async function obtainCredentials(
  request: CredentialsRequest,
  options: ObtainOptions,
): Promise<ObtainResult> {
  const now = options.now ?? (() => new Date());
  const run = runLabel(options.runInfo);
  const audit: AuditRecord[] = [];
  const warnings: string[] = [];
  const record = (
    event: AuditEvent,
    provider: string,
    token: IdentityToken | undefined,
    extra: Partial<AuditRecord> = {},
  ): void => {
    const r: AuditRecord = {
      time: now().toISOString(),
      event,
      provider,
      who: whoOf(token, run),
      what: {},
      ...extra,
    };
    audit.push(r);
    options.onAudit?.(r);
  };
  const providers = buildProviders(request, options);
  // Secret selectors are parsed before any token is requested: a typo costs no exchange.
  const reads = planSecretReads(request, options);
  const tokens = new Map<string, IdentityToken>();
  // One JWKS fetch per issuer for the whole step, however many providers check a token.
  const jwksCache = options.jwksCache ?? new JwksCache();
  const planned: Planned[] = [];

  // Every token is checked before the first exchange: one mismatch and nothing is sent anywhere.
  const steps = requestedProviders(request).flatMap((key) => {
    try {
      return exchangeSteps(request, key, options.runInfo).map((step) => ({ key, ...step }));
    } catch (error) {
      record('refused', providers[key].name, undefined, { error: errorInfo(error, undefined) });
      throw error;
    }
  });
  for (const { key, part, profile } of steps) {
    const provider = providers[key];
    const audience = provider.defaultAudience(part);
    let token = tokens.get(audience);
    try {
      if (!token) {
        token = await options.identity.token(audience);
        tokens.set(audience, token);
      }
      const check = await checkToken(token, {
        audience,
        ...(request.issuer ? { issuer: request.issuer } : {}),
        ...(request.expect ? { claims: request.expect } : {}),
        verify: request.verify ?? true,
        cache: jwksCache,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        now: now(),
      });
      for (const w of check.warnings) if (!warnings.includes(w)) warnings.push(w);
    } catch (error) {
      record('refused', provider.name, token, { error: errorInfo(error, token) });
      throw error;
    }
    planned.push({ key, provider, part, token, ...(profile !== undefined ? { profile } : {}) });
  }

  const granted: Credentials[] = [];
  for (const step of planned) {
    let credentials: Credentials;
    try {
      credentials = await step.provider.exchange(step.token, step.part);
      // The adapters write profile files from this; the audit shows which profile got which role.
      if (step.profile !== undefined)
        credentials = { ...credentials, grant: { ...credentials.grant, profile: step.profile } };
    } catch (error) {
      record('failed', step.provider.name, step.token, {
        what: grantOfRequest(step.key, { ...step.part, profile: step.profile }),
        error: errorInfo(error, step.token),
      });
      const undo = await revokeAll(granted, {
        now,
        ...(options.onAudit ? { onAudit: options.onAudit } : {}),
      });
      audit.push(...undo.audit);
      throw error;
    }
    granted.push(credentials);
    record('granted', credentials.provider, step.token, {
      what: safeGrant(credentials),
      ...(credentials.expiresAt ? { expiresAt: credentials.expiresAt.toISOString() } : {}),
    });
  }
  // Secret managers read with what their provider just granted; a failed read revokes it all.
  for (const read of reads) {
    const step = planned.find((p) => p.key === read.key)!;
    try {
      const source = credentialsFor(read.key, granted);
      if (!source) throw new CredentialError(`${read.provider}: no ${read.key} credentials to read with`);
      const credentials = await read.read({ credentials: source, token: step.token, part: step.part });
      granted.push(credentials);
      record('granted', credentials.provider, step.token, { what: safeGrant(credentials) });
    } catch (error) {
      record('failed', read.provider, step.token, { what: read.what, error: errorInfo(error, step.token) });
      const undo = await revokeAll(granted, {
        now,
        ...(options.onAudit ? { onAudit: options.onAudit } : {}),
      });
      audit.push(...undo.audit);
      throw error;
    }
  }
  return { credentials: granted, audit, warnings };
}

/** What was asked for, for the audit of a failed exchange (no secrets exist yet). */
function grantOfRequest(key: ProviderKey, part: Record<string, unknown>): Record<string, string | string[]> {
  const pick = [
    'profile',
    'roleArn',
    'role',
    'address',
    'workloadIdentityProvider',
    'serviceAccount',
    'tokenUrl',
    'scope',
  ];
  const out: Record<string, string | string[]> = {};
  for (const name of pick) {
    const v = part[name];
    if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[name] = v as string[];
  }
  if (key === 'github' && typeof part['identity'] === 'string') out['identity'] = part['identity'];
  return out;
}

function errorInfo(error: unknown, token: IdentityToken | undefined): { kind: string; message: string } {
  const kind = error instanceof CredentialError ? error.kind : 'provider';
  const message = error instanceof Error ? error.message : String(error);
  return { kind, message: scrub(message, [token?.raw]) };
}

export interface RevokeOptions {
  now?: () => Date;
  onAudit?: (record: AuditRecord) => void;
}

/** Revokes in reverse order of granting; a failed revoke is reported and does not stop the others. */
export async function revokeAll(
  credentials: readonly Credentials[],
  options: RevokeOptions = {},
): Promise<{ audit: AuditRecord[]; warnings: string[] }> {
  const now = options.now ?? (() => new Date());
  const audit: AuditRecord[] = [];
  const warnings: string[] = [];
  for (const c of [...credentials].reverse()) {
    if (!c.revoke) continue;
    const base = { time: '', provider: c.provider, who: {}, what: safeGrant(c) };
    let r: AuditRecord;
    try {
      await c.revoke();
      r = { ...base, time: now().toISOString(), event: 'revoked' };
    } catch (error) {
      const secrets = c.values.map((v) => v.value);
      const message = scrub(error instanceof Error ? error.message : String(error), secrets);
      warnings.push(`${c.provider}: revoke failed: ${message}`);
      r = { ...base, time: now().toISOString(), event: 'revoke-failed', error: { kind: 'revoke', message } };
    }
    audit.push(r);
    options.onAudit?.(r);
  }
  return { audit, warnings };
}
