import { availableParallelism } from 'node:os';

import type { KeylessConfig } from '../config/load.js';
import { buildRules } from '../config/ruleset.js';
import type { CompiledRules } from '../engine/detect.js';
import type { Finding, Fragment, Rule, Skipped } from '../engine/types.js';
import { builtinRules } from '../rules/index.js';
import { ScanPool } from './pool.js';
import { readTextFileSync } from './read-file.js';
import { compileForScan, scanFile, type FileOutcome, type ScanTask } from './scan-file.js';
import { walk } from './walk.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export interface DirScanOptions {
  root: string;
  config: KeylessConfig;
  /** `true` skips a root-relative path (`/`-separated); directories are asked too, and pruned. */
  skipPath?: ((rel: string) => boolean) | undefined;
  respectGitignore: boolean;
  maxFileSize: number;
  /** Worker threads; undefined = one per core, 0 = scan on this thread. */
  workers?: number | undefined;
  /** The script that serves as scan worker (the CLI bundle). Without it the scan runs on this thread. */
  workerUrl?: URL | undefined;
  /**
   * Replaces the built-in rules (config still disables/adds). Rules hold RegExps and functions that
   * cannot be sent to workers, so giving them forces scanning on this thread.
   */
  rules?: Rule[] | undefined;
  onProgress?: ((progress: { files: number; bytes: number }) => void) | undefined;
}

export interface DirScanResult {
  /** Sorted by path, line, column, rule id. */
  findings: Finding[];
  /** Files read and scanned (skipped ones are not counted here but in `skipped`). */
  files: number;
  bytes: number;
  /** Sorted by path. */
  skipped: Skipped[];
  warnings: string[];
}

export function compareFindings(a: Finding, b: Finding): number {
  const x = a.location;
  const y = b.location;
  return (
    compareStrings(x.path, y.path) ||
    x.startLine - y.startLine ||
    x.startColumn - y.startColumn ||
    compareStrings(a.ruleId, b.ruleId) ||
    x.endLine - y.endLine ||
    x.endColumn - y.endColumn
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Scans every file under `options.root`, on worker threads when a worker script is given. */
export async function scanDirectory(options: DirScanOptions): Promise<DirScanResult> {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const warnings: string[] = [];
  let files = 0;
  let bytes = 0;
  const record = (outcome: FileOutcome): void => {
    if ('skipped' in outcome) {
      skipped.push(outcome.skipped);
      return;
    }
    files++;
    bytes += outcome.bytes;
    for (const finding of outcome.findings) findings.push(finding);
    options.onProgress?.({ files, bytes });
  };

  let compiled: CompiledRules | undefined;
  const scanHere = (task: ScanTask): FileOutcome => {
    compiled ??= compileForScan(options.config, options.rules ?? builtinRules);
    return scanFile(task, compiled, options.maxFileSize);
  };

  const workers = options.workers ?? availableParallelism();
  const entries = walk({
    root: options.root,
    respectGitignore: options.respectGitignore,
    skipPath: options.skipPath,
  });
  if (options.workerUrl === undefined || workers <= 0 || options.rules !== undefined) {
    for await (const entry of entries) {
      if (entry.kind === 'skipped') skipped.push(entry.skipped);
      else record(scanHere(entry));
    }
  } else {
    // Fail on a bad configuration here, once, instead of in every worker.
    buildRules(builtinRules, options.config);
    const pool = new ScanPool({
      workerUrl: options.workerUrl,
      workers,
      init: { config: options.config, maxFileSize: options.maxFileSize },
      onResult: (_task, outcome) => record(outcome),
      fallback: async (task) => scanHere(task),
    });
    try {
      for await (const entry of entries) {
        if (entry.kind === 'skipped') skipped.push(entry.skipped);
        else await pool.submit(entry);
      }
      await pool.drain();
    } finally {
      await pool.close();
    }
    warnings.push(...pool.warnings);
  }

  findings.sort(compareFindings);
  skipped.sort((a, b) => compareStrings(a.path, b.path) || compareStrings(a.reason, b.reason));
  return { findings, files, bytes, skipped, warnings };
}

export type DirFragmentOptions = Pick<
  DirScanOptions,
  'root' | 'skipPath' | 'respectGitignore' | 'maxFileSize'
> & {
  /** Receives every file that could not be turned into a fragment. */
  onSkipped?: ((skipped: Skipped) => void) | undefined;
};

/** The directory as a single-threaded `Source`: one fragment per readable text file, in walk order. */
export async function* dirFragments(options: DirFragmentOptions): AsyncGenerator<Fragment, void, undefined> {
  const entries = walk({
    root: options.root,
    respectGitignore: options.respectGitignore,
    skipPath: options.skipPath,
  });
  for await (const entry of entries) {
    if (entry.kind === 'skipped') {
      options.onSkipped?.(entry.skipped);
      continue;
    }
    const read = readTextFileSync(entry.abs, entry.rel, options.maxFileSize);
    if (read.kind === 'skipped') options.onSkipped?.(read.skipped);
    else yield { text: read.text, path: entry.rel, startLine: 1 };
  }
}
