/**
 * A diagnostic row for the history benchmark: the engine alone on the repository's blobs, on one
 * thread, with the blobs already in memory (loading them is not timed). Its CPU time is what scanning
 * the history costs before any git plumbing, thread hand-off or attribution; the gap between it and
 * `keyless scan git`'s CPU time is what those add.
 */
import { spawnSync } from 'node:child_process';

import { emptyConfig } from '../scanners/config/schema.js';
import { compileForScan, scanFile } from '../scanners/sources/scan-file.js';

export interface EngineResult {
  blobs: number;
  bytes: number;
  findings: number;
  seconds: number;
  cpuSeconds: number;
}

const MAX_FILE_SIZE = 10 * 1024 * 1024;

function git(repo: string, args: string[], input?: string): Buffer {
  const run = spawnSync('git', ['-C', repo, ...args], { input, maxBuffer: 4 * 1024 ** 3 });
  if (run.status !== 0) throw new Error(`git ${args[0]} failed: ${run.stderr.toString().trim()}`);
  return run.stdout;
}

/** Every reachable blob with the first path rev-list names it by (path-scoped rules need one). */
function loadBlobs(repo: string): { rel: string; data: Buffer }[] {
  const objects = git(repo, ['rev-list', '--objects', '--all']).toString('utf8').split('\n');
  const paths = new Map<string, string>();
  for (const line of objects) {
    const space = line.indexOf(' ');
    if (space > 0) paths.set(line.slice(0, space), line.slice(space + 1));
  }
  const out = git(repo, ['cat-file', '--batch'], [...paths.keys()].join('\n') + '\n');
  const blobs: { rel: string; data: Buffer }[] = [];
  for (let i = 0; i < out.length;) {
    const nl = out.indexOf(10, i);
    const [id, type, size] = out.toString('latin1', i, nl).split(' ');
    const end = nl + 1 + Number(size);
    if (type === 'blob')
      blobs.push({ rel: paths.get(id as string) ?? 'blob', data: out.subarray(nl + 1, end) });
    i = end + 1;
  }
  return blobs;
}

export function measureEngine(repo: string): EngineResult {
  const blobs = loadBlobs(repo);
  const compiled = compileForScan(emptyConfig());
  let bytes = 0;
  let findings = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const blob of blobs) {
    const outcome = scanFile({ data: blob.data, rel: blob.rel }, compiled, MAX_FILE_SIZE);
    if ('findings' in outcome) {
      bytes += outcome.bytes;
      findings += outcome.findings.length;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { blobs: blobs.length, bytes, findings, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
