/**
 * The history benchmark (`npm run bench -- git`): on one generated repository, in one run, the floor
 * (every reachable blob streamed out of git, nothing done with it), `keyless scan git` end to end (also
 * with a cold and a warm `--cache`), and a `git log -p` replay scanned by the same engine on the same
 * worker threads; and, to tell plumbing from scanning, the engine alone on the blobs held in memory.
 * Every speed is the repository's unique blob bytes over wall time, so the rows compare the cost of
 * covering the same history; each scanning row also checks that the planted fakes were found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { MB } from './corpus.js';
import { measureEngine, type EngineResult } from './git-engine.js';
import { describeGitCorpus, ensureGitCorpus, type GitManifest } from './git-corpus.js';
import { measureGitFloor, type GitFloorResult } from './git-floor.js';
import { REPLAY_COMMAND, runReplay, type ReplayResult } from './git-replay.js';
import { runKeylessGit, supportsScanGit, type KeylessGitResult } from './keyless-git.js';
import { renderTable } from './table.js';

const TARGET_RATIO = 2;

export interface GitBenchOptions {
  cli: string;
  corpus?: string;
  sizeMB?: number;
  minCommits?: number;
  runs: number;
  log: (line: string) => void;
}

export interface GitRow {
  step: string;
  tool: string;
  threads: number;
  /** Blobs (floor, keyless) or commit x file fragments (replay) handled. */
  units: number;
  /** Bytes the tool itself read: blob bytes, or `git log -p` output for the replay. */
  inputBytes: number;
  seconds: number;
  cpuSeconds: number;
  /** The repository's unique blob MB per wall-clock second. */
  mbPerSecond: number;
  mbPerCpuSecond: number;
  vsFloor?: number;
  maxRssMiB?: number;
  findings?: number;
  /** Planted fakes whose every fingerprint the tool reported. */
  plantsFound?: number;
}

interface Timed {
  seconds: number;
}

function keepBest<T extends Timed>(best: T | undefined, next: T): T {
  return best === undefined || next.seconds < best.seconds ? next : best;
}

/** Plants found, overall and among those gone from HEAD and those only a merge added. */
function plantsFound(
  manifest: GitManifest,
  fingerprints: Set<string>,
): { all: number; gone: number; merge: number } {
  const found = manifest.plants.filter(
    (p) => p.fingerprints.length > 0 && p.fingerprints.every((f) => fingerprints.has(f)),
  );
  return {
    all: found.length,
    gone: found.filter((p) => p.removedAtHead).length,
    merge: found.filter((p) => p.inMerge).length,
  };
}

