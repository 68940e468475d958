/**
 * The credentials room: CI identity (an OIDC token) in, short-lived credentials out. Pure library:
 * no `process.env`, no `@actions/*`; the network comes in as an injectable `fetch`.
 */

export type Fetch = typeof fetch;

/** A JWT as the job received it, with its decoded (not yet trusted) parts. */
export interface IdentityToken {
  /** The raw compact JWT. Never logged; adapters register it with the runner's masking. */
  raw: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Where it came from, for messages: `GitHub Actions id-token`, `file /var/run/secrets/...`. */
  source: string;
}

/** Gets the job's token for an audience (GitHub requests one per audience; GitLab/file tokens have one). */
export interface IdentitySource {
  token(audience: string): Promise<IdentityToken>;
}

/** One named value a provider produced: an env var, an output, or a line of a credentials file. */
export interface CredentialValue {
  name: string;
  value: string;
  /** False only for identifiers that are safe to print (account id, role ARN, expiry). */
  secret: boolean;
}

export interface Credentials {
  provider: string;
  values: CredentialValue[];
  expiresAt?: Date;
  /** What was granted, for the audit record (role, scopes, paths) — never secret values. */
  grant: Record<string, string | string[]>;
  /** Undoes the grant where the provider allows it (Vault leases and token, GitHub STS tokens). */
  revoke?: () => Promise<void>;
}

export interface CredentialProvider<Request> {
  readonly name: string;
  /** The `aud` the provider's trust configuration expects by default (e.g. `sts.amazonaws.com`). */
  defaultAudience(request: Request): string;
  exchange(token: IdentityToken, request: Request): Promise<Credentials>;
}

/** A failure the user can act on: what went wrong and the likely cause; never a token or secret. */
export class CredentialError extends Error {
  constructor(
    message: string,
    readonly kind: 'claims' | 'auth' | 'config' | 'transient' | 'provider' = 'provider',
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}
