import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeJwt } from '../identity/jwt.js';
import { isTimeout } from '../retry.js';
import { CredentialError } from '../types.js';
import type { Fetch, IdentityToken } from '../types.js';
import { cacheSeconds } from './jwks-cache.js';
import type { IssuerKeys, Jwk, JwksCache } from './jwks-cache.js';

export interface VerifyOptions {
  fetch?: Fetch;
  /** Per request; an issuer slower than this counts as unreachable. Default 5000 ms. */
  timeoutMs?: number;
  /** Keys fetched before (this step, or on disk); without it every call fetches. */
  cache?: JwksCache;
}

export type VerifyResult =
  | { status: 'verified'; alg: string; kid: string | undefined; jwksUri: string }
  /** The issuer could not be asked: the caller warns and goes on (the provider verifies anyway). */
  | { status: 'skipped'; warning: string };

const SUPPORTED: Record<string, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

/** The issuer is not reachable or not answering OIDC discovery: not the token's fault. */
class Unreachable extends Error {}

async function getJson(url: string, options: VerifyOptions): Promise<{ body: unknown; maxAge?: number }> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const unreachable = (error: unknown): Unreachable =>
    new Unreachable(
      isTimeout(error) ? `${url}: no answer within ${timeoutMs} ms` : `${url}: ${(error as Error).message}`,
    );
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Unreachable(`${url}: HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    throw error instanceof Unreachable ? error : unreachable(error);
  }
  try {
    const maxAge = cacheSeconds(response.headers.get('cache-control'));
    return { body: JSON.parse(text), ...(maxAge !== undefined ? { maxAge } : {}) };
  } catch {
    throw new Unreachable(`${url}: the answer is not JSON`);
  }
}

/** `<issuer>/.well-known/openid-configuration` (issuer paths such as GHES's `/_services/token` kept). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** Discovery then the JWKS; cached for the shorter of the two answers' max-age. */
async function fetchKeys(issuer: string, options: VerifyOptions): Promise<IssuerKeys> {
  const discovery = await getJson(discoveryUrl(issuer), options);
  const jwksUri = (discovery.body as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof jwksUri !== 'string') throw new Unreachable(`${discoveryUrl(issuer)}: no jwks_uri`);
  const jwks = await getJson(jwksUri, options);
  const keys = (jwks.body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Unreachable(`${jwksUri}: no "keys" array`);
  const ages = [discovery.maxAge, jwks.maxAge].filter((a): a is number => a !== undefined);
  const result = { jwksUri, keys: keys as Jwk[] };
  await options.cache?.set(issuer, result, ages.length > 0 ? Math.min(...ages) : undefined);
  return result;
}

/** True when the token names a kid the keys do not have: the issuer may have rotated since. */
const unknownKid = (token: IdentityToken, keys: Jwk[]): boolean => {
  const kid = token.header['kid'];
  return typeof kid === 'string' && !keys.some((k) => k.kid === kid);
};

function fail(token: IdentityToken, why: string): CredentialError {
  return new CredentialError(
    `the token from ${token.source} failed signature verification: ${why}`,
    'claims',
  );
}

function pickKey(token: IdentityToken, keys: Jwk[], alg: string, jwksUri: string): KeyObject {
  const kid = token.header['kid'];
  const want = SUPPORTED[alg]!;
  const fits = (k: Jwk) =>
    k.kty === want.kty &&
    (want.crv === undefined || k.crv === want.crv) &&
    (k.alg === undefined || k.alg === alg);
  const candidates =
    typeof kid === 'string'
      ? keys.filter((k) => k.kid === kid)
      : keys.filter((k) => fits(k) && k.use !== 'enc');
  if (candidates.length === 0)
    throw fail(
      token,
      typeof kid === 'string'
        ? `the issuer's JWKS (${jwksUri}) has no key with kid "${kid}" — not signed by this issuer`
        : `the token names no kid and the issuer's JWKS has no ${alg} key`,
    );
  const key = candidates[0]!;
  if (!fits(key))
    throw fail(token, `key "${String(key.kid)}" is a ${String(key.kty)} key, not usable for ${alg}`);
  try {
    return createPublicKey({ key, format: 'jwk' });
  } catch (error) {
    throw fail(token, `key "${String(key.kid)}" in the JWKS is invalid: ${(error as Error).message}`);
  }
}

/**
 * Verifies the token's signature against the JWKS its issuer publishes. This proves the token came
 * from the issuer named in `iss` — so it is only meaningful together with an expected-issuer check.
 * An unreachable issuer yields `skipped` (the provider verifies the token itself anyway); a
 * signature that does not verify throws.
 */
export async function verifySignature(
  token: IdentityToken,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const alg = String(token.header['alg']);
  if (!SUPPORTED[alg])
    throw fail(token, `algorithm "${alg}" is not accepted (expected ${Object.keys(SUPPORTED).join(' or ')})`);
  const iss = token.claims['iss'];
  if (typeof iss !== 'string' || !/^https?:\/\//.test(iss))
    throw fail(token, 'the "iss" claim is not an issuer URL');
  let jwks: IssuerKeys;
  let cached: IssuerKeys | undefined;
  try {
    cached = await options.cache?.get(iss);
    // Cached keys without the token's kid: refetch once, in case the issuer rotated its keys.
    jwks = cached && !unknownKid(token, cached.keys) ? cached : await fetchKeys(iss, options);
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    // Not reachable now, but its keys are known: judge by them (an unknown kid then fails).
    if (cached) return checkWith(token, cached, alg, iss);
    return {
      status: 'skipped',
      warning: `signature not verified: the issuer's keys could not be fetched (${error.message})`,
    };
  }
  return checkWith(token, jwks, alg, iss);
}

function checkWith(token: IdentityToken, jwks: IssuerKeys, alg: string, iss: string): VerifyResult {
  const key = pickKey(token, jwks.keys, alg, jwks.jwksUri);
  const { signingInput, signature } = decodeJwt(token.raw, token.source);
  const ok =
    alg === 'ES256'
      ? verify('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, signature)
      : verify('sha256', Buffer.from(signingInput), key, signature);
  if (!ok) throw fail(token, `the signature does not match key "${String(token.header['kid'])}" of ${iss}`);
  const kid = token.header['kid'];
  return { status: 'verified', alg, kid: typeof kid === 'string' ? kid : undefined, jwksUri: jwks.jwksUri };
}
