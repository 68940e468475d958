import type { KeylessConfig } from '../config/load.js';
import { buildRules } from '../config/ruleset.js';
import { compileRules, detect, detectUtf8, type CompiledRules } from '../engine/detect.js';
import type { Finding, Rule, Skipped } from '../engine/types.js';
import { builtinRules } from '../rules/index.js';
import { classifyBytes, readScanInputSync, type ScanInput } from './read-file.js';

/**
 * One file to scan: either a path to read (`abs`) or content already in memory (`data`: a git blob, a
 * file from an image layer), and the path to report. A pool transfers `data` to its worker, which
 * leaves the caller's view of it empty; `key` is the caller's own handle to match the outcome to.
 */
export type ScanTask =
  | { abs: string; rel: string; key?: string }
  | { data: Uint8Array; rel: string; key?: string }
  | { bundle: FileBundle; rel: string; key?: string };

/**
 * Many small in-memory files in one buffer, one after another: one message to a worker instead of one
 * per file (an image layer holds thousands of small files).
 */
export interface FileBundle {
  data: Uint8Array;
  /** In order; each file runs from the previous one's `end` (or 0) to its own. */
  files: { rel: string; key: string; end: number }[];
}

/** What became of one file of a bundle. */
export interface BundlePart {
  key: string;
  rel: string;
  outcome: { findings: Finding[]; bytes: number } | { skipped: Skipped };
}

/** `files`: for a bundle, what became of each of its files (the bundle's own `findings` and `bytes` are empty). */
export type FileOutcome = { findings: Finding[]; bytes: number; files?: BundlePart[] } | { skipped: Skipped };

/** What a scan worker is started with; plain data, because it is structured-cloned into the thread. */
export interface ScanWorkerInit {
  config: KeylessConfig;
  maxFileSize: number;
}

/** Rules a scan runs for `config`; `rules` replaces the built-ins (tests, embedders). */
export function compileForScan(config: KeylessConfig, rules: Rule[] = builtinRules): CompiledRules {
  return compileRules(buildRules(rules, config), { allowedValueHashes: config.allowedValueHashes });
}

/** Read, decode and detect one file, synchronously. Never throws: failures come back as a `Skipped`. */
export function scanFile(task: ScanTask, compiled: CompiledRules, maxFileSize: number): FileOutcome {
  if ('bundle' in task) {
    const files: BundlePart[] = [];
    let start = 0;
    for (const file of task.bundle.files) {
      const data = task.bundle.data.subarray(start, file.end);
      start = file.end;
      const scanned = scanBytes(data, file.rel, compiled, maxFileSize);
      const outcome =
        'skipped' in scanned
          ? { skipped: scanned.skipped }
          : { findings: scanned.findings, bytes: scanned.bytes };
      files.push({ key: file.key, rel: file.rel, outcome });
    }
    return { findings: [], bytes: 0, files };
  }
  if ('data' in task) return scanBytes(task.data, task.rel, compiled, maxFileSize);
  return scanRead(readScanInputSync(task.abs, task.rel, maxFileSize), task.rel, compiled);
}

function scanBytes(data: Uint8Array, rel: string, compiled: CompiledRules, maxFileSize: number): FileOutcome {
  return scanRead(classifyBytes(data, rel, maxFileSize), rel, compiled);
}

function scanRead(read: ScanInput, rel: string, compiled: CompiledRules): FileOutcome {
  if (read.kind === 'skipped') return { skipped: read.skipped };
  try {
    // UTF-8 files are decoded only if a keyword occurs in their bytes.
    const findings =
      read.kind === 'utf8'
        ? detectUtf8(read.utf8, { path: rel }, compiled)
        : detect({ text: read.text, path: rel }, compiled);
    return { findings, bytes: read.bytes };
  } catch (error) {
    // The message names the failing step, not file content, so it cannot carry a secret.
    const detail = `detection failed: ${error instanceof Error ? error.message : String(error)}`;
    return { skipped: { path: rel, reason: 'unreadable', detail } };
  }
}
