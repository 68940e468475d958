/**
 * The directory benchmark (`npm run bench -- dir`): one run that measures, on the same generated corpus, the raw-read floor, the real
 * `keyless scan dir` CLI (all cores, then one thread) and secretlint, and reports each as MB/s and as a
 * ratio to the floor measured with the same number of threads in the same run. Nothing is asserted.
 *
 * Options (see run.ts): --size MB (default 220)   --cli PATH   --corpus DIR   --runs N (default 2)
 *          --skip-secretlint   --secretlint-budget SECONDS   --secretlint-profiler
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { DEFAULT_CORPUS_DIR, DEFAULT_SIZE_MB, MB, describe, ensureCorpus } from './corpus.js';
import { measureFloor } from './floor.js';
import { resolveCli, runKeyless, type KeylessResult } from './keyless.js';
import { everyNth, runSecretlint, type LintFile, type SecretlintResult } from './secretlint.js';
import { renderTable } from './table.js';

const TARGET_PER_CORE = 100;
const TARGET_RATIO = 2.5;
const SECRETLINT_MIN_SUBSET = 30 * MB;

export interface Row {
  step: string;
  tool: string;
  threads: number;
  files: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
  /** Megabytes (2^20 bytes) per wall-clock second. */
  mbPerSecond: number;
  /** mbPerSecond / threads: what one core sustains when all are busy. */
  mbPerSecondPerCore: number;
  /** Megabytes per CPU-second (user + system): the per-core figure, insensitive to other load. */
  mbPerCpuSecond: number;
  /** tool seconds per MB / floor seconds per MB, floor read with the same number of threads. */
  vsFloor?: number;
  maxRssMiB?: number;
  findings?: number;
  note?: string;
}

interface Sample {
  files: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
}

function row(step: string, tool: string, threads: number, s: Sample, extra: Partial<Row> = {}): Row {
  const mb = s.bytes / MB;
  return {
    step,
    tool,
    threads,
    files: s.files,
    bytes: s.bytes,
    seconds: s.seconds,
    cpuSeconds: s.cpuSeconds,
    mbPerSecond: mb / s.seconds,
    mbPerSecondPerCore: mb / s.seconds / threads,
    mbPerCpuSecond: mb / s.cpuSeconds,
    ...extra,
  };
}

/** Runs `measure` `runs` times, round-robin with the other steps by the caller, keeping the fastest. */
function keepBest<T extends { seconds: number }>(best: T | undefined, next: T): T {
  return best === undefined || next.seconds < best.seconds ? next : best;
}

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

export interface DirBenchValues {
  size?: string | undefined;
  cli?: string | undefined;
  corpus?: string | undefined;
  runs?: string | undefined;
  'skip-secretlint'?: boolean | undefined;
  'secretlint-budget'?: string | undefined;
  'secretlint-profiler'?: boolean | undefined;
}

