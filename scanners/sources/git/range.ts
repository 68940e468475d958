import type { Finding } from '../../engine/types.js';
import {
  BlobScanner,
  compareFindings,
  findAddedSecrets,
  secretKey,
  type AddedSecret,
} from './added-secrets.js';
import { openRepo, runGit } from './exec.js';
import { resolveRange, type RangeCommit } from './range-resolve.js';
import { parseRawDiff, type RawChange } from './raw-diff.js';
import type { GitScanOptions, GitScanResult } from './types.js';

export { parseRangeSpec } from './range-resolve.js';

export interface RangeScanOptions extends GitScanOptions {
  /** `BASE..HEAD`, `BASE...HEAD` or `BASE..` (up to HEAD). */
  range: string;
  /** Fetch missing commits and history from the remote instead of failing. */
  deepen?: boolean;
}

/**
 * Secrets the range adds: per commit of BASE..HEAD (every parent's history, not only the first), the
 * secrets of its changed files that none of the replaced versions had. Merge commits count only files
 * that differ from every parent, so merging the base branch in adds nothing, while a secret written
 * into a conflict resolution does. Each new secret is reported once per path: at its line in HEAD when
 * HEAD still has it there (renames followed), else in the commit that added it, marked as no longer
 * present — it was pushed all the same.
 */
export async function scanRange(options: RangeScanOptions): Promise<GitScanResult> {
  const repo = await openRepo(options.path);
  const warnings: string[] = [];
  const resolved = await resolveRange(repo, options.range, options.deepen === true, warnings);
  const { base, head, mergeBase, commits } = resolved;
  const range = { base, head, ...(mergeBase ? { mergeBase } : {}) };
  const scanner = new BlobScanner(repo.root, options);

  let findings: Finding[] = [];
  if (commits.length > 0) {
    const diffs = await commitChanges(repo.root, commits);
    const added = await findAddedSecrets(
      commits.map((commit) => diffs.get(commit.sha) ?? []),
      scanner,
      options.skipPath,
    );
    findings = await placeAtHead(repo.root, head, commits, added, scanner);
  }
  return {
    findings: findings.sort(compareFindings),
    files: scanner.files,
    bytes: scanner.bytes,
    cached: scanner.cached,
    commits: commits.length,
    skipped: scanner.skipped,
    warnings: [...warnings, ...scanner.warnings],
    root: repo.root,
    range,
  };
}

/**
 * Changed files of each commit in one `git diff-tree --stdin`: against the parent with renames
 * detected; for a merge, the combined diff (`-c`: files that differ from every parent), with the path
 * each parent had them at.
 */
async function commitChanges(cwd: string, commits: RangeCommit[]): Promise<Map<string, RawChange[]>> {
  const args = ['diff-tree', '--stdin', '-r', '-c', '-M', '--combined-all-paths', '--root'];
  const output = await runGit(cwd, [...args, '--raw', '-z', '--no-abbrev'], {
    input: commits.map((commit) => `${commit.sha}\n`).join(''),
  });
  const diffs = new Map<string, RawChange[]>();
  for (const diff of parseRawDiff(output.stdout, true)) diffs.set(diff.commit, diff.changes);
  return diffs;
}

/** Where each path of `commit` is in `head`: renamed (new path and blob), deleted (null), or modified. */
async function pathsInHead(
  cwd: string,
  commit: string,
  head: string,
): Promise<Map<string, RawChange | null>> {
  const output = await runGit(cwd, [
    'diff-tree',
    '-r',
    '-M',
    '--raw',
    '-z',
    '--no-abbrev',
    commit,
    head,
    '--',
  ]);
  const moves = new Map<string, RawChange | null>();
  for (const change of parseRawDiff(output.stdout, false)[0]?.changes ?? []) {
    const before = change.parents[0];
    if (before) moves.set(before.path, change.oid === undefined ? null : change);
  }
  return moves;
}

interface Placement {
  added: AddedSecret;
  commit: RangeCommit;
  /** The path and blob in HEAD, if the path survived to HEAD. */
  atHead?: { path: string; oid: string };
}

async function placeAtHead(
  cwd: string,
  head: string,
  commits: RangeCommit[],
  added: AddedSecret[],
  scanner: BlobScanner,
): Promise<Finding[]> {
  const placements: Placement[] = [];
  const bySet = new Map<number, AddedSecret[]>();
  for (const item of added) {
    const items = bySet.get(item.set);
    if (items) items.push(item);
    else bySet.set(item.set, [item]);
  }
  // Ancestors first, so a secret introduced twice is credited to its first introduction.
  for (const [set, items] of [...bySet].sort(([a], [b]) => a - b)) {
    const commit = commits[set];
    if (!commit) continue;
    const moves =
      commit.sha === head ? new Map<string, RawChange | null>() : await pathsInHead(cwd, commit.sha, head);
    for (const item of items) {
      const moved = moves.get(item.change.path);
      const oid = moved === undefined ? item.change.oid : moved?.oid;
      const path = moved ? moved.path : item.change.path;
      placements.push({ added: item, commit, ...(moved !== null && oid ? { atHead: { path, oid } } : {}) });
    }
  }
  const headBlobs = placements.flatMap((p) => (p.atHead ? [p.atHead] : []));
  await scanner.scan(headBlobs, false);

  const reported = new Set<string>();
  const findings: Finding[] = [];
  for (const { added: item, commit, atHead } of placements) {
    const key = secretKey(item.finding);
    const inHead = atHead
      ? scanner
          .findings(atHead.oid)
          .filter((finding) => secretKey(finding) === key)
          .sort(compareFindings)[0]
      : undefined;
    const finding: Finding =
      inHead && atHead
        ? {
            ...inHead,
            location: {
              ...inHead.location,
              path: atHead.path,
              blob: atHead.oid,
              commit: commit.info,
              presentAtHead: true,
            },
          }
        : {
            ...item.finding,
            location: { ...item.finding.location, commit: commit.info, presentAtHead: false },
          };
    const once = `${finding.location.path}\0${key}`;
    if (reported.has(once)) continue;
    reported.add(once);
    findings.push(finding);
  }
  return findings;
}
