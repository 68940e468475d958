import { availableParallelism } from 'node:os';

import { buildRules } from '../../config/ruleset.js';
import type { CompiledRules } from '../../engine/detect.js';
import type { Finding } from '../../engine/types.js';
import { builtinRules } from '../../rules/index.js';
import { ScanPool } from '../pool.js';
import { compileForScan, scanFile, type FileOutcome, type ScanTask } from '../scan-file.js';
import type { BlobBatch } from './blob-batch.js';
import { runGit } from './exec.js';
import type { GitScanOptions } from './types.js';

/** A blob to scan and the path its findings are reported at (and path-scoped rules judge it by). */
export interface BlobRequest {
  oid: string;
  path: string;
  /** From `cat-file --batch-check`; lets an oversized blob be skipped without reading it. */
  size?: number;
}

/** A git scan's options, pointed at the repository (blobs are scanned wherever they live). */
export type BlobScanOptions = Pick<
  GitScanOptions,
  'config' | 'maxFileSize' | 'rules' | 'workers' | 'workerUrl' | 'cache' | 'onProgress'
> & {
  /** Any directory inside the repository. */
  cwd: string;
};

export interface BlobScanResult {
  /** One outcome per distinct oid scanned (cached blobs have none). */
  outcomes: Map<string, FileOutcome>;
  blobs: number;
  bytes: number;
  /** Blobs not read because the cache knew them clean. */
  cached: number;
  warnings: string[];
}

// A batch is one `git cat-file` run on a worker: large enough that the process start is noise, small
// enough that several batches per worker keep every core busy and memory bounded.
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_BLOBS = 512;

/**
 * Scans each distinct blob once. Blobs go to the scan workers in batches that each worker reads from
 * git itself, so content never crosses threads. A blob git cannot produce is an `unreadable` outcome,
 * never a silent gap.
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

  const toRead = new Map<string, BlobRequest>();
  for (const request of requests) {
    if (toRead.has(request.oid) || outcomes.has(request.oid)) continue;
    if (options.cache?.has(request.oid)) {
      cached++;
      continue;
    }
    toRead.set(request.oid, request);
  }
  const unsized = [...toRead.values()].filter((request) => request.size === undefined);
  if (unsized.length > 0) await addSizes(options.cwd, unsized, toRead, outcomes);
  for (const request of toRead.values()) {
    if ((request.size ?? 0) <= options.maxFileSize) continue;
    const detail = `${request.size} bytes > ${options.maxFileSize} (blob ${request.oid})`;
    outcomes.set(request.oid, { skipped: { path: request.path, reason: 'too-large', detail } });
    toRead.delete(request.oid);
  }
  if (toRead.size === 0) return { outcomes, blobs, bytes, cached, warnings };

  const record = (task: ScanTask, outcome: FileOutcome): void => {
    if (!('batch' in task)) return;
    if ('skipped' in outcome) {
      for (const blob of task.batch.blobs) {
        outcomes.set(blob.oid, { skipped: { ...outcome.skipped, path: blob.path } });
      }
      return;
    }
    const byBlob = new Map<string, Finding[]>();
    for (const finding of outcome.findings) {
      const oid = finding.location.blob ?? '';
      const list = byBlob.get(oid);
      if (list) list.push(finding);
      else byBlob.set(oid, [finding]);
    }
    for (const part of outcome.parts ?? []) {
      if ('skipped' in part) {
        outcomes.set(part.oid, { skipped: part.skipped });
        continue;
      }
      const findings = byBlob.get(part.oid) ?? [];
      outcomes.set(part.oid, { findings, bytes: part.bytes });
      blobs++;
      bytes += part.bytes;
      if (findings.length === 0) options.cache?.add(part.oid);
    }
    options.onProgress?.({ files: blobs, bytes });
  };

  let compiled: CompiledRules | undefined;
  const scanHere = (task: ScanTask): FileOutcome => {
    compiled ??= compileForScan(options.config, options.rules ?? builtinRules);
    return scanFile(task, compiled, options.maxFileSize);
  };
  const batches = [...makeBatches(options.cwd, toRead.values())];
  const workers = Math.min(options.workers ?? availableParallelism(), batches.length);
  if (options.workerUrl === undefined || workers <= 0 || options.rules !== undefined) {
    for (const task of batches) record(task, scanHere(task));
    return { outcomes, blobs, bytes, cached, warnings };
  }
  // A bad configuration fails here, once, rather than in every worker.
  buildRules(builtinRules, options.config);
  const pool = new ScanPool({
    workerUrl: options.workerUrl,
    workers,
    init: { config: options.config, maxFileSize: options.maxFileSize },
    onResult: record,
    fallback: async (task) => scanHere(task),
  });
  try {
    for (const task of batches) await pool.submit(task);
    await pool.drain();
  } finally {
    await pool.close();
  }
  warnings.push(...pool.warnings);
  return { outcomes, blobs, bytes, cached, warnings };
}

function* makeBatches(repo: string, requests: Iterable<BlobRequest>): Generator<ScanTask> {
  let blobs: BlobBatch['blobs'] = [];
  let size = 0;
  const flush = (): ScanTask => {
    const task: ScanTask = { batch: { repo, blobs }, rel: blobs[0]?.path ?? '', key: blobs[0]?.oid ?? '' };
    blobs = [];
    size = 0;
    return task;
  };
  for (const request of requests) {
    const blobSize = request.size ?? 0;
    if (blobs.length > 0 && (size + blobSize > BATCH_BYTES || blobs.length >= BATCH_BLOBS)) yield flush();
    blobs.push({ oid: request.oid, path: request.path, size: blobSize });
    size += blobSize;
  }
  if (blobs.length > 0) yield flush();
}

/** Sizes (and existence) of blobs a caller named without them, from `cat-file --batch-check`. */
async function addSizes(
  cwd: string,
  unsized: BlobRequest[],
  toRead: Map<string, BlobRequest>,
  outcomes: Map<string, FileOutcome>,
): Promise<void> {
  const input = unsized.map((request) => `${request.oid}\n`).join('');
  const result = await runGit(cwd, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], {
    input,
  });
  const lines = result.stdout.toString('latin1').split('\n');
  unsized.forEach((request, index) => {
    const [, type, size] = (lines[index] ?? '').split(' ');
    if (type === 'blob') {
      toRead.set(request.oid, { ...request, size: Number(size) });
      return;
    }
    const detail = `blob ${request.oid} could not be read: missing or damaged in the object database (run \`git fsck\`)`;
    outcomes.set(request.oid, { skipped: { path: request.path, reason: 'unreadable', detail } });
    toRead.delete(request.oid);
  });
}
