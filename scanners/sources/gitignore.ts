import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

// git compares paths case-sensitively unless the filesystem folds case (core.ignorecase defaults).
const IGNORE_CASE = process.platform === 'darwin' || process.platform === 'win32';
// `ignore` caches a verdict for every path (and parent) it is asked about; rebuilding the matcher after
// this many questions keeps memory flat on huge trees for the price of re-parsing the patterns.
const CACHE_LIMIT = 20_000;

function escapeGlob(literal: string): string {
  return literal.replace(/[\\*?[\]]/g, '\\$&');
}

/**
 * Rewrites the lines of the .gitignore in directory `base` (relative to the work tree top, '' for the
 * top itself) so they match paths relative to the top. Patterns without an inner slash match at any
 * depth below their file; patterns with one are anchored to it (gitignore(5)).
 */
export function rebasePatterns(base: string, content: string): string[] {
  const out: string[] = [];
  for (const raw of content.split(/\r?\n/)) {
    let line = raw;
    while (line.endsWith(' ') && !line.endsWith('\\ ')) line = line.slice(0, -1);
    if (line === '' || line.startsWith('#')) continue;
    if (base === '') {
      out.push(line);
      continue;
    }
    const negate = line.startsWith('!') ? '!' : '';
    let body = negate ? line.slice(1) : line;
    const dirOnly = body.endsWith('/') ? '/' : '';
    if (dirOnly) body = body.slice(0, -1);
    if (body === '') continue;
    const anchored = body.includes('/');
    if (body.startsWith('/')) body = body.slice(1);
    out.push(`${negate}${escapeGlob(base)}/${anchored ? '' : '**/'}${body}${dirOnly}`);
  }
  return out;
}

/** The ignore patterns in force in one directory: every layer from the work tree top down to it. */
export class IgnoreRules {
  private matcher: Ignore | undefined;
  private asked = 0;

  constructor(private readonly patterns: readonly string[] = []) {}

  /** Rules for a subdirectory `base` (top-relative) whose .gitignore holds `content`; deeper lines win. */
  extend(base: string, content: string): IgnoreRules {
    const more = rebasePatterns(base, content);
    return more.length === 0 ? this : new IgnoreRules([...this.patterns, ...more]);
  }

  /** `path` is relative to the work tree top. */
  ignores(path: string, isDirectory: boolean): boolean {
    if (this.patterns.length === 0) return false;
    if (!this.matcher || this.asked >= CACHE_LIMIT) {
      this.matcher = ignore({ ignorecase: IGNORE_CASE }).add(this.patterns);
      this.asked = 0;
    }
    this.asked++;
    try {
      return this.matcher.ignores(isDirectory ? `${path}/` : path);
    } catch {
      // A name `ignore` refuses as a path cannot match a pattern either; scanning it is the safe side.
      return false;
    }
  }
}

/** Ignore rules of one work tree plus where the current directory sits in it. */
export interface IgnoreScope {
  rules: IgnoreRules;
  /** Directory path relative to the work tree top, `/`-separated, '' at the top. */
  prefix: string;
}

export function childPath(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Missing is normal; an unreadable ignore file only means more gets scanned, never less.
    return undefined;
  }
}

/** True when `dir` holds a `.git` directory or file (a work tree top, submodule or linked worktree). */
export function hasGitEntry(dir: string): boolean {
  try {
    lstatSync(join(dir, '.git'));
    return true;
  } catch {
    return false;
  }
}

/** `$GIT_COMMON_DIR/info/exclude` of the work tree at `top`, following `.git` files and `commondir`. */
function readInfoExclude(top: string): string | undefined {
  let gitDir = join(top, '.git');
  try {
    if (!lstatSync(gitDir).isDirectory()) {
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!pointer?.[1]) return undefined;
      gitDir = resolve(top, pointer[1]);
    }
  } catch {
    return undefined;
  }
  const common = readOptional(join(gitDir, 'commondir'));
  const commonDir = common ? resolve(gitDir, common.trim()) : gitDir;
  return readOptional(join(commonDir, 'info', 'exclude'));
}

/** Rules for a directory that is itself a work tree top (before its own .gitignore is read). */
export function workTreeScope(top: string): IgnoreScope {
  const exclude = readInfoExclude(top);
  return { rules: exclude ? new IgnoreRules().extend('', exclude) : new IgnoreRules(), prefix: '' };
}

/**
 * The scope for the scan root, or undefined when the root is not inside a git work tree. When the top
 * is an ancestor of the root, the .gitignore files between them apply too (the root's own .gitignore
 * is read by the walker like any directory's).
 */
export function rootScope(realRoot: string): IgnoreScope | undefined {
  let top: string | undefined;
  for (let dir = realRoot; ; dir = dirname(dir)) {
    if (hasGitEntry(dir)) {
      top = dir;
      break;
    }
    if (dirname(dir) === dir) return undefined;
  }
  let scope = workTreeScope(top);
  const prefix = relative(top, realRoot).split(sep).filter(Boolean);
  for (let depth = 0; depth < prefix.length; depth++) {
    scope = enterDirectory(scope, join(top, ...prefix.slice(0, depth)));
    scope = { rules: scope.rules, prefix: childPath(scope.prefix, prefix[depth] as string) };
  }
  // Asked to scan a directory its repository ignores (say `node_modules/pkg`): the explicit request
  // wins over the enclosing rules, and only .gitignore files inside the root apply.
  if (scope.prefix !== '' && scope.rules.ignores(scope.prefix, true))
    return { rules: new IgnoreRules(), prefix: '' };
  return scope;
}

/** Adds the .gitignore of `dir` (whose top-relative path is `scope.prefix`) to the scope. */
export function enterDirectory(scope: IgnoreScope, dir: string): IgnoreScope {
  const content = readOptional(join(dir, '.gitignore'));
  return content === undefined
    ? scope
    : { rules: scope.rules.extend(scope.prefix, content), prefix: scope.prefix };
}
