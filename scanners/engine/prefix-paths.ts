/**
 * The ways a match can begin, as sequences of character sets ("paths"): every match of the pattern
 * starts with a string matched position by position by one of the paths. Each path is followed only
 * as far as `reach(path)` asks (the caller's question decides how much of it matters); a path
 * shorter than its reach is complete (the match can end there), one as long was cut. Zero-width
 * assertions count as nothing, so the paths only ever allow more than the pattern does.
 */
import { ANY, size, union, type Ranges } from './ranges.js';

/** What a pattern consumes, as read by pattern-facts.ts (assertions are `empty`, backreferences `unknown`). */
export type Shape =
  | { kind: 'set'; set: Ranges }
  | { kind: 'seq'; items: Shape[] }
  | { kind: 'alt'; items: Shape[] }
  | { kind: 'repeat'; item: Shape; min: number; max: number }
  | { kind: 'empty' }
  | { kind: 'unknown' };

/** How many characters of a path are worth following, given its beginning. */
export type Reach = (path: Ranges[]) => number;

/**
 * Whether only the characters a cut path's last set allows matter, not which path allowed which:
 * then cut paths that differ only in that set become one.
 */
export type Mergeable = (path: Ranges[]) => boolean;

/** More alternatives than this are not worth analysing. */
const MAX_PATHS = 2048;
/** Sets of at most this many characters (up to case) are split into one path per character. */
const MAX_SPLIT = 16;

class TooMany extends Error {}

/** A path with its identity (for de-duplication) and whether it is still followed, worked out once. */
interface Path {
  sets: Ranges[];
  key: string;
  open: boolean;
}

/**
 * One character of `set`: a part per character (both cases of a letter together) when there are
 * few, so that `[_.-]` can begin `api_key`, `api.key` and `api-key` path by path.
 */
function split(set: Ranges): Ranges[] {
  if (size(set) > 2 * MAX_SPLIT) return [set];
  const groups = new Map<number, Ranges>();
  for (let r = 0; r < set.length; r += 2) {
    for (let c = set[r] as number; c <= (set[r + 1] as number); c++) {
      const key = c >= 65 && c <= 90 ? c + 32 : c;
      groups.set(key, union(groups.get(key) ?? [], [c, c]));
    }
  }
  return groups.size > MAX_SPLIT ? [set] : [...groups.values()];
}

class Explorer {
  constructor(
    private readonly reach: Reach,
    private readonly mergeable: Mergeable,
  ) {}

  make(sets: Ranges[], key: string): Path {
    return { sets, key, open: sets.length < this.reach(sets) };
  }

  /**
   * Distinct paths; mergeable cut paths that differ only in their last set become one with the
   * union of those sets.
   */
  private dedupe(paths: Path[]): Path[] {
    const seen = new Map<string, Path>();
    for (const path of paths) {
      const merge = !path.open && path.sets.length > 0 && this.mergeable(path.sets);
      const key = merge ? `cut:${path.key.slice(0, path.key.lastIndexOf(';'))}` : path.key;
      const known = seen.get(key);
      if (known && merge && known !== path) {
        const last = known.sets.length - 1;
        const set = union(known.sets[last] as Ranges, path.sets[last] as Ranges);
        const sets = [...known.sets.slice(0, last), set];
        seen.set(key, { sets, key: `${key.slice(4)};${set.join(',')}`, open: false });
      } else seen.set(key, path);
    }
    if (seen.size > MAX_PATHS) throw new TooMany();
    return [...seen.values()];
  }

  /** `paths` followed by what `shape` matches. */
  extend(paths: Path[], shape: Shape): Path[] {
    switch (shape.kind) {
      case 'empty':
        return paths;
      case 'unknown': {
        // Nothing, or characters of any kind: the first of them may be anything, and a path
        // whose keyword it cannot continue is settled there (cut, or rejected by the reach).
        const out: Path[] = [];
        for (const path of paths) {
          out.push(path);
          if (path.open) out.push(this.make([...path.sets, ANY], `${path.key};${ANY.join(',')}`));
        }
        return this.dedupe(out);
      }
      case 'set': {
        const parts = split(shape.set).map((part) => [part, part.join(',')] as const);
        const out: Path[] = [];
        for (const path of paths) {
          if (!path.open) out.push(path);
          else
            for (const [part, key] of parts) out.push(this.make([...path.sets, part], `${path.key};${key}`));
        }
        return this.dedupe(out);
      }
      case 'seq':
        return shape.items.reduce((acc, item) => this.extend(acc, item), paths);
      case 'alt':
        return this.dedupe(shape.items.flatMap((item) => this.extend(paths, item)));
      case 'repeat': {
        let acc = paths;
        let all: Path[] = shape.min === 0 ? paths : [];
        for (let i = 1; i <= shape.max; i++) {
          const before = new Set(acc.map((path) => path.key));
          acc = this.extend(acc, shape.item);
          const grown = acc.length !== before.size || acc.some((path) => !before.has(path.key));
          // Once a repetition changes nothing, no further one does.
          if (i >= shape.min || !grown) all = this.dedupe([...all, ...acc]);
          if (!grown) break;
        }
        return all;
      }
    }
  }
}

/** The paths every match of `shape` begins with, or undefined when there are too many. */
export function beginnings(
  shape: Shape,
  reach: Reach,
  mergeable: Mergeable = () => true,
): Ranges[][] | undefined {
  try {
    const explorer = new Explorer(reach, mergeable);
    return explorer.extend([explorer.make([], '')], shape).map((path) => path.sets);
  } catch (error) {
    if (error instanceof TooMany) return undefined;
    throw error;
  }
}
