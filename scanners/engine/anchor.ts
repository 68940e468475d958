/**
 * Rules whose every match begins with one of their own keywords ("anchored" rules), read from the
 * pattern: such a rule can only match where one of its keywords starts, so the engine tries the
 * pattern once at each such hit instead of searching a window around it, and first looks at the
 * character after the keyword: a hit whose next character no match can have there is dropped
 * without running the pattern (`author` for a rule that needs `auth` followed by `=`, `:`, `_`...).
 */
import { patternFacts } from './pattern-facts.js';
import { beginnings, type Reach } from './prefix-paths.js';
import { union, type Ranges } from './ranges.js';

/** Index of "a character from U+0080 up" and of "the end of the text" in a follow table. */
export const FOLLOW_NON_ASCII = 128;
export const FOLLOW_END = 129;
export const FOLLOW_SIZE = 130;

/**
 * Per keyword (lower case, as the rule lists it): a table of FOLLOW_SIZE flags, 1 where the
 * character after the keyword may continue a match that starts at the keyword.
 */
export type FollowTables = Map<string, Uint8Array>;

/** Every string the first `length` sets of `path` match is the keyword's beginning (in either case). */
function agrees(keyword: string, path: Ranges[], length: number): boolean {
  for (let i = 0; i < length; i++) {
    const set = path[i] as Ranges;
    const c = keyword.charCodeAt(i);
    const other = c >= 97 && c <= 122 ? c - 32 : c;
    // Every character the set matches must be the keyword's (in either case, as the automaton folds):
    // the two cases are 32 apart, so each range is a single one of them.
    for (let r = 0; r < set.length; r += 2) {
      const lo = set[r] as number;
      if (lo !== set[r + 1] || (lo !== c && lo !== other)) return false;
    }
  }
  return true;
}

function covers(keyword: string, path: Ranges[]): boolean {
  return path.length >= keyword.length && agrees(keyword, path, keyword.length);
}

class NotAnchored extends Error {}

/** Paths are followed one character past the longest keyword they can still begin with. */
function reachOf(keywords: string[]): Reach {
  return (path) => {
    let reach = 0;
    for (const keyword of keywords) {
      if (keyword.length + 1 > reach && agrees(keyword, path, Math.min(path.length, keyword.length)))
        reach = keyword.length + 1;
    }
    // A match no keyword can begin settles the question.
    if (reach === 0) throw new NotAnchored();
    return reach;
  };
}

function table(set: Ranges | undefined, end: boolean): Uint8Array {
  const out = new Uint8Array(FOLLOW_SIZE);
  if (set === undefined) {
    out.fill(1);
    return out;
  }
  for (let r = 0; r < set.length; r += 2) {
    const lo = set[r] as number;
    const hi = set[r + 1] as number;
    for (let x = lo; x <= Math.min(hi, 127); x++) out[x] = 1;
    if (hi >= 128) out[FOLLOW_NON_ASCII] = 1;
  }
  if (end) out[FOLLOW_END] = 1;
  return out;
}

/**
 * Follow tables when every match of the pattern starts with one of `keywords` (lower-case ASCII,
 * matched case-insensitively like the keyword automaton does); undefined otherwise.
 */
export function keywordAnchors(source: string, flags: string, keywords: string[]): FollowTables | undefined {
  if (keywords.length === 0) return undefined;
  const shape = patternFacts(source, flags)?.shape;
  let paths: Ranges[][] | undefined;
  try {
    paths = shape && beginnings(shape, reachOf(keywords));
  } catch (error) {
    if (error instanceof NotAnchored) return undefined;
    throw error;
  }
  if (!paths) return undefined;
  const follow = new Map<string, { set: Ranges; any: boolean; end: boolean }>();
  for (const keyword of keywords) follow.set(keyword, { set: [], any: false, end: false });
  for (const path of paths) {
    let covered = false;
    for (const keyword of keywords) {
      if (!covers(keyword, path)) continue;
      covered = true;
      const entry = follow.get(keyword) as { set: Ranges; any: boolean; end: boolean };
      // A path ending with the keyword: the match may end there, before any character or the text's end.
      if (path.length === keyword.length) entry.any = entry.end = true;
      else entry.set = union(entry.set, path[keyword.length] as Ranges);
    }
    if (!covered) return undefined;
  }
  const tables: FollowTables = new Map();
  for (const [keyword, entry] of follow)
    tables.set(keyword, table(entry.any ? undefined : entry.set, entry.end));
  return tables;
}
