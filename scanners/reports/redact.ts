/**
 * Preview of a secret that is safe to print: at most four leading characters and never more than a
 * quarter of the value, then the length, e.g. `ghp_…(40 chars)`. Counted in code points so a
 * preview never splits a surrogate pair.
 */
export function redact(secret: string): string {
  const chars = Array.from(secret);
  const shown = Math.min(4, Math.floor(chars.length / 4));
  return `${chars.slice(0, shown).join('')}…(${chars.length} chars)`;
}
