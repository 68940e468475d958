import { resolve } from 'node:path';

import { makePathFilter } from '../scanners/config/paths.js';
import { openRepo } from '../scanners/sources/git/exec.js';
import { scanHistory } from '../scanners/sources/git/history.js';
import { scanRange } from '../scanners/sources/git/range.js';
import { scanStaged } from '../scanners/sources/git/staged.js';
import type { GitScanOptions, GitScanResult } from '../scanners/sources/git/types.js';
import { CleanCache, rulesetKey } from '../scanners/sources/scan-cache.js';
import type { ScanOptions } from './args.js';
import { UsageError } from './exit-codes.js';
import { finishScan, prepareScan, type ScanContext, type ScanRun } from './scan-run.js';
import { VERSION } from './version.js';

export const gitOptionSpec = {
  range: { type: 'string' },
  staged: { type: 'boolean' },
  deepen: { type: 'boolean' },
  cache: { type: 'string' },
} as const;

export interface GitCliOptions {
  range?: string;
  staged: boolean;
  deepen: boolean;
  cache?: string;
}

export function readGitOptions(values: Record<string, string | boolean | undefined>): GitCliOptions {
  const range = typeof values['range'] === 'string' ? values['range'] : undefined;
  const cache = typeof values['cache'] === 'string' ? values['cache'] : undefined;
  const staged = values['staged'] === true;
  if (range !== undefined && staged) throw new UsageError('--range and --staged cannot be combined');
  if (values['deepen'] === true && range === undefined) throw new UsageError('--deepen needs --range');
  return {
    staged,
    deepen: values['deepen'] === true,
    ...(range !== undefined ? { range } : {}),
    ...(cache !== undefined ? { cache } : {}),
  };
}

/** `keyless scan git`: the whole history by default, or what a range or the index adds. */
export async function runGitScan(
  options: ScanOptions,
  git: GitCliOptions,
  context: ScanContext,
): Promise<ScanRun> {
  // The configuration and baseline live in the work tree's root, wherever inside it keyless was pointed.
  const repo = await openRepo(resolve(options.path));
  const setup = await prepareScan(options, context, repo.root);
  const cache = git.cache
    ? await CleanCache.open(
        git.cache,
        'git-blobs',
        rulesetKey(setup.rules, setup.config, options.maxFileSize, VERSION),
      )
    : undefined;
  const scanOptions: GitScanOptions = {
    path: repo.root,
    config: setup.config,
    skipPath: makePathFilter(setup.config.skipPaths),
    maxFileSize: options.maxFileSize,
    workers: options.workers ?? (context.workerUrl ? undefined : 0),
    workerUrl: context.workerUrl,
    cache,
    onProgress: (p) => setup.progress.update(p.files, p.bytes),
  };
  let result: GitScanResult;
  try {
    if (git.range !== undefined) {
      result = await scanRange({ ...scanOptions, range: git.range, deepen: git.deepen });
    } else if (git.staged) {
      result = await scanStaged(scanOptions);
    } else {
      result = await scanHistory(scanOptions);
    }
  } finally {
    setup.progress.done();
  }
  await cache?.save();
  return finishScan(options, setup, {
    kind: 'git',
    findings: result.findings,
    files: result.files,
    bytes: result.bytes,
    skipped: result.skipped,
    warnings: result.warnings,
    cached: result.cached,
    git: {
      commits: result.commits,
      ...(git.staged ? { staged: true } : {}),
      ...(result.range ? { range: result.range } : {}),
    },
  });
}
