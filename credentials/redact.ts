/**
 * Keeps tokens and secrets out of error messages: provider error bodies sometimes echo what they were
 * sent, so every message built from a response goes through `scrub` with the values of the call.
 */

const JWT_LIKE = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const LONG_OPAQUE = /\b[A-Za-z0-9+/_-]{40,}={0,2}/g;

/** Removes the given values, anything JWT-shaped and long opaque strings; caps the length. */
export function scrub(text: string, secrets: readonly (string | undefined)[] = [], max = 400): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  out = out.replace(JWT_LIKE, '[redacted jwt]').replace(LONG_OPAQUE, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
