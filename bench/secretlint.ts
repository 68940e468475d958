/**
 * secretlint through its Node API (`@secretlint/core` `lintSource` with the recommended preset), the
 * way its CLI drives it: a fresh Node process, one file at a time on one thread, reading included.
 *
 * secretlint 12 records a performance mark per rule per file in an always-on profiler whose observer
 * scans every mark recorded so far: the cost per file grows with the number of files linted in the
 * process (secretlint issues #1633/#1653, fixed upstream by making the profiler opt-in, PR #1673). On a
 * corpus of thousands of files that bug, not the detection work, dominates, so by default the child
 * turns the profiler's `mark` into a no-op, which is what the fixed releases do without --profile.
 * `profiler: true` measures the installed package exactly as it is.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LintFile {
  abs: string;
  bytes: number;
}

export interface SecretlintResult {
  files: number;
  bytes: number;
  findings: number;
  errors: number;
  /** Spawn to exit, as for the keyless CLI. */
  seconds: number;
  /** Linting alone, inside the child (no start-up). */
  lintSeconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
}

type ChildReport = Pick<SecretlintResult, 'files' | 'bytes' | 'findings' | 'errors' | 'lintSeconds'>;

/** Runs secretlint over `files` in a new process and times it from spawn to exit. */
export async function runSecretlint(
  files: LintFile[],
  options: { profiler?: boolean } = {},
): Promise<SecretlintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-secretlint-'));
  const list = join(dir, 'files.json');
  const output = join(dir, 'report.json');
  const rusage = join(dir, 'rusage.json');
  writeFileSync(list, JSON.stringify(files.map((f) => f.abs)));
  const hook = new URL('./rusage-hook.js', import.meta.url).href;
  const args = [`--import=${hook}`, fileURLToPath(import.meta.url), list, output];
  if (options.profiler) args.push('--profiler');
  try {
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, KEYLESS_BENCH_RUSAGE: rusage },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.once('error', fail);
      child.once('close', (exit) => done({ code: exit, stderr: err }));
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`secretlint child exited with ${code}:\n${stderr.trim()}`);
    const report = JSON.parse(readFileSync(output, 'utf8')) as ChildReport;
    const usage = JSON.parse(readFileSync(rusage, 'utf8')) as {
      maxRssKiB: number;
      userUs: number;
      systemUs: number;
    };
    return {
      ...report,
      seconds,
      cpuSeconds: (usage.userUs + usage.systemUs) / 1e6,
      maxRssMiB: usage.maxRssKiB / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function lintAll(paths: string[], profiler: boolean): Promise<ChildReport> {
  if (!profiler) {
    const { secretLintProfiler } = await import('@secretlint/profiler');
    secretLintProfiler.mark = () => undefined;
  }
  // Loaded after the profiler is silenced, as the CLI would load them.
  const { lintSource } = await import('@secretlint/core');
  const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  let bytes = 0;
  let findings = 0;
  let errors = 0;
  const started = performance.now();
  for (const abs of paths) {
    const content = await readFile(abs, 'utf8');
    bytes += Buffer.byteLength(content);
    try {
      const result = await lintSource({
        source: { content, filePath: abs, contentType: 'text' },
        options: { config, maskSecrets: true },
      });
      findings += result.messages.length;
    } catch {
      // Counted, not fatal: one rule crashing on one file says nothing about the throughput.
      errors++;
    }
  }
  return { files: paths.length, bytes, findings, errors, lintSeconds: (performance.now() - started) / 1000 };
}

/**
 * Every `step`-th file (then the ones after them, pass by pass) until at least `minBytes`: a
 * deterministic subset with the same mix of kinds and sizes as the whole list.
 */
export function everyNth(files: LintFile[], minBytes: number): LintFile[] {
  const total = files.reduce((a, f) => a + f.bytes, 0);
  if (total <= minBytes) return files;
  const step = Math.max(1, Math.floor(total / minBytes));
  const chosen: LintFile[] = [];
  let bytes = 0;
  for (let offset = 0; offset < step && bytes < minBytes; offset++) {
    for (let i = offset; i < files.length && bytes < minBytes; i += step) {
      const file = files[i] as LintFile;
      chosen.push(file);
      bytes += file.bytes;
    }
  }
  return chosen;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [list, output, flag] = process.argv.slice(2);
  if (!list || !output) throw new Error('usage: secretlint.js FILES.json REPORT.json [--profiler]');
  const paths = JSON.parse(readFileSync(list, 'utf8')) as string[];
  writeFileSync(output, JSON.stringify(await lintAll(paths, flag === '--profiler')));
}
