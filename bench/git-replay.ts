/**
 * The `git log -p` replay, the way patch-based history scanners work: `git log -p -U0 --full-history
 * --all` (gitleaks's command), parsed here into one fragment per commit and file holding the lines that
 * commit added, each scanned by Keyless's engine on the same worker threads `keyless scan` uses. Merge
 * commits show no patch (`--diff-merges=off`, git's default for `log -p`), so a change a merge makes on
 * its own is never seen; with `-m` every merge would instead repeat its whole branch's changes.
 */
import { availableParallelism } from 'node:os';

import { emptyConfig } from '../scanners/config/schema.js';
import type { CompiledRules } from '../scanners/engine/detect.js';
import { compileForScan, scanFile, type ScanTask } from '../scanners/sources/scan-file.js';
import { ScanPool } from '../scanners/sources/pool.js';
import { spawnMeasured } from './spawn-measured.js';

export const REPLAY_COMMAND = 'git log -p -U0 --full-history --all --diff-merges=off';
const SCRIPT =
  'git -C "$1" log -p -U0 --full-history --all --diff-merges=off --no-color --no-ext-diff --no-textconv';
const MAX_FILE_SIZE = 10 * 1024 * 1024;

export interface ReplayResult {
  threads: number;
  /** Bytes of `git log -p` output parsed. */
  patchBytes: number;
  /** Fragments (commit x file with added lines) scanned, and their bytes. */
  fragments: number;
  addedBytes: number;
  findings: number;
  fingerprints: Set<string>;
  skipped: Record<string, number>;
  seconds: number;
  /** git log plus this process (parsing and scan threads). */
  cpuSeconds: number;
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const AT = 0x40;
const BACKSLASH = 0x5c;

/** Turns `git log -p -U0` output into added-line fragments; `take` hands out the finished ones. */
export class PatchParser {
  private inHunk = false;
  private path: string | undefined;
  private pieces: Buffer[] = [];
  private carry: Buffer | undefined;
  private ready: ScanTask[] = [];
  patchBytes = 0;
  fragments = 0;
  addedBytes = 0;

  push(chunk: Buffer): void {
    this.patchBytes += chunk.length;
    let i = 0;
    if (this.carry) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = undefined;
      this.line(line, 0, line.length - 1);
      i = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, i);
      if (nl < 0) break;
      this.line(chunk, i, nl);
      i = nl + 1;
    }
    if (i < chunk.length) this.carry = Buffer.from(chunk.subarray(i));
  }

  end(): void {
    if (this.carry) {
      const line = Buffer.concat([this.carry, Buffer.from('\n')]);
      this.carry = undefined;
      this.line(line, 0, line.length - 1);
    }
    this.flush();
  }

  take(): ScanTask[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** One line, `buf[start..nl)`, `buf[nl]` being its newline. */
  private line(buf: Buffer, start: number, nl: number): void {
    const c = buf[start];
    if (this.inHunk) {
      if (c === PLUS) {
        this.pieces.push(buf.subarray(start + 1, nl + 1));
        return;
      }
      if (c === MINUS || c === BACKSLASH || c === AT) return;
      this.inHunk = false;
    }
    if (c === AT) {
      this.inHunk = true;
    } else if (startsWith(buf, start, 'diff --git ') || startsWith(buf, start, 'commit ')) {
      this.flush();
      this.path = undefined;
    } else if (startsWith(buf, start, '+++ ')) {
      const name = buf.toString('utf8', start + 4, nl);
      this.path = name.startsWith('b/') ? name.slice(2) : undefined;
    }
  }

  private flush(): void {
    if (this.pieces.length > 0 && this.path !== undefined) {
      const data = Buffer.concat(this.pieces);
      this.fragments++;
      this.addedBytes += data.length;
      this.ready.push({ data, rel: this.path });
    }
    this.pieces = [];
  }
}

function startsWith(buf: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

export async function runReplay(repo: string, threads = availableParallelism()): Promise<ReplayResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const fingerprints = new Set<string>();
  const skipped: Record<string, number> = {};
  let findings = 0;
  const config = emptyConfig();
  let compiled: CompiledRules | undefined;
  const pool = new ScanPool({
    workerUrl: new URL('./scan-worker.js', import.meta.url),
    workers: threads,
    init: { config, maxFileSize: MAX_FILE_SIZE },
    onResult: (_task, outcome) => {
      if ('skipped' in outcome) {
        skipped[outcome.skipped.reason] = (skipped[outcome.skipped.reason] ?? 0) + 1;
        return;
      }
      findings += outcome.findings.length;
      for (const f of outcome.findings) fingerprints.add(f.fingerprint);
    },
    fallback: async (task) => scanFile(task, (compiled ??= compileForScan(config)), MAX_FILE_SIZE),
  });
  const parser = new PatchParser();
  const { child, done } = spawnMeasured(SCRIPT, [repo]);
  child.stdin.end();
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      parser.push(chunk);
      for (const task of parser.take()) await pool.submit(task);
    }
    parser.end();
    for (const task of parser.take()) await pool.submit(task);
    await pool.drain();
  } finally {
    await pool.close();
  }
  const git = await done;
  if (git.code !== 0) throw new Error(`git log failed (${git.code}): ${git.stderr.trim()}`);
  if (pool.warnings.length > 0) throw new Error(`replay scan: ${pool.warnings.join('; ')}`);
  const own = process.cpuUsage(cpuBefore);
  return {
    threads,
    patchBytes: parser.patchBytes,
    fragments: parser.fragments,
    addedBytes: parser.addedBytes,
    findings,
    fingerprints,
    skipped,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: git.childCpuSeconds + (own.user + own.system) / 1e6,
  };
}
