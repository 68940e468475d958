/**
 * Matching with the semantics of AWS `StringLike` (which users write trust policies in): `*` is any
 * run of characters including `/` and `:`, `?` exactly one; everything else is literal.
 */
export function globMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern);
}
