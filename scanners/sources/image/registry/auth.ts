/**
 * Registry authentication: start anonymous; on a 401 read `WWW-Authenticate`. Bearer: fetch a token
 * from the realm for the challenge's scope (with Basic credentials or an identity token when we have
 * them), cache it per scope until it expires. Basic: send the credentials. Messages name the source
 * of the credentials tried, never a value.
 */
import { ImageError } from '../types.js';
import type { RegistryCredential } from './credentials.js';
import { ENV_PASSWORD, ENV_USERNAME } from './credentials.js';
import { checkServerUrl, discard, exchange, readBody, throwIfRetryable } from './http.js';
import type { TransportOptions } from './http.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (several challenges allowed, RFC 7235). */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/y;
  const param = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;
  let at = 0;
  while (at < header.length) {
    token.lastIndex = at;
    const scheme = token.exec(header);
    if (!scheme) break;
    at = token.lastIndex;
    const params: Record<string, string> = {};
    for (;;) {
      param.lastIndex = at;
      const m = param.exec(header);
      if (!m) break;
      // A following scheme looks like a bare token; a param always has `=`.
      params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
      at = param.lastIndex;
    }
    challenges.push({ scheme: scheme[1]!.toLowerCase(), params });
    const comma = /\s*,?/y;
    comma.lastIndex = at;
    comma.exec(header);
    at = comma.lastIndex;
  }
  return challenges;
}

const NO_CREDENTIALS =
  `no credentials configured (tried anonymous access). Pass --username with --password-stdin, set ` +
  `${ENV_USERNAME}/${ENV_PASSWORD}, or run docker login`;

interface CachedToken {
  header: string;
  expiresAt: number;
}

/** Tokens live 60 s when the server does not say (distribution spec); refresh a little early. */
const DEFAULT_TOKEN_SECONDS = 60;
const EARLY_REFRESH_MS = 5_000;
const TOKEN_BODY_LIMIT = 1 << 20;

export class Authenticator {
  private mode: 'anonymous' | 'basic' | 'bearer' = 'anonymous';
  private bearer: { realm: URL; service?: string } | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  /** How many tokens were fetched, per scope (tests and messages). */
  readonly tokenRequests = new Map<string, number>();

