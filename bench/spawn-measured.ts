/**
 * Runs a command tree and learns its CPU time. Node's child_process reports no rusage, and the git
 * steps are pipelines of several processes; so the command runs under `sh`, which, once its children
 * have exited, reads its own /proc/<pid>/stat: the cutime/cstime fields there hold the CPU time of every
 * process it waited for, their own waited-for descendants included (git's helpers, a CLI's workers).
 * Linux only, like the rest of the benchmark's CPU figures; elsewhere CPU time reads as 0.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface Measured {
  code: number | null;
  seconds: number;
  /** user + system CPU seconds of every process the shell ran. */
  childCpuSeconds: number;
  stderr: string;
}

export interface MeasuredChild {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  done: Promise<Measured>;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * `script` is a shell command line; `args` are its positional parameters ($1...), so paths need no
 * quoting. The wall clock starts at spawn and stops when the shell exits.
 */
export function spawnMeasured(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): MeasuredChild {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-cpu-'));
  const statFile = join(dir, 'stat');
  const wrapped = `${script}\nrc=$?\ncat /proc/$$/stat > "$KEYLESS_BENCH_STAT" 2>/dev/null\nexit $rc`;
  const started = performance.now();
  const child = spawn('sh', ['-c', wrapped, 'sh', ...args], {
    env: { ...env, KEYLESS_BENCH_STAT: statFile },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    // Bounded: a failing command's message is what matters, not megabytes of it.
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  const done = new Promise<Measured>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let childCpuSeconds = 0;
      try {
        // Fields after the parenthesised command name; cutime and cstime are the 14th and 15th of them.
        const stat = readFileSync(statFile, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
        childCpuSeconds = ticks / clockTicks();
      } catch {
        // No /proc: CPU time unknown, wall time still valid.
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, seconds, childCpuSeconds, stderr });
    });
  });
  return { child, done };
}
