import { availableParallelism } from 'node:os';

import type { KeylessConfig } from '../../config/load.js';
import { buildRules } from '../../config/ruleset.js';
import type { CompiledRules } from '../../engine/detect.js';
import type { Rule } from '../../engine/types.js';
import { builtinRules } from '../../rules/index.js';
import { ScanPool } from '../pool.js';
import type { CleanCache } from '../scan-cache.js';
import { compileForScan, scanFile, type FileOutcome, type ScanTask } from '../scan-file.js';
import { catFileBatch } from './cat-file.js';

/** A blob to scan and the path its findings are reported at (and path-scoped rules judge it by). */
export interface BlobRequest {
  oid: string;
  path: string;
  /** From `cat-file --batch-check`; lets an oversized blob be skipped without reading it. */
  size?: number;
}

export interface BlobScanOptions {
  /** Any directory inside the repository. */
  cwd: string;
  config: KeylessConfig;
  maxFileSize: number;
  /** Replaces the built-in rules; forces scanning on this thread (rules cannot cross threads). */
  rules?: Rule[] | undefined;
  /** Worker threads; undefined = one per core, 0 = this thread. */
  workers?: number | undefined;
  workerUrl?: URL | undefined;
  /** Blobs known clean are not read; blobs found clean are added. */
  cache?: CleanCache | undefined;
  onProgress?: ((progress: { files: number; bytes: number }) => void) | undefined;
}

export interface BlobScanResult {
  /** One outcome per distinct oid scanned (cached blobs have none). */
  outcomes: Map<string, FileOutcome>;
  blobs: number;
  bytes: number;
  /** Blobs not read because the cache knew them clean. */
  cached: number;
  warnings: string[];
}

/**
 * Scans each distinct blob once: content streams out of one `git cat-file --batch` and is handed to the
 * scan workers without copying. A blob git cannot produce is an `unreadable` outcome, never a silent gap.
 */
export async function scanBlobs(
  requests: Iterable<BlobRequest>,
  options: BlobScanOptions,
): Promise<BlobScanResult> {
  const outcomes = new Map<string, FileOutcome>();
  const warnings: string[] = [];
  let blobs = 0;
  let bytes = 0;
  let cached = 0;
  const record = (oid: string, outcome: FileOutcome): void => {
    outcomes.set(oid, outcome);
    if ('skipped' in outcome) return;
    blobs++;
    bytes += outcome.bytes;
    if (outcome.findings.length === 0) options.cache?.add(oid);
    options.onProgress?.({ files: blobs, bytes });
  };

  const toRead = new Map<string, BlobRequest>();
  for (const request of requests) {
    if (toRead.has(request.oid) || outcomes.has(request.oid)) continue;
    if (options.cache?.has(request.oid)) {
      cached++;
      continue;
    }
    if (request.size !== undefined && request.size > options.maxFileSize) {
      const detail = `${request.size} bytes > ${options.maxFileSize} (blob ${request.oid})`;
      outcomes.set(request.oid, { skipped: { path: request.path, reason: 'too-large', detail } });
      continue;
    }
    toRead.set(request.oid, request);
  }
  if (toRead.size === 0) return { outcomes, blobs, bytes, cached, warnings };

  let compiled: CompiledRules | undefined;
  const scanHere = (task: ScanTask): FileOutcome => {
    compiled ??= compileForScan(options.config, options.rules ?? builtinRules);
    return scanFile(task, compiled, options.maxFileSize);
  };
  const workers = Math.min(options.workers ?? availableParallelism(), toRead.size);
  const pool =
    options.workerUrl !== undefined && workers > 0 && options.rules === undefined
      ? new ScanPool({
          workerUrl: options.workerUrl,
          workers,
          init: { config: options.config, maxFileSize: options.maxFileSize },
          onResult: (task, outcome) => record(task.key ?? '', outcome),
          fallback: async (task) => scanHere(task),
        })
      : undefined;
  // A bad configuration fails here, once, rather than in every worker.
  if (pool) buildRules(builtinRules, options.config);

  try {
    for await (const entry of catFileBatch(options.cwd, toRead.keys())) {
      const request = toRead.get(entry.oid);
      if (!request) continue;
      if ('missing' in entry) {
        const detail = `blob ${entry.oid} could not be read: missing or damaged in the object database (run \`git fsck\`)`;
        outcomes.set(entry.oid, { skipped: { path: request.path, reason: 'unreadable', detail } });
        continue;
      }
      const task: ScanTask = { data: entry.data, rel: request.path, key: entry.oid };
      if (pool) await pool.submit(task);
      else record(entry.oid, scanHere(task));
    }
    await pool?.drain();
  } finally {
    await pool?.close();
  }
  if (pool) warnings.push(...pool.warnings);
  return { outcomes, blobs, bytes, cached, warnings };
}
