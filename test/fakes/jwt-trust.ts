/**
 * How the provider fakes judge a presented job token, like the real services do: signature against
 * the issuer's JWKS (fetched over HTTP), then `iss`, `aud`, `exp` and exact-match claim conditions.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';

export interface Trust {
  issuer: string;
  jwksUri: string;
  /** Accepted audiences; the token's `aud` (string or array) must contain one. */
  audiences: string[];
  /** Claims that must equal these values exactly (e.g. `{ sub: 'repo:o/r:ref:refs/heads/main' }`). */
  claims?: Record<string, string>;
}

export type Verdict = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

function part(raw: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function judge(raw: string, trust: Trust): Promise<Verdict> {
  const pieces = raw.split('.');
  const header = part(pieces[0]);
  const claims = part(pieces[1]);
  if (pieces.length !== 3 || !header || !claims) return { ok: false, reason: 'malformed' };
  const response = await fetch(trust.jwksUri);
  const jwks = (await response.json()) as { keys: (JsonWebKey & { kid?: string })[] };
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  if (!jwk) return { ok: false, reason: 'unknown kid' };
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const input = Buffer.from(`${pieces[0]}.${pieces[1]}`);
  const signature = Buffer.from(pieces[2]!, 'base64url');
  const valid =
    header.alg === 'ES256'
      ? verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : verify('sha256', input, key, signature);
  if (!valid) return { ok: false, reason: 'bad signature' };
  if (claims.iss !== trust.issuer) return { ok: false, reason: 'issuer' };
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => trust.audiences.includes(String(a)))) return { ok: false, reason: 'audience' };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now())
    return { ok: false, reason: 'expired' };
  for (const [name, expected] of Object.entries(trust.claims ?? {})) {
    if (claims[name] !== expected) return { ok: false, reason: `claim ${name}` };
  }
  return { ok: true, claims };
}

/** Switches every fake shares: the next `times` matching requests answer `status` (503, 429, 400...). */
export interface FailureSwitch {
  status: number;
  /** How many requests fail before the fake answers normally again. */
  times: number;
  /** Only requests whose path (or AWS Action) contains this. Default: any. */
  match?: string;
  /** The provider's error code in the body (AWS `Throttling`, OAuth `invalid_grant`...). */
  code?: string;
}

/** Takes one failure off the switch when it applies to `key`; returns the status to answer with. */
export function takeFailure(switches: FailureSwitch[], key: string): FailureSwitch | undefined {
  const hit = switches.find((s) => s.times > 0 && (s.match === undefined || key.includes(s.match)));
  if (!hit) return undefined;
  hit.times -= 1;
  return hit;
}

export async function readBody(req: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