export async function runDirBench(values: DirBenchValues): Promise<{ result: object; text: string }> {
  const sizeMB = values.size ? Number(values.size) : DEFAULT_SIZE_MB;
  const runs = values.runs ? Number(values.runs) : 2;
  const budget = values['secretlint-budget'] ? Number(values['secretlint-budget']) : 180;
  if (!(sizeMB > 0) || !(runs >= 1) || !(budget > 0))
    throw new Error('--size, --runs and --secretlint-budget take positive numbers');
  const cli = resolveCli(process.cwd(), values.cli);
  const corpusDir = resolve(values.corpus ?? DEFAULT_CORPUS_DIR);
  const cores = availableParallelism();
  const loadBefore = loadavg()[0] ?? 0;

  const corpus = ensureCorpus({ root: corpusDir, sizeMB, log });
  const manifest = corpus.manifest;
  log(
    `${corpus.generated ? 'generated' : 'reusing'} corpus (${corpus.seconds.toFixed(1)} s): ${describe(manifest)}`,
  );
  const scanned = manifest.files.filter((f) => !f.ignored && !f.binary);
  const paths = scanned.map((f) => join(corpusDir, f.path));
  const plantedTotal = Object.values(manifest.planted).reduce((a, b) => a + b, 0);

  // secretlint can be far slower than the others: calibrate on a small sample, then lint a subset if the
  // whole corpus would not fit the time budget.
  const lintFiles: LintFile[] = scanned.map((f) => ({ abs: join(corpusDir, f.path), bytes: f.bytes }));
  let lintSet = lintFiles;
  let lintNote: string | undefined;
  const profiler = values['secretlint-profiler'] === true;
  if (!values['skip-secretlint']) {
    const probe = await runSecretlint(everyNth(lintFiles, 4 * MB), { profiler });
    // Per-file overhead and per-byte cost both matter; scaling by the larger ratio errs on the slow side.
    const scale = Math.max(manifest.scannedBytes / probe.bytes, lintFiles.length / probe.files);
    const estimate = scale * probe.lintSeconds;
    log(
      `secretlint probe: ${probe.files} files, ${(probe.bytes / MB).toFixed(1)} MB in ${probe.lintSeconds.toFixed(1)} s; whole corpus ~${estimate.toFixed(0)} s per run`,
    );
    if (estimate > budget) {
      const fits = (manifest.scannedBytes / estimate) * budget * 0.8;
      lintSet = everyNth(lintFiles, Math.max(SECRETLINT_MIN_SUBSET, fits));
      const bytes = lintSet.reduce((a, f) => a + f.bytes, 0);
      lintNote = `subset: ${lintSet.length} of ${lintFiles.length} files (every Nth), ${(bytes / MB).toFixed(0)} MB`;
    }
  }

  let floorN: Sample | undefined;
  let decodeN: Sample | undefined;
  let floor1: Sample | undefined;
  let keylessN: KeylessResult | undefined;
  let keyless1: KeylessResult | undefined;
  let lint: SecretlintResult | undefined;
  for (let round = 1; round <= runs; round++) {
    log(`round ${round}/${runs}: read floor (${cores} threads)`);
    floorN = keepBest(floorN, await measureFloor(paths, cores));
    decodeN = keepBest(decodeN, await measureFloor(paths, cores, true));
    log(`round ${round}/${runs}: keyless scan dir (default workers)`);
    keylessN = keepBest(keylessN, await runKeyless(cli, corpusDir));
    log(`round ${round}/${runs}: read floor (1 thread), keyless --workers 0`);
    floor1 = keepBest(floor1, await measureFloor(paths, 1));
    keyless1 = keepBest(keyless1, await runKeyless(cli, corpusDir, 0));
    if (!values['skip-secretlint']) {
      log(`round ${round}/${runs}: secretlint`);
      lint = keepBest(lint, await runSecretlint(lintSet, { profiler }));
    }
  }
  if (!floorN || !decodeN || !floor1 || !keylessN || !keyless1) throw new Error('no measurement');

  const vs = (s: Sample, floor: Sample): number => s.seconds / s.bytes / (floor.seconds / floor.bytes);
  const rows: Row[] = [
    row('floor', 'raw read (fs.readFile)', cores, floorN),
    row('decode', 'read + UTF-8 decode', cores, decodeN, { vsFloor: vs(decodeN, floorN) }),
    row('keyless', 'keyless scan dir', cores, keylessN, {
      vsFloor: vs(keylessN, floorN),
      maxRssMiB: keylessN.maxRssMiB,
      findings: keylessN.findings,
    }),
    row('floor-1', 'raw read (fs.readFile)', 1, floor1),
    row('keyless-1', 'keyless scan dir --workers 0', 1, keyless1, {
      vsFloor: vs(keyless1, floor1),
      maxRssMiB: keyless1.maxRssMiB,
      findings: keyless1.findings,
    }),
  ];
  if (lint) {
    rows.push(
      row('secretlint', 'secretlint (recommended preset)', 1, lint, {
        vsFloor: vs(lint, floor1),
        maxRssMiB: lint.maxRssMiB,
        findings: lint.findings,
        ...(lintNote ? { note: lintNote } : {}),
      }),
    );
  }

  const warnings: string[] = [];
  if (keylessN.files !== scanned.length || keylessN.bytes !== manifest.scannedBytes) {
    warnings.push(
      `keyless scanned ${keylessN.files} files / ${keylessN.bytes} bytes; the corpus has ${scanned.length} / ${manifest.scannedBytes} to scan`,
    );
  }
  const loadAfter = loadavg()[0] ?? 0;
  if (Math.max(loadBefore, loadAfter) > cores * 0.5) {
    warnings.push(
      `load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${cores} cores: other work competed for the CPU; MB per CPU-second is the steadier figure`,
    );
  }
  const perCore = keyless1.bytes / MB / keyless1.seconds;
  const ratio = vs(keylessN, floorN);
  const result = {
    machine: {
      cores,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: { before: loadBefore, after: loadAfter },
    },
    cli,
    runs,
    keep: 'best (shortest wall time) of the runs',
    corpus: {
      dir: corpusDir,
      sizeMB,
      scannedFiles: scanned.length,
      scannedBytes: manifest.scannedBytes,
      binaryFiles: manifest.files.filter((f) => f.binary).length,
      ignoredFiles: manifest.files.filter((f) => f.ignored).length,
      planted: plantedTotal,
    },
    rows,
    keyless: { findingsByRule: keylessN.findingsByRule, skipped: keylessN.skipped },
    targets: {
      perCoreMBps: { target: TARGET_PER_CORE, measured: perCore, met: perCore >= TARGET_PER_CORE },
      vsFloor: { target: TARGET_RATIO, measured: ratio, met: ratio <= TARGET_RATIO },
    },
    warnings,
  };
  return { result, text: render(result, rows) };
}

