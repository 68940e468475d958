import { execFileSync } from 'node:child_process';

import type { Finding, Skipped } from '../../engine/types.js';
import { BASE_ARGS, GIT_ENV } from './exec.js';

/** Blobs a scan worker reads from git itself and scans; `size` bounds what it reads. */
export interface BlobBatch {
  /** Any directory inside the repository. */
  repo: string;
  blobs: { oid: string; path: string; size: number }[];
}

/** Per blob: bytes scanned, or why it was not. Findings of the batch carry `location.blob`. */
export type BlobPart = { oid: string; bytes: number } | { oid: string; skipped: Skipped };

export interface BatchOutcome {
  findings: Finding[];
  bytes: number;
  parts: BlobPart[];
}

/**
 * Reads a batch of blobs with one `git cat-file --batch` and scans each in place. Run on scan workers,
 * so blob content never crosses threads and each worker's git decompresses in parallel; synchronous,
 * because the worker has nothing else to do.
 */
export function scanBlobBatch(
  batch: BlobBatch,
  scan: (data: Uint8Array, path: string) => { findings: Finding[]; bytes: number } | { skipped: Skipped },
): BatchOutcome {
  const input = batch.blobs.map((blob) => `${blob.oid}\n`).join('');
  const expected = batch.blobs.reduce((sum, blob) => sum + blob.size + 120, 0);
  const output = execFileSync('git', [...BASE_ARGS, 'cat-file', '--batch'], {
    cwd: batch.repo,
    env: { ...process.env, ...GIT_ENV },
    input,
    maxBuffer: expected + 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const outcome: BatchOutcome = { findings: [], bytes: 0, parts: [] };
  let at = 0;
  for (const blob of batch.blobs) {
    const eol = output.indexOf(10, at);
    if (eol === -1) throw new Error(`git cat-file ended before blob ${blob.oid}`);
    const header = output.subarray(at, eol).toString('latin1').split(' ');
    at = eol + 1;
    if (header[0] !== blob.oid) throw new Error(`git cat-file answered ${header[0] ?? '?'} for ${blob.oid}`);
    if (header[1] === 'missing' || header[1] === 'ambiguous') {
      const detail = `blob ${blob.oid} could not be read: missing or damaged in the object database (run \`git fsck\`)`;
      outcome.parts.push({ oid: blob.oid, skipped: { path: blob.path, reason: 'unreadable', detail } });
      continue;
    }
    const size = Number(header[2]);
    const data = output.subarray(at, at + size);
    at += size + 1;
    const scanned = scan(data, blob.path);
    if ('skipped' in scanned) {
      outcome.parts.push({ oid: blob.oid, skipped: scanned.skipped });
      continue;
    }
    outcome.bytes += scanned.bytes;
    outcome.parts.push({ oid: blob.oid, bytes: scanned.bytes });
    for (const finding of scanned.findings) {
      outcome.findings.push({ ...finding, location: { ...finding.location, blob: blob.oid } });
    }
  }
  return outcome;
}