export async function runGitBench(options: GitBenchOptions): Promise<{ result: object; text: string }> {
  const { log, runs } = options;
  const cores = availableParallelism();
  const loadBefore = loadavg()[0] ?? 0;
  const corpus = await ensureGitCorpus({
    ...(options.corpus !== undefined ? { root: options.corpus } : {}),
    ...(options.sizeMB !== undefined ? { sizeMB: options.sizeMB } : {}),
    ...(options.minCommits !== undefined ? { minCommits: options.minCommits } : {}),
    log,
  });
  const { manifest, root } = corpus;
  const t = manifest.timings;
  log(
    `${corpus.generated ? 'generated' : 'reusing'} history repository (generated in ${t.totalSeconds.toFixed(1)} s: ` +
      `fast-import ${t.streamSeconds.toFixed(1)} s, repack ${t.repackSeconds.toFixed(1)} s): ${describeGitCorpus(manifest)}`,
  );
  const warnings: string[] = [];
  const hasGit = await supportsScanGit(options.cli);
  if (!hasGit) warnings.push(`${options.cli} has no \`scan git\`: its rows are missing (build a newer CLI)`);

  let floor: GitFloorResult | undefined;
  let keyless: KeylessGitResult | undefined;
  let replay: ReplayResult | undefined;
  let engine: EngineResult | undefined;
  for (let round = 1; round <= runs; round++) {
    log(`round ${round}/${runs}: git floor`);
    floor = keepBest(floor, await measureGitFloor(root));
    log(`round ${round}/${runs}: engine only, blobs in memory`);
    engine = keepBest(engine, measureEngine(root));
    if (hasGit) {
      log(`round ${round}/${runs}: keyless scan git`);
      keyless = keepBest(keyless, await runKeylessGit(options.cli, root));
    }
    log(`round ${round}/${runs}: ${REPLAY_COMMAND} replay`);
    replay = keepBest(replay, await runReplay(root, cores));
  }
  let cold: KeylessGitResult | undefined;
  let warm: KeylessGitResult | undefined;
  if (hasGit) {
    const cache = mkdtempSync(join(tmpdir(), 'keyless-bench-cache-'));
    try {
      log('keyless scan git --cache: cold, then warm');
      cold = await runKeylessGit(options.cli, root, { cache });
      for (let round = 1; round <= runs; round++)
        warm = keepBest(warm, await runKeylessGit(options.cli, root, { cache }));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
  if (!floor || !replay || !engine) throw new Error('no measurement');

  const bytes = manifest.stats.uniqueBlobBytes;
  const perByte = (s: Timed): number => s.seconds / bytes;
  const base = (step: string, tool: string, threads: number, s: { seconds: number; cpuSeconds: number }) => ({
    step,
    tool,
    threads,
    seconds: s.seconds,
    cpuSeconds: s.cpuSeconds,
    mbPerSecond: bytes / MB / s.seconds,
    mbPerCpuSecond: bytes / MB / s.cpuSeconds,
  });
  const rows: GitRow[] = [
    {
      ...base('floor', 'git floor: rev-list + cat-file --batch', 1, floor),
      units: floor.blobs,
      inputBytes: floor.bytes,
    },
  ];
  rows.push({
    ...base('engine', 'engine only, blobs in memory', 1, engine),
    units: engine.blobs,
    inputBytes: engine.bytes,
    vsFloor: perByte(engine) / perByte(floor),
    findings: engine.findings,
  });
  const found: Record<string, { all: number; gone: number; merge: number }> = {};
  const keylessRow = (step: string, tool: string, r: KeylessGitResult): void => {
    found[step] = plantsFound(manifest, r.fingerprints);
    rows.push({
      ...base(step, tool, cores, r),
      units: r.blobs,
      inputBytes: r.bytes,
      vsFloor: perByte(r) / perByte(floor as GitFloorResult),
      maxRssMiB: r.maxRssMiB,
      findings: r.findings,
      plantsFound: found[step].all,
    });
    if (r.blobs + r.cached < manifest.stats.uniqueBlobs && step !== 'keyless-warm') {
      warnings.push(`${tool}: ${r.blobs} blobs scanned; the repository has ${manifest.stats.uniqueBlobs}`);
    }
    warnings.push(...r.warnings.map((w) => `${tool}: ${w}`));
  };
  if (keyless) keylessRow('keyless', 'keyless scan git', keyless);
  if (cold) keylessRow('keyless-cold', 'keyless scan git --cache (cold)', cold);
  if (warm) keylessRow('keyless-warm', 'keyless scan git --cache (warm)', warm);
  found['replay'] = plantsFound(manifest, replay.fingerprints);
  rows.push({
    ...base('replay', 'git log -p replay, same engine', replay.threads, replay),
    units: replay.fragments,
    inputBytes: replay.patchBytes,
    vsFloor: perByte(replay) / perByte(floor),
    findings: replay.findings,
    plantsFound: found['replay'].all,
  });

  const loadAfter = loadavg()[0] ?? 0;
  if (Math.max(loadBefore, loadAfter) > cores * 0.5) {
    warnings.push(
      `load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${cores} cores: other work competed for the CPU; MB per CPU-second is the steadier figure`,
    );
  }
  const detectable = manifest.plants.filter((p) => p.fingerprints.length > 0).length;
  for (const [step, f] of Object.entries(found)) {
    if (f.all === 0) warnings.push(`${step} found none of the planted fakes: its detection path did not run`);
  }
  const ratio = keyless ? perByte(keyless) / perByte(floor) : undefined;
  const result = {
    cli: options.cli,
    runs,
    keep: 'best (shortest wall time) of the runs; the cold cache run once',
    corpus: { dir: root, generated: corpus.generated, ...manifest.stats, timings: manifest.timings },
    plants: {
      total: manifest.plants.length,
      detectable,
      goneFromHead: manifest.plants.filter((p) => p.removedAtHead).length,
      addedByMerges: manifest.plants.filter((p) => p.inMerge).length,
      found,
    },
    replay: {
      command: REPLAY_COMMAND,
      patchBytes: replay.patchBytes,
      fragments: replay.fragments,
      addedBytes: replay.addedBytes,
      skipped: replay.skipped,
    },
    floorListSeconds: floor.listSeconds,
    rows,
    target:
      ratio === undefined
        ? undefined
        : { vsFloor: TARGET_RATIO, measured: ratio, met: ratio <= TARGET_RATIO },
    loadAverage: { before: loadBefore, after: loadAfter },
    warnings,
  };
  return { result, text: render(manifest, rows, result, warm) };
}

function render(
  manifest: GitManifest,
  rows: GitRow[],
  result: {
    plants: { total: number; detectable: number; goneFromHead: number; addedByMerges: number };
    replay: { patchBytes: number; addedBytes: number; fragments: number };
    target: { measured: number; met: boolean } | undefined;
    warnings: string[];
    runs: number;
  },
  warm: KeylessGitResult | undefined,
): string {
  const s = manifest.stats;
  const p = result.plants;
  const header = [
    'tool',
    'threads',
    'blobs/frags',
    'input MB',
    'seconds',
    'MB/s',
    'CPU s',
    'MB/CPU-s',
    'x floor',
    'RSS MB',
    'findings',
    'planted',
  ];
  const cells = rows.map((r) => [
    r.tool,
    String(r.threads),
    String(r.units),
    (r.inputBytes / MB).toFixed(1),
    r.seconds.toFixed(2),
    r.mbPerSecond.toFixed(1),
    r.cpuSeconds.toFixed(2),
    r.mbPerCpuSecond.toFixed(1),
    r.vsFloor === undefined ? '1.00 (floor)' : r.vsFloor.toFixed(2),
    r.maxRssMiB === undefined ? '' : r.maxRssMiB.toFixed(0),
    r.findings === undefined ? '' : String(r.findings),
    r.plantsFound === undefined ? '' : `${r.plantsFound}/${p.detectable}`,
  ]);
  const out = [
    `history: ${describeGitCorpus(manifest)}`,
    `generation: ${manifest.timings.totalSeconds.toFixed(1)} s (fast-import ${manifest.timings.streamSeconds.toFixed(1)} s, repack and gc ${manifest.timings.repackSeconds.toFixed(1)} s)`,
    `best of ${result.runs} runs; MB = 2^20 bytes; MB/s = the ${(s.uniqueBlobBytes / MB).toFixed(1)} MB of unique blobs over wall seconds`,
    '',
    ...renderTable(header, cells),
    '',
    `x floor: seconds over the floor's for the same history. planted: fakes whose every fingerprint was reported (of ${p.detectable} the engine detects alone; ${p.goneFromHead} are gone from HEAD, ${p.addedByMerges} were added by merge commits only).`,
    `replay: ${REPLAY_COMMAND}: ${(result.replay.patchBytes / MB).toFixed(1)} MB of patches, ${result.replay.fragments} commit x file fragments holding ${(result.replay.addedBytes / MB).toFixed(1)} MB of added lines.`,
    ...(warm
      ? [
          `cached rescan (nothing new): ${warm.seconds.toFixed(2)} s, ${warm.cached} blobs answered by the cache.`,
        ]
      : []),
    result.target === undefined
      ? `target <= ${TARGET_RATIO}x the floor (keyless scan git): not measured`
      : `target <= ${TARGET_RATIO}x the floor (keyless scan git): ${result.target.measured.toFixed(2)}x — ${result.target.met ? 'met' : 'not met'}`,
    ...result.warnings.map((w) => `warning: ${w}`),
  ];
  return `${out.join('\n')}\n`;
}
