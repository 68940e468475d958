import picomatch from 'picomatch';

/** Leading `./` or `/` would never match a repo-relative path; a trailing `/` names a directory. */
function normalizeGlob(glob: string): string {
  return glob
    .replace(/^(?:\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
}

/**
 * `true` = skip. Globs are picomatch globs (dot files included) matched against the whole
 * repo-relative path; a path is also skipped when one of its parent directories matches, so
 * `vendor` and `vendor/**` both skip everything under `vendor/`, and a source may call the filter on
 * a directory path to avoid walking it.
 */
export function makePathFilter(globs: string[]): (relPath: string) => boolean {
  const patterns = globs.map(normalizeGlob).filter((glob) => glob !== '');
  if (patterns.length === 0) return () => false;
  const isMatch = picomatch(patterns, { dot: true });
  return (relPath: string): boolean => {
    const path = relPath
      .replace(/\\/g, '/')
      .replace(/^(?:\.\/)+/, '')
      .replace(/^\/+/, '');
    if (isMatch(path)) return true;
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      if (isMatch(path.slice(0, slash))) return true;
    }
    return false;
  };
}
