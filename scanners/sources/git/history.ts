import type { CommitInfo, Finding, Skipped } from '../../engine/types.js';
import { compareFindings } from '../dir.js';
import { scanBlobs } from './blob-scan.js';
import { openRepo } from './exec.js';
import { headTree } from './head-tree.js';
import { logRaw } from './log-raw.js';
import { listReachableBlobs } from './objects.js';
import type { GitScanOptions, GitScanResult } from './types.js';

interface Introduction {
  commit: CommitInfo;
  order: number;
}

/**
 * Scans every commit reachable from any ref by scanning each distinct blob once, then attributes each
 * finding to the commit that first put that blob at each path it lives at. One finding per secret and
 * path: the same secret in later versions of a file is the same leak, introduced once.
 */
export async function scanHistory(options: GitScanOptions): Promise<GitScanResult> {
  const repo = await openRepo(options.path);
  const warnings: string[] = [];
  if (repo.shallow) {
    warnings.push(
      'shallow clone: commits before the shallow boundary are not in this clone and were not scanned ' +
        '(fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout)',
    );
  }
  const listing = await listReachableBlobs(repo.root);
  const scanSkipped: Skipped[] = [];
  const scan = await scanBlobs(listing.blobs, {
    cwd: repo.root,
    config: options.config,
    maxFileSize: options.maxFileSize,
    rules: options.rules,
    workers: options.workers,
    workerUrl: options.workerUrl,
    cache: options.cache,
    onProgress: options.onProgress,
  });
  warnings.push(...scan.warnings);
  for (const { oid, path } of listing.missing) {
    // A missing tree hides every file below it; either way, something in history went unscanned.
    const detail = `object ${oid} is missing from the object database (partial or damaged clone; run \`git fsck\`)`;
    scanSkipped.push({ path: path ?? `(object ${oid.slice(0, 12)})`, reason: 'unreadable', detail });
  }

  const skipped: Skipped[] = scanSkipped;
  const found = new Map<string, Finding[]>();
  for (const [oid, outcome] of scan.outcomes) {
    if ('skipped' in outcome) {
      skipped.push({ ...outcome.skipped, detail: outcome.skipped.detail ?? `blob ${oid}` });
    } else if (outcome.findings.length > 0) {
      found.set(oid, outcome.findings);
    }
  }

  const head = await headTree(repo.root);
  for (const submodule of head.submodules) {
    warnings.push(
      `submodule ${submodule} was not scanned (its history is another repository: scan it there)`,
    );
  }
  const findings =
    found.size > 0 ? await attribute(repo.root, found, head.blobs, options, listing.blobs) : [];
  findings.sort(compareFindings);
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    findings,
    files: scan.blobs,
    bytes: scan.bytes,
    cached: scan.cached,
    commits: listing.commits,
    skipped,
    warnings,
    root: repo.root,
  };
}

async function attribute(
  root: string,
  found: Map<string, Finding[]>,
  headBlobs: Map<string, string>,
  options: GitScanOptions,
  listed: { oid: string; path: string }[],
): Promise<Finding[]> {
  // The first commit (parents before children) that put a blob with findings at a path.
  const introduced = new Map<string, Map<string, Introduction | undefined>>();
  const args = ['--all', '--topo-order', '--reverse', '--root', '-m', '--no-renames'];
  for await (const change of logRaw(root, args)) {
    if (!found.has(change.newOid)) continue;
    let paths = introduced.get(change.newOid);
    if (!paths) introduced.set(change.newOid, (paths = new Map()));
    if (!paths.has(change.path)) paths.set(change.path, { commit: change.commit, order: change.order });
  }
  // Blobs no commit introduces (a tag pointing straight at a blob) keep the path rev-list named.
  for (const { oid, path } of listed) {
    if (found.has(oid) && !introduced.has(oid)) introduced.set(oid, new Map([[path, undefined]]));
  }

  // Per secret and path: every blob that holds it there, and the earliest of their introductions.
  const groups = new Map<
    string,
    { path: string; oids: Set<string>; first?: { oid: string } & Introduction }
  >();
  for (const [oid, findings] of found) {
    for (const [path, intro] of introduced.get(oid) ?? []) {
      if (options.skipPath?.(path)) continue;
      for (const finding of findings) {
        const key = `${finding.fingerprint}\0${path}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { path, oids: new Set() }));
        group.oids.add(oid);
        if (intro && (!group.first || intro.order < group.first.order)) group.first = { oid, ...intro };
      }
    }
  }

  const result: Finding[] = [];
  for (const [key, group] of groups) {
    const fingerprint = key.slice(0, key.indexOf('\0'));
    const oid = group.first?.oid ?? [...group.oids][0] ?? '';
    const headOid = headBlobs.get(group.path);
    const presentAtHead = headOid !== undefined && group.oids.has(headOid);
    for (const finding of found.get(oid) ?? []) {
      if (finding.fingerprint !== fingerprint) continue;
      result.push({
        ...finding,
        location: {
          ...finding.location,
          path: group.path,
          ...(group.first ? { commit: group.first.commit } : {}),
          presentAtHead,
          blob: oid,
        },
      });
    }
  }
  return result;
}
