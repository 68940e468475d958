import { GitError } from './exec.js';

/** The version of a changed path in one parent (following renames). */
export interface ParentVersion {
  path: string;
  oid: string;
}

/** One path a commit (or the index) changed, from git's `--raw -z` output. */
export interface RawChange {
  /** The path in the new version (for a deletion, the deleted path). */
  path: string;
  /** The new blob; undefined when the path was deleted. */
  oid: string | undefined;
  /** The new mode (`100644`, `120000` symlink, `160000` submodule...). */
  mode: string;
  /** Per parent, the version it had (undefined where that parent did not have the path). */
  parents: (ParentVersion | undefined)[];
}

export interface RawCommitDiff {
  commit: string;
  changes: RawChange[];
}

const ZERO_OID = /^0+$/;
const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** Regular files only: a submodule's id is a commit in another repository, a symlink's blob a path. */
export function isScannable(change: RawChange): boolean {
  return change.oid !== undefined && change.mode.startsWith('100');
}

/**
 * Parses `--raw -z --no-abbrev` output: single-parent entries (`:old new oldOid newOid S` + one path,
 * or two for renames/copies) and combined ones for merges (`::…` with one colon per parent, as printed
 * with `-c --combined-all-paths`: one path per parent, then the result's). With `withCommits`, each
 * group is preceded by its commit id (as `diff-tree --stdin` prints them).
 */
export function parseRawDiff(output: Buffer, withCommits: boolean): RawCommitDiff[] {
  const tokens = output.toString('utf8').split('\0');
  if (tokens[tokens.length - 1] === '') tokens.pop();
  const diffs: RawCommitDiff[] = [];
  let current: RawCommitDiff | undefined = withCommits ? undefined : { commit: '', changes: [] };
  if (current) diffs.push(current);
  let i = 0;
  const next = (): string => {
    const token = tokens[i++];
    if (token === undefined) throw new GitError('git printed a truncated raw diff', 'failed');
    return token;
  };
  while (i < tokens.length) {
    const token = next();
    if (!token.startsWith(':')) {
      if (!withCommits || !COMMIT_ID.test(token)) {
        throw new GitError(`git printed an unexpected raw diff line: ${token.slice(0, 60)}`, 'failed');
      }
      current = { commit: token, changes: [] };
      diffs.push(current);
      continue;
    }
    if (!current) throw new GitError('git printed a raw diff entry before its commit', 'failed');
    current.changes.push(parseEntry(token, next));
  }
  return diffs;
}

function parseEntry(header: string, next: () => string): RawChange {
  const parentCount = /^:+/.exec(header)?.[0].length ?? 1;
  const fields = header.slice(parentCount).split(' ');
  // parentCount + 1 modes, parentCount + 1 oids, then the status letters.
  const modes = fields.slice(0, parentCount + 1);
  const oids = fields.slice(parentCount + 1, 2 * parentCount + 2);
  const status = fields[2 * parentCount + 2] ?? '';
  if (oids.length !== parentCount + 1 || status === '') {
    throw new GitError(`git printed an unexpected raw diff entry: ${header.slice(0, 80)}`, 'failed');
  }
  let parentPaths: string[];
  let path: string;
  if (parentCount === 1) {
    const first = next();
    const renamed = status.startsWith('R') || status.startsWith('C');
    path = renamed ? next() : first;
    parentPaths = [first];
  } else {
    parentPaths = Array.from({ length: parentCount }, () => next());
    path = next();
  }
  const newOid = oids[parentCount] ?? '';
  const newMode = modes[parentCount] ?? '';
  return {
    path,
    oid: ZERO_OID.test(newOid) && newMode === '000000' ? undefined : newOid,
    mode: newMode,
    parents: parentPaths.map((parentPath, index) => {
      const oid = oids[index] ?? '';
      return ZERO_OID.test(oid) ? undefined : { path: parentPath, oid };
    }),
  };
}
