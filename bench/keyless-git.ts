/**
 * Times the real `keyless scan git` command as a user runs it: a fresh Node process on the CLI, wall time
 * from spawn to exit (start-up, listing the history, streaming and scanning the blobs, attributing the
 * findings to commits, writing the report). CPU time covers the whole process tree (the git processes
 * the CLI starts included); peak RSS is the CLI process's, read by the preloaded rusage hook.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { spawnMeasured } from './spawn-measured.js';

export interface KeylessGitResult {
  blobs: number;
  bytes: number;
  /** Blobs the cache said were already scanned clean. */
  cached: number;
  commits: number;
  findings: number;
  fingerprints: Set<string>;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  warnings: string[];
}

interface JsonReport {
  stats: { files: number; bytes: number; findings: number; cached?: number };
  findings: { fingerprint: string }[];
  git?: { commits: number };
  warnings?: string[];
}

/** True when `cli` knows `scan git` (it may predate it): an older CLI rejects the target by name. */
export async function supportsScanGit(cli: string): Promise<boolean> {
  const missing = join(tmpdir(), `keyless-bench-no-such-repo-${process.pid}`);
  const { child, done } = spawnMeasured('"$@"', [process.execPath, cli, 'scan', 'git', missing]);
  child.stdin.end();
  child.stdout.resume();
  const result = await done;
  return !/unknown target "git"/.test(result.stderr);
}

export async function runKeylessGit(
  cli: string,
  repo: string,
  options: { cache?: string; workers?: number } = {},
): Promise<KeylessGitResult> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-git-'));
  const output = join(dir, 'report.json');
  const rusageFile = join(dir, 'rusage.json');
  const hook = new URL('./rusage-hook.js', import.meta.url).href;
  const args = [process.execPath, `--import=${hook}`, cli, 'scan', 'git', repo];
  args.push('--format', 'json', '--output', output, '--no-progress', '--fail-on', 'none');
  if (options.cache !== undefined) args.push('--cache', options.cache);
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  try {
    const { child, done } = spawnMeasured('"$@"', args, { ...process.env, KEYLESS_BENCH_RUSAGE: rusageFile });
    child.stdin.end();
    child.stdout.resume();
    const run = await done;
    if (run.code !== 0 || !existsSync(output)) {
      throw new Error(`keyless scan git exited with ${run.code}:\n${run.stderr.trim()}`);
    }
    const report = JSON.parse(readFileSync(output, 'utf8')) as JsonReport;
    const usage = JSON.parse(readFileSync(rusageFile, 'utf8')) as { maxRssKiB: number };
    return {
      blobs: report.stats.files,
      bytes: report.stats.bytes,
      cached: report.stats.cached ?? 0,
      commits: report.git?.commits ?? 0,
      findings: report.stats.findings,
      fingerprints: new Set(report.findings.map((f) => f.fingerprint)),
      seconds: run.seconds,
      cpuSeconds: run.childCpuSeconds,
      maxRssMiB: usage.maxRssKiB / 1024,
      warnings: report.warnings ?? [],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
