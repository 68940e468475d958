import type { Finding, Skipped } from '../../engine/types.js';
import type { FileOutcome } from '../scan-file.js';
import { scanBlobs, type BlobRequest } from './blob-scan.js';
import { isScannable, type RawChange } from './raw-diff.js';
import type { GitScanOptions } from './types.js';

/**
 * Scans blobs on demand, each distinct blob once however many times it is asked for, and keeps the
 * totals of every round (so progress keeps counting up across rounds).
 */
export class BlobScanner {
  private readonly outcomes = new Map<string, FileOutcome>();
  private readonly requested = new Set<string>();
  private readonly skippedOids = new Set<string>();
  files = 0;
  bytes = 0;
  cached = 0;
  readonly skipped: Skipped[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly cwd: string,
    private readonly options: GitScanOptions,
  ) {}

  /**
   * Scans the blobs of `requests` not scanned yet. `reportSkips`: blobs that could not be scanned are
   * listed in `skipped` (content the scan was about); old versions only serve as a comparison.
   */
  async scan(requests: BlobRequest[], reportSkips: boolean): Promise<void> {
    const fresh = requests.filter((request) => {
      if (this.requested.has(request.oid)) return false;
      this.requested.add(request.oid);
      return true;
    });
    if (fresh.length > 0) {
      const { files, bytes } = this;
      const { onProgress } = this.options;
      const result = await scanBlobs(fresh, {
        cwd: this.cwd,
        config: this.options.config,
        maxFileSize: this.options.maxFileSize,
        rules: this.options.rules,
        // A pool costs a worker start-up per round: not worth it for a handful of blobs.
        workers: fresh.length < 4 ? 0 : this.options.workers,
        workerUrl: this.options.workerUrl,
        cache: this.options.cache,
        onProgress: onProgress && ((p) => onProgress({ files: files + p.files, bytes: bytes + p.bytes })),
      });
      for (const [oid, outcome] of result.outcomes) this.outcomes.set(oid, outcome);
      this.files += result.blobs;
      this.bytes += result.bytes;
      this.cached += result.cached;
      this.warnings.push(...result.warnings);
    }
    if (!reportSkips) return;
    for (const request of requests) {
      const outcome = this.outcomes.get(request.oid);
      if (!outcome || !('skipped' in outcome) || this.skippedOids.has(request.oid)) continue;
      this.skippedOids.add(request.oid);
      this.skipped.push({ ...outcome.skipped, path: request.path });
    }
  }

  /** Findings of a scanned blob; none for a blob that was skipped or known clean from the cache. */
  findings(oid: string): Finding[] {
    const outcome = this.outcomes.get(oid);
    return outcome && 'findings' in outcome ? outcome.findings : [];
  }
}

/** What identifies a secret across versions of a file: where it sits does not matter. */
export function secretKey(finding: Finding): string {
  return `${finding.ruleId}\0${finding.secret}`;
}

export interface AddedSecret {
  /** Index of the change set (commit) that added it. */
  set: number;
  change: RawChange;
  /** Located in the change's new blob, at its path. */
  finding: Finding;
}

/**
 * The secrets each change set adds: findings of its new blobs whose (rule, secret) occurs in none of
 * the versions it replaced. All old versions of the set count, not only the same path's, so a secret
 * moved to another file in the same commit (a rename git did not pair up) is not new either. Old
 * versions are read only for sets whose new blobs have findings.
 */
export async function findAddedSecrets(
  sets: RawChange[][],
  scanner: BlobScanner,
  skipPath?: (rel: string) => boolean,
): Promise<AddedSecret[]> {
  const wanted = (change: RawChange): boolean => isScannable(change) && !skipPath?.(change.path);
  const newBlobs: BlobRequest[] = [];
  for (const changes of sets) {
    for (const change of changes) {
      if (wanted(change) && change.oid) newBlobs.push({ oid: change.oid, path: change.path });
    }
  }
  await scanner.scan(newBlobs, true);

  const withFindings = sets.map((changes) =>
    changes.some((change) => wanted(change) && change.oid && scanner.findings(change.oid).length > 0),
  );
  const oldBlobs: BlobRequest[] = [];
  sets.forEach((changes, index) => {
    if (!withFindings[index]) return;
    for (const change of changes) {
      for (const parent of change.parents) if (parent) oldBlobs.push({ oid: parent.oid, path: parent.path });
    }
  });
  await scanner.scan(oldBlobs, false);

  const added: AddedSecret[] = [];
  sets.forEach((changes, set) => {
    if (!withFindings[set]) return;
    const before = new Set<string>();
    for (const change of changes) {
      for (const parent of change.parents) {
        if (parent) for (const finding of scanner.findings(parent.oid)) before.add(secretKey(finding));
      }
    }
    for (const change of changes) {
      if (!wanted(change) || !change.oid) continue;
      for (const finding of scanner.findings(change.oid)) {
        if (before.has(secretKey(finding))) continue;
        const location = { ...finding.location, path: change.path, blob: change.oid };
        added.push({ set, change, finding: { ...finding, location } });
      }
    }
  });
  return added;
}

/** Findings in report order: path, line, column, rule. */
export function compareFindings(a: Finding, b: Finding): number {
  const x = a.location;
  const y = b.location;
  if (x.path !== y.path) return x.path < y.path ? -1 : 1;
  if (x.startLine !== y.startLine) return x.startLine - y.startLine;
  if (x.startColumn !== y.startColumn) return x.startColumn - y.startColumn;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}