  constructor(
    private readonly registry: string,
    private readonly credential: RegistryCredential | undefined,
    private readonly transport: TransportOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** What was tried, for messages: never a value. */
  describeCredentials(): string {
    return this.credential ? `credentials from ${this.credential.source}` : 'anonymous access';
  }

  /** The header to send before any challenge for `scope`, if we already know one. */
  header(scope: string): string | undefined {
    if (this.mode === 'basic') return this.basicHeader();
    if (this.mode === 'bearer') {
      const cached = this.tokens.get(this.cacheKey(scope));
      if (cached && cached.expiresAt > this.now()) return cached.header;
    }
    return undefined;
  }

  /**
   * Handles a 401 for a request that needed `scope`; returns the header to retry with. Throws
   * `ImageError('auth')` when there is nothing better to try.
   */
  async challenge(header: string | null, scope: string, sent: string | undefined): Promise<string> {
    const challenges = parseChallenges(header ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      if (!bearer.params.realm) throw new ImageError(`${this.registry}: Bearer challenge without a realm`);
      const realm = checkServerUrl(bearer.params.realm, undefined, this.transport.insecure, 'token realm');
      this.mode = 'bearer';
      this.bearer = { realm };
      if (bearer.params.service) this.bearer.service = bearer.params.service;
      const wanted = bearer.params.scope || scope;
      const key = this.cacheKey(wanted);
      const cached = this.tokens.get(key);
      if (cached && cached.header !== sent && cached.expiresAt > this.now()) return cached.header;
      if (sent !== undefined && sent === cached?.header) this.tokens.delete(key);
      if (sent !== undefined && bearer.params.error === 'insufficient_scope') throw this.denied(wanted);
      return this.fetchToken(wanted, scope);
    }
    if (basic) {
      if (!this.credential?.password || this.credential.username === undefined) {
        throw new ImageError(`${this.registry} requires a user name and password: ${NO_CREDENTIALS}`, 'auth');
      }
      if (sent !== undefined && sent === this.basicHeader()) throw this.rejected();
      this.mode = 'basic';
      return this.basicHeader()!;
    }
    throw new ImageError(
      `${this.registry} answered 401 without a Bearer or Basic challenge; cannot authenticate`,
      'auth',
    );
  }

  /** Error for a 401 that persists after we authenticated. */
  rejected(): ImageError {
    if (!this.credential)
      return new ImageError(`${this.registry} requires authentication: ${NO_CREDENTIALS}`, 'auth');
    return new ImageError(
      `${this.registry} rejected the ${this.describeCredentials()}; check the user name and password or token`,
      'auth',
    );
  }

  denied(scope: string): ImageError {
    return new ImageError(
      `${this.registry}: access denied for ${scope} with ${this.describeCredentials()}; ` +
        (this.credential ? 'these credentials lack pull access to the repository' : NO_CREDENTIALS),
      'auth',
    );
  }

  private cacheKey(scope: string): string {
    return `${this.bearer?.realm.href ?? ''} ${this.bearer?.service ?? ''} ${scope}`;
  }

  private basicHeader(): string | undefined {
    const c = this.credential;
    if (!c?.password || c.username === undefined) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  private async fetchToken(scope: string, fallbackScope: string): Promise<string> {
    const { realm, service } = this.bearer!;
    const url = new URL(realm);
    const what = `token from ${realm.origin}${realm.pathname}`;
    const scopes = scope.split(' ').filter(Boolean);
    const spec: Parameters<typeof exchange>[1] = { what, headers: { accept: 'application/json' } };
    const identityToken = this.credential?.identityToken;
    if (identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: identityToken });
      form.set('client_id', 'keyless');
      if (service) form.set('service', service);
      form.set('scope', scopes.join(' ') || fallbackScope);
      spec.method = 'POST';
      spec.body = form.toString();
      spec.headers!['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const basic = this.basicHeader();
      if (basic) {
        spec.authorization = basic;
        url.searchParams.set('account', this.credential!.username!);
      }
    }
    this.tokenRequests.set(scope, (this.tokenRequests.get(scope) ?? 0) + 1);
    const ex = await exchange(url, spec, this.transport);
    const { status } = ex.response;
    if (status === 401 || status === 403) {
      await discard(ex);
      if (!this.credential) {
        throw new ImageError(
          `${this.registry}: the token service refused anonymous access: ${NO_CREDENTIALS}`,
          'auth',
        );
      }
      throw new ImageError(
        `${this.registry}: the token service rejected the ${this.describeCredentials()} (${status}); ` +
          'check the user name and password or token',
        'auth',
      );
    }
    throwIfRetryable(ex.response, what, this.transport.retry);
    if (status !== 200) {
      await discard(ex);
      throw new ImageError(`${what}: unexpected status ${status}`, 'auth');
    }
    const body = await readBody(ex, TOKEN_BODY_LIMIT, what, this.transport.timeoutMs);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      throw new ImageError(`${what}: answer is not JSON`, 'auth');
    }
    const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const token =
      typeof record.token === 'string' && record.token
        ? record.token
        : typeof record.access_token === 'string'
          ? record.access_token
          : '';
    if (!token) throw new ImageError(`${what}: answer holds neither "token" nor "access_token"`, 'auth');
    const seconds =
      typeof record.expires_in === 'number' && record.expires_in > 0
        ? record.expires_in
        : DEFAULT_TOKEN_SECONDS;
    // Refresh a little early, but never treat a short-lived token as expired on arrival.
    const life = Math.max(seconds * 1000 - EARLY_REFRESH_MS, seconds * 500);
    const cached = { header: `Bearer ${token}`, expiresAt: this.now() + life };
    this.tokens.set(this.cacheKey(scope), cached);
    return cached.header;
  }
}
