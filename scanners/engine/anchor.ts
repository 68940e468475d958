/**
 * Rules whose every match begins with one of their own keywords ("anchored" rules), read from the
 * pattern: such a rule can only match where one of its keywords starts, so the engine tries the
 * pattern once at each such hit instead of searching a window around it, and first looks at the
 * character after the keyword: a hit whose next character no match can have there is dropped
 * without running the pattern (`author` for a rule that needs `auth` followed by `=`, `:`, `_`...).
 */
import { patternFacts } from './pattern-facts.js';
import { beginnings, type Mergeable, type Reach } from './prefix-paths.js';
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

class NotAnchored extends Error {}

/** Keywords as a trie over lower-case characters, each node knowing how far paths through it reach. */
interface TrieNode {
  next: Map<number, TrieNode>;
  /** The largest reach of a keyword ending at or below this node; 0 when none does. */
  longest: number;
  /** The reach of the keyword ending here; 0 when none does. */
  ends: number;
  /** The keyword ending here. */
  keyword?: string;
}

/** A stem with this many keywords one character longer has been narrowed by its rule already. */
const NARROWED_STEM = 4;

/**
 * How far a path beginning with the keyword is followed: one character past a keyword that ends in
 * a letter or digit (`auth`: what follows tells `auth=` from `author`); just the keyword when it
 * ends in punctuation (`auth=`, `pass_`) or is one of many one-character continuations of a stem
 * (`auth0`..`auth9`), which say enough already, and keep the paths few.
 */
function trieOf(keywords: string[]): TrieNode {
  const root: TrieNode = { next: new Map(), longest: 0, ends: 0 };
  const stems = new Map<string, number>();
  for (const keyword of keywords) {
    const stem = keyword.slice(0, -1);
    stems.set(stem, (stems.get(stem) ?? 0) + 1);
  }
  for (const keyword of keywords) {
    const follow = /[a-z0-9]$/i.test(keyword) && (stems.get(keyword.slice(0, -1)) ?? 0) < NARROWED_STEM;
    const reach = keyword.length + (follow ? 1 : 0);
    let node = root;
    node.longest = Math.max(node.longest, reach);
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = { next: new Map(), longest: 0, ends: 0 }));
      node = child;
      node.longest = Math.max(node.longest, reach);
    }
    node.ends = reach;
    node.keyword = keyword;
  }
  return root;
}

/** The one character (lower case for a letter) a set stands for, up to case; -1 when it is not one. */
function single(set: Ranges): number {
  if (set.length === 2 && set[0] === set[1]) {
    const c = set[0] as number;
    return c >= 65 && c <= 90 ? c + 32 : c;
  }
  if (set.length === 4 && set[0] === set[1] && set[2] === set[3]) {
    const upper = set[0] as number;
    if (upper >= 65 && upper <= 90 && set[2] === upper + 32) return upper + 32;
  }
  return -1;
}

/**
 * Paths are followed as far as the keywords they can still begin with reach: walking the
 * trie along the path, the keywords still possible are those below where the walk ends, and those
 * that ended on the way.
 */
function reachOf(root: TrieNode): Reach {
  return (path) => {
    let node = root;
    let reach = 0;
    let i = 0;
    for (; i < path.length; i++) {
      if (node.ends > 0) reach = Math.max(reach, node.ends);
      const child = node.next.get(single(path[i] as Ranges));
      if (!child) break;
      node = child;
    }
    if (i === path.length) reach = Math.max(reach, node.longest);
    else if (node.ends > 0) reach = Math.max(reach, node.ends);
    // A match no keyword can begin settles the question.
    if (reach === 0) throw new NotAnchored();
    return reach;
  };
}

/** The last set of a cut path is not part of a keyword (it only says what may follow one). */
function followsKeyword(root: TrieNode): Mergeable {
  return (path) => {
    let node = root;
    for (const set of path) {
      const child = node.next.get(single(set));
      if (!child) return true;
      node = child;
    }
    return false;
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
  const root = trieOf(keywords);
  try {
    paths = shape && beginnings(shape, reachOf(root), followsKeyword(root));
  } catch (error) {
    if (error instanceof NotAnchored) return undefined;
    throw error;
  }
  if (!paths) return undefined;
  const follow = new Map<string, Follow>();
  for (const keyword of keywords) follow.set(keyword, { set: [], any: false, end: false });
  for (const path of paths) {
    let covered = false;
    // The keywords covering the path end along its walk down the trie.
    let node = root;
    for (let depth = 0; ; depth++) {
      if (node.keyword !== undefined) {
        covered = true;
        noteFollow(follow, node.keyword, path);
      }
      if (depth === path.length) break;
      const child = node.next.get(single(path[depth] as Ranges));
      if (!child) break;
      node = child;
    }
    if (!covered) return undefined;
  }
  const tables: FollowTables = new Map();
  for (const [keyword, entry] of follow)
    tables.set(keyword, table(entry.any ? undefined : entry.set, entry.end));
  return tables;
}

interface Follow {
  set: Ranges;
  any: boolean;
  end: boolean;
}

/** What may follow `keyword`, given a path it covers. */
function noteFollow(follow: Map<string, Follow>, keyword: string, path: Ranges[]): void {
  const entry = follow.get(keyword) as Follow;
  // A path ending with the keyword: the match may end there, before any character or the text's end.
  if (path.length === keyword.length) entry.any = entry.end = true;
  else entry.set = union(entry.set, path[keyword.length] as Ranges);
}
