/**
 * Times the real `keyless scan dir` command as a user runs it: a fresh Node process on the CLI bundle,
 * wall time from spawn to exit (start-up, rule compilation, walk, scan, report writing included).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface KeylessResult {
  workers: number | 'default';
  files: number;
  bytes: number;
  findings: number;
  findingsByRule: Record<string, number>;
  skipped: Record<string, number>;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
}

interface JsonReport {
  stats: { files: number; bytes: number; findings: number };
  findings: { ruleId: string }[];
  skipped: { reason: string }[];
}

interface Rusage {
  maxRssKiB: number;
  userUs: number;
  systemUs: number;
}

/** The CLI to run: `--cli` if given, else the committed bundle; fails loudly when it is missing. */
export function resolveCli(root: string, given: string | undefined): string {
  const cli = resolve(given ?? join(root, 'dist/cli/index.js'));
  if (!existsSync(cli)) {
    throw new Error(
      given === undefined
        ? `${cli} is missing: run \`npm run build\` first (or pass --cli build/cli/index.js)`
        : `--cli ${given}: no such file`,
    );
  }
  return cli;
}

export async function runKeyless(cli: string, corpus: string, workers?: number): Promise<KeylessResult> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-'));
  const output = join(dir, 'report.json');
  const rusageFile = join(dir, 'rusage.json');
  const hook = new URL('./rusage-hook.js', import.meta.url).href;
  const args = [`--import=${hook}`, cli, 'scan', 'dir', corpus, '--format', 'json', '--output', output];
  args.push('--no-progress', '--fail-on', 'none');
  if (workers !== undefined) args.push('--workers', String(workers));
  try {
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, KEYLESS_BENCH_RUSAGE: rusageFile },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.once('error', fail);
      child.once('close', (exit) => done({ code: exit, stderr: err }));
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`keyless exited with ${code}:\n${stderr.trim()}`);
    const report = JSON.parse(readFileSync(output, 'utf8')) as JsonReport;
    const usage = JSON.parse(readFileSync(rusageFile, 'utf8')) as Rusage;
    return {
      workers: workers ?? 'default',
      files: report.stats.files,
      bytes: report.stats.bytes,
      findings: report.stats.findings,
      findingsByRule: tally(report.findings.map((f) => f.ruleId)),
      skipped: tally(report.skipped.map((s) => s.reason)),
      seconds,
      cpuSeconds: (usage.userUs + usage.systemUs) / 1e6,
      maxRssMiB: usage.maxRssKiB / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tally(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys.sort()) out[key] = (out[key] ?? 0) + 1;
  return out;
}
