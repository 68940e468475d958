/**
 * A pattern's possible first characters, as a leading lookahead V8 can check cheaply; and the
 * characters every match contains, which let the engine skip windows without running the pattern.
 *
 * V8 skips quickly to where a match can start, unless the pattern can begin with a positive
 * lookbehind (`(?:(?<![a-z])p|(?<=[a-z])P)ass`, as in the generic rules): then the whole pattern
 * is tried at every position of a window, ~30 ns per character on a large pattern. Prefixed with
 * `(?=[pP])` it finds the same matches (every match starts with one of those characters) and each
 * failing position costs one character test. Where V8 scans well by itself the prefix only gets in
 * its way (2-5x slower, measured), so it is added only after a positive lookbehind at the start.
 *
 * The set comes from a conservative reading of the source (pattern-facts.ts); when it is not
 * known the pattern stays as it is.
 */
import { patternFacts } from './pattern-facts.js';
import { size, type Ranges } from './ranges.js';

/** Sets larger than this let too many positions through to be worth a hint. */
const MAX_HINT_CHARS = 96;

function toClass(set: Ranges): string {
  const hex = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;
  let out = '';
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i] as number;
    const hi = set[i + 1] as number;
    out += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
  }
  return `[${out}]`;
}

/** The characters every match of the pattern starts with, or undefined when that is not known. */
export function firstCharacters(source: string, flags: string): Ranges | undefined {
  const facts = patternFacts(source, flags);
  if (!facts || facts.nullable || !facts.first || size(facts.first) > MAX_HINT_CHARS) return undefined;
  return facts.first;
}

/**
 * The pattern source, with a leading lookahead for its first characters when the pattern can
 * begin with a positive lookbehind and those characters are known and few. `always` adds it
 * whenever the characters are known (for tests).
 */
export function withStartHint(source: string, flags: string, always = false): string {
  // Most patterns have no positive lookbehind at all; they need no analysis.
  if (!always && (!source.includes('(?<=') || !patternFacts(source, flags)?.lookbehindFirst)) return source;
  const first = firstCharacters(source, flags);
  if (!first || first.length === 0) return source;
  return `(?=${toClass(first)})(?:${source})`;
}

/** At most this many required characters are checked per window; each check is a search. */
const MAX_REQUIRED = 3;

/**
 * Characters every match of the pattern contains, punctuation first (usually the rarest), at
 * most a few. Empty when none is certain.
 */
export function requiredCharacters(source: string, flags: string): string[] {
  const required = patternFacts(source, flags)?.required ?? [];
  const rank = (c: string): number => (/[A-Za-z0-9]/.test(c) ? (/[A-Z]/.test(c) ? 1 : 2) : 0);
  return [...required].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_REQUIRED);
}