function render(
  result: {
    machine: { cores: number; cpu: string; node: string };
    corpus: { planted: number };
    targets: Record<string, { target: number; measured: number; met: boolean }>;
    warnings: string[];
    runs: number;
  },
  rows: Row[],
): string {
  const header = [
    'tool',
    'threads',
    'files',
    'MB',
    'seconds',
    'MB/s',
    'MB/s/core',
    'CPU s',
    'MB/CPU-s',
    'x floor',
    'RSS MB',
    'findings',
  ];
  const cells = rows.map((r) => [
    r.tool,
    String(r.threads),
    String(r.files),
    (r.bytes / MB).toFixed(1),
    r.seconds.toFixed(2),
    r.mbPerSecond.toFixed(1),
    r.mbPerSecondPerCore.toFixed(1),
    r.cpuSeconds.toFixed(2),
    r.mbPerCpuSecond.toFixed(1),
    r.vsFloor === undefined ? '1.00 (floor)' : r.vsFloor.toFixed(2),
    r.maxRssMiB === undefined ? '' : r.maxRssMiB.toFixed(0),
    r.findings === undefined ? '' : String(r.findings),
  ]);
  const m = result.machine;
  const t = result.targets;
  const out = [
    `machine: ${m.cores} cores (${m.cpu}), node ${m.node}; best of ${result.runs} runs; MB = 2^20 bytes`,
    '',
    ...renderTable(header, cells),
    '',
    ...rows.filter((r) => r.note).map((r) => `note: ${r.tool}: ${r.note}`),
    `x floor: the tool's seconds per MB over the raw read's with the same number of threads.`,
    `planted fake secrets: ${result.corpus.planted}`,
    `target >= ${t['perCoreMBps']?.target} MB/s per core (keyless, one thread): ${t['perCoreMBps']?.measured.toFixed(1)} — ${t['perCoreMBps']?.met ? 'met' : 'not met'}`,
    `target <= ${t['vsFloor']?.target}x the raw-read floor (keyless, all cores): ${t['vsFloor']?.measured.toFixed(2)}x — ${t['vsFloor']?.met ? 'met' : 'not met'}`,
    ...result.warnings.map((w) => `warning: ${w}`),
  ];
  return `${out.join('\n')}\n`;
}
