/**
 * The image benchmark (`npm run bench -- image`): on one generated OCI layout, in one run, the floor
 * (every layer blob read, gunzipped and parsed as tar with each file's bytes gathered, nothing scanned:
 * the least any layer scanner must do), `keyless scan image --archive` end to end, and a rescan with a
 * warm `--cache`. Speeds are uncompressed layer MB over wall time.
 */
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decompress } from '../scanners/sources/image/decompress.js';
import { readTar } from '../scanners/sources/image/tar.js';
import { ensureImageCorpus, type ImageCorpus } from './image-corpus.js';
import { spawnMeasured } from './spawn-measured.js';
import { renderTable } from './table.js';

const MIB = 1024 * 1024;
const TARGET_RATIO = 1.7;
const TARGET_CACHED_SECONDS = 1;

export interface ImageBenchOptions {
  cli: string;
  corpus: string;
  sizeMB: number;
  runs: number;
  log: (line: string) => void;
}

interface Row {
  step: string;
  seconds: number;
  cpuSeconds: number;
  findings?: number;
  cachedLayers?: number;
}

async function floor(corpus: ImageCorpus): Promise<Row> {
  const index = JSON.parse(readFileSync(join(corpus.dir, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string }>;
  };
  const blob = (digest: string): string => join(corpus.dir, 'blobs', 'sha256', digest.slice(7));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as {
    layers: Array<{ digest: string }>;
  };
  let bytes = 0;
  for (const layer of manifest.layers) {
    const stream = decompress(createReadStream(blob(layer.digest), { highWaterMark: MIB }), {
      label: layer.digest,
      maxBytes: Number.MAX_SAFE_INTEGER,
    });
    for await (const entry of readTar(stream, { label: layer.digest, maxFileSize: 10 * MIB, drain: true })) {
      bytes += entry.data?.length ?? 0;
    }
  }
  const used = process.cpuUsage(cpu);
  if (bytes === 0) throw new Error('floor read nothing');
  return {
    step: 'floor: gunzip + tar, no scan',
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

async function keyless(cli: string, corpus: ImageCorpus, step: string, cache?: string): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-image-'));
  const output = join(dir, 'report.json');
  const args = [process.execPath, cli, 'scan', 'image', '--archive', corpus.dir];
  args.push('--format', 'json', '--output', output, '--no-progress', '--fail-on', 'none');
  if (cache !== undefined) args.push('--cache', cache);
  try {
    const { child, done } = spawnMeasured('"$@"', args);
    child.stdin.end();
    child.stdout.resume();
    const run = await done;
    if (run.code !== 0 || !existsSync(output)) {
      throw new Error(`keyless scan image exited with ${run.code}:\n${run.stderr.trim()}`);
    }
    const report = JSON.parse(readFileSync(output, 'utf8')) as {
      stats: { findings: number; cached?: number };
      complete: boolean;
    };
    if (!report.complete) throw new Error(`keyless scan image did not complete:\n${run.stderr.trim()}`);
    return {
      step,
      seconds: run.seconds,
      cpuSeconds: run.childCpuSeconds,
      findings: report.stats.findings,
      ...(report.stats.cached !== undefined ? { cachedLayers: report.stats.cached } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const best = (rows: Row[]): Row => rows.reduce((a, b) => (b.seconds < a.seconds ? b : a));

export async function runImageBench(options: ImageBenchOptions): Promise<{ result: object; text: string }> {
  const corpus = ensureImageCorpus(options.corpus, options.sizeMB, options.log);
  const mb = corpus.tarBytes / MIB;
  const floors: Row[] = [];
  const scans: Row[] = [];
  for (let run = 0; run < options.runs; run++) {
    options.log(`image: round ${run + 1}/${options.runs}`);
    floors.push(await floor(corpus));
    scans.push(await keyless(options.cli, corpus, 'keyless scan image --archive'));
  }
  const cache = mkdtempSync(join(tmpdir(), 'keyless-bench-image-cache-'));
  let cold: Row;
  let warm: Row;
  try {
    cold = await keyless(options.cli, corpus, 'keyless scan image --cache (cold)', cache);
    warm = await keyless(options.cli, corpus, 'keyless scan image --cache (warm rescan)', cache);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  const floorRow = best(floors);
  const scanRow = best(scans);
  const rows = [floorRow, scanRow, cold, warm];
  const ratio = scanRow.seconds / floorRow.seconds;
  const table = renderTable(
    ['step', 'seconds', 'MB/s', 'CPU s', 'x floor', 'findings', 'cached layers'],
    rows.map((r) => [
      r.step,
      r.seconds.toFixed(2),
      (mb / r.seconds).toFixed(1),
      r.cpuSeconds.toFixed(1),
      (r.seconds / floorRow.seconds).toFixed(2),
      r.findings === undefined ? '' : `${r.findings}/${corpus.findings}`,
      r.cachedLayers === undefined ? '' : `${r.cachedLayers}/${corpus.layers}`,
    ]),
  );
  const text = [
    `image: ${mb.toFixed(0)} MB uncompressed in ${corpus.layers} gzip layers (${(corpus.blobBytes / MIB).toFixed(0)} MB compressed), ${corpus.files} files`,
    ...table,
    `scan vs floor: ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'not met'})`,
    `cached rescan: ${warm.seconds.toFixed(2)} s (target < ${TARGET_CACHED_SECONDS} s: ${warm.seconds < TARGET_CACHED_SECONDS ? 'met' : 'not met'})`,
    '',
  ].join('\n');
  return { result: { corpus, megabytes: mb, rows, ratio, cachedRescanSeconds: warm.seconds }, text };
}
