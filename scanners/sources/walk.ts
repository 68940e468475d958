import { lstatSync, opendirSync, realpathSync, statSync, type Dir, type Dirent, type Stats } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';

import type { Skipped } from '../engine/types.js';
import { skippedFromError } from './read-file.js';
import {
  childPath,
  enterDirectory,
  hasGitEntry,
  rootScope,
  workTreeScope,
  type IgnoreScope,
} from './gitignore.js';

export interface WalkOptions {
  root: string;
  /** Apply .gitignore / .git/info/exclude inside git work trees. */
  respectGitignore: boolean;
  /** `true` skips a root-relative path; called for directories too, which prunes them. */
  skipPath?: ((rel: string) => boolean) | undefined;
}

export type WalkEntry = { kind: 'file'; abs: string; rel: string } | { kind: 'skipped'; skipped: Skipped };

type Kind = 'file' | 'dir' | 'symlink' | 'other';

interface Frame {
  dir: Dir;
  abs: string;
  /** Root-relative, '' for the root. */
  rel: string;
  /** Real path of the directory, for loop detection. */
  real: string;
  ignore: IgnoreScope | undefined;
}

function kindOf(
  entry: Dirent | { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean },
): Kind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

function otherKind(stats: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
}): string {
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isCharacterDevice()) return 'character device';
  return 'unknown file type';
}

const DIR_OPTIONS = { bufferSize: 64 };
// The walk uses blocking calls (each async fs call is a thread-pool round trip, and the walk on its own
// would then take twice as long), so it lets the event loop run now and then: worker results, timers
// and signal handlers must not wait for the whole tree.
const ENTRIES_PER_BREAK = 256;

function breather(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function closeQuietly(dir: Dir): void {
  try {
    dir.closeSync();
  } catch {
    // Already closed or gone: nothing left to release.
  }
}

/** True when `path` is `dir` or below it (both real, absolute). */
function isWithin(path: string, dir: string): boolean {
  if (path === dir) return true;
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * Depth-first walk yielding regular files and whatever could not be scanned. Memory is one open
 * directory handle (with its small read buffer) per level of depth, plus the ignore rules in force and
 * the set of directory symlink targets already followed: nothing grows with the number of files.
 * Ignored and skip-listed paths are left out silently; `.git` directories are never entered.
 * Throws only when the root itself cannot be read.
 */
export async function* walk(options: WalkOptions): AsyncGenerator<WalkEntry, void, undefined> {
  const rootAbs = resolve(options.root);
  const realRoot = realpathSync(rootAbs);
  const rootStats = statSync(realRoot);
  if (!rootStats.isDirectory()) {
    if (rootStats.isFile()) yield { kind: 'file', abs: rootAbs, rel: basename(rootAbs) };
    else yield { kind: 'skipped', skipped: { path: basename(rootAbs), reason: 'not-regular' } };
    return;
  }

  const skipPath = options.skipPath;
  const followedTargets = new Set<string>();
  let ignore = options.respectGitignore ? rootScope(realRoot) : undefined;
  if (ignore) ignore = enterDirectory(ignore, realRoot);
  const stack: Frame[] = [
    { dir: opendirSync(rootAbs, DIR_OPTIONS), abs: rootAbs, rel: '', real: realRoot, ignore },
  ];
  let sinceBreak = 0;

  const excluded = (frame: Frame, name: string, rel: string, isDirectory: boolean): boolean => {
    if (skipPath?.(rel)) return true;
    return (
      frame.ignore !== undefined &&
      frame.ignore.rules.ignores(childPath(frame.ignore.prefix, name), isDirectory)
    );
  };

  try {
    while (stack.length > 0) {
      if (++sinceBreak >= ENTRIES_PER_BREAK) {
        sinceBreak = 0;
        await breather();
      }
      const frame = stack[stack.length - 1] as Frame;
      let entry: Dirent | null;
      try {
        entry = frame.dir.readSync();
      } catch (error) {
        yield { kind: 'skipped', skipped: skippedFromError(frame.rel || '.', error) };
        entry = null;
      }
      if (entry === null) {
        stack.pop();
        closeQuietly(frame.dir);
        continue;
      }
      const name = entry.name;
      if (name === '.git') continue;
      const rel = childPath(frame.rel, name);
      const abs = join(frame.abs, name);

      let kind = kindOf(entry);
      let real: string | undefined;
      let via: 'symlink' | undefined;
      let stats: Stats | undefined;
      try {
        if (kind === 'other') {
          // Some filesystems report no type in readdir; ask the inode.
          stats = lstatSync(abs);
          kind = kindOf(stats);
        }
        if (kind === 'symlink') {
          via = 'symlink';
          real = realpathSync(abs);
          if (!isWithin(real, realRoot)) {
            if (!excluded(frame, name, rel, false)) {
              yield { kind: 'skipped', skipped: { path: rel, reason: 'symlink-outside-root' } };
            }
            continue;
          }
          stats = statSync(real);
          kind = kindOf(stats);
        }
      } catch (error) {
        if (!excluded(frame, name, rel, false)) {
          const skipped = skippedFromError(rel, error);
          // realpath of a dangling link fails with ENOENT: the link is there, its target never was.
          if (via && skipped.reason === 'vanished') {
            yield {
              kind: 'skipped',
              skipped: { path: rel, reason: 'unreadable', detail: 'dangling symlink' },
            };
          } else {
            yield { kind: 'skipped', skipped };
          }
        }
        continue;
      }

      if (kind === 'file') {
        if (!excluded(frame, name, rel, false)) yield { kind: 'file', abs, rel };
        continue;
      }
      if (kind !== 'dir') {
        if (!excluded(frame, name, rel, false)) {
          const detail = stats ? otherKind(stats) : 'special file';
          yield { kind: 'skipped', skipped: { path: rel, reason: 'not-regular', detail } };
        }
        continue;
      }

      if (excluded(frame, name, rel, true)) continue;
      const realDir = real ?? join(frame.real, name);
      if (via) {
        if (stack.some((open) => isWithin(open.real, realDir))) {
          yield {
            kind: 'skipped',
            skipped: { path: rel, reason: 'symlink-loop', detail: 'links to an enclosing directory' },
          };
          continue;
        }
        // Diamond-shaped link graphs would otherwise be walked once per path through them.
        if (followedTargets.has(realDir)) {
          yield {
            kind: 'skipped',
            skipped: { path: rel, reason: 'symlink-loop', detail: 'target already followed' },
          };
          continue;
        }
        followedTargets.add(realDir);
      }
      let scope: IgnoreScope | undefined;
      try {
        scope = childScope(frame.ignore, options.respectGitignore, abs, name);
        stack.push({ dir: opendirSync(abs, DIR_OPTIONS), abs, rel, real: realDir, ignore: scope });
      } catch (error) {
        yield { kind: 'skipped', skipped: skippedFromError(rel, error) };
      }
    }
  } finally {
    // Reached on early return/throw from the consumer too: release every handle still open.
    for (const frame of stack) closeQuietly(frame.dir);
  }
}

/** Ignore scope of subdirectory `name`: a nested repository starts afresh, others inherit and extend. */
function childScope(
  parent: IgnoreScope | undefined,
  respectGitignore: boolean,
  abs: string,
  name: string,
): IgnoreScope | undefined {
  if (!respectGitignore) return undefined;
  let scope: IgnoreScope | undefined;
  if (hasGitEntry(abs)) scope = workTreeScope(abs);
  else if (parent) scope = { rules: parent.rules, prefix: childPath(parent.prefix, name) };
  return scope ? enterDirectory(scope, abs) : undefined;
}
