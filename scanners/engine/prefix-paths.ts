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

/**
 * Walks the shape with the open paths only; a path is set aside as soon as it is cut (the rest of
 * the pattern cannot change it), so that long patterns cost little past their first characters.
 */
class Explorer {
  /** Cut paths by identity; mergeable ones by their sets but the last. */
  readonly cut = new Map<string, Path>();

  constructor(
    private readonly reach: Reach,
    private readonly mergeable: Mergeable,
  ) {}

  make(sets: Ranges[], key: string): Path {
    return { sets, key, open: sets.length < this.reach(sets) };
  }

  /** Sets aside a cut path, merging it with one that differs only in a mergeable last set. */
  private settle(path: Path): void {
    const merge = path.sets.length > 0 && this.mergeable(path.sets);
    const key = merge ? `cut:${path.key.slice(0, path.key.lastIndexOf(';'))}` : path.key;
    const known = this.cut.get(key);
    if (known && merge) {
      const last = known.sets.length - 1;
      const set = union(known.sets[last] as Ranges, path.sets[last] as Ranges);
      this.cut.set(key, { sets: [...known.sets.slice(0, last), set], key: path.key, open: false });
    } else this.cut.set(key, path);
    if (this.cut.size > MAX_PATHS) throw new TooMany();
  }

  /** Distinct open paths; cut ones are set aside. */
  private sort(paths: Path[]): Path[] {
    const seen = new Map<string, Path>();
    for (const path of paths) {
      if (path.open) seen.set(path.key, path);
      else this.settle(path);
    }
    if (seen.size > MAX_PATHS) throw new TooMany();
    return [...seen.values()];
  }

  /** Open `paths` followed by what `shape` matches: the paths still open after it. */
  extend(paths: Path[], shape: Shape): Path[] {
    if (paths.length === 0) return paths;
    switch (shape.kind) {
      case 'empty':
        return paths;
      case 'unknown': {
        // Nothing, or characters of any kind: the first of them may be anything, and a path
        // whose keyword it cannot continue is settled there (cut, or rejected by the reach).
        const out: Path[] = [...paths];
        for (const path of paths) out.push(this.make([...path.sets, ANY], `${path.key};${ANY.join(',')}`));
        return this.sort(out);
      }
      case 'set': {
        const parts = split(shape.set).map((part) => [part, part.join(',')] as const);
        const out: Path[] = [];
        for (const path of paths) {
          for (const [part, key] of parts) out.push(this.make([...path.sets, part], `${path.key};${key}`));
        }
        return this.sort(out);
      }
      case 'seq':
        return shape.items.reduce((acc, item) => this.extend(acc, item), paths);
      case 'alt':
        return this.sort(shape.items.flatMap((item) => this.extend(paths, item)));
      case 'repeat': {
        let acc = paths;
        let all: Path[] = shape.min === 0 ? paths : [];
        for (let i = 1; i <= shape.max; i++) {
          const before = new Set(acc.map((path) => path.key));
          acc = this.extend(acc, shape.item);
          const grown = acc.length !== before.size || acc.some((path) => !before.has(path.key));
          // Once a repetition changes nothing, no further one does.
          if (i >= shape.min || !grown) all = this.sort([...all, ...acc]);
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
    // Paths still open at the end are complete: the match can end there.
    const complete = explorer.extend([explorer.make([], '')], shape);
    return [...explorer.cut.values(), ...complete].map((path) => path.sets);
  } catch (error) {
    if (error instanceof TooMany) return undefined;
    throw error;
  }
}
