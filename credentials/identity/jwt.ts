import { CredentialError } from '../types.js';
import type { IdentityToken } from '../types.js';

/** A compact JWS split into its parts; nothing here is trusted until the signature is verified. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** `base64url(header).base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function jsonPart(part: string, what: string, source: string): Record<string, unknown> {
  const fail = (why: string) =>
    new CredentialError(`the token from ${source} is not a valid JWT: ${what} ${why}`, 'config');
  if (!BASE64URL.test(part) || part.length === 0) throw fail('is not base64url');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw fail('is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('is not a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Splits and decodes a compact JWS. Errors name the source and what is wrong, never the token: a
 * wrong variable can hold any secret, so not even a prefix is echoed.
 */
export function decodeJwt(raw: string, source: string): DecodedJwt {
  const token = raw.trim();
  if (token.length === 0) throw new CredentialError(`the token from ${source} is empty`, 'config');
  const parts = token.split('.');
  if (parts.length === 5)
    throw new CredentialError(
      `the token from ${source} is an encrypted JWT (JWE, 5 parts); a signed JWT (JWS, 3 parts) is needed`,
      'config',
    );
  if (parts.length !== 3)
    throw new CredentialError(
      `the token from ${source} is not a JWT: expected 3 dot-separated parts, found ${parts.length}`,
      'config',
    );
  const [head, body, sig] = parts as [string, string, string];
  const header = jsonPart(head, 'the header', source);
  const claims = jsonPart(body, 'the payload', source);
  if (typeof header['alg'] !== 'string')
    throw new CredentialError(
      `the token from ${source} is not a valid JWT: the header has no "alg"`,
      'config',
    );
  if (!BASE64URL.test(sig))
    throw new CredentialError(
      `the token from ${source} is not a valid JWT: the signature is not base64url`,
      'config',
    );
  return { header, claims, signingInput: `${head}.${body}`, signature: Buffer.from(sig, 'base64url') };
}

/** Decodes `raw` into the IdentityToken the rest of the room works with. */
export function identityToken(raw: string, source: string): IdentityToken {
  const { header, claims } = decodeJwt(raw, source);
  return { raw: raw.trim(), header, claims, source };
}
