/**
 * Builds the history benchmark's repository once: `git fast-import` fed by the seeded history of
 * git-history.ts, then a full repack so the objects sit in one pack with deltas, as in a clone, and a
 * checkout of main. A manifest in .git/ records the parameters, the repository's measured statistics
 * and, per planted fake, where it was planted and the fingerprints the engine gives it (hashes, never
 * the value); the repository is rebuilt only when that no longer matches.
 *
 * Usage: node build/bench/git-corpus.js [--size MB] [--commits N] [--dir PATH] [--force]
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { compileRules, detect } from '../scanners/engine/detect.js';
import { builtinRules } from '../scanners/rules/index.js';
import { MB } from './corpus.js';
import { listBlobs } from './git-floor.js';
import { emptyTally, history, type HistoryOptions } from './git-history.js';

/** Bump whenever the repository for a given seed and parameters changes. */
export const GIT_GENERATOR_VERSION = 2;
export const DEFAULT_GIT_CORPUS_DIR = 'bench/corpus/.history';
export const DEFAULT_GIT_SIZE_MB = 320;
export const DEFAULT_GIT_COMMITS = 3200;
const DEFAULT_SEED = 20261122;
const MANIFEST = '.git/keyless-bench-history.json';

export interface PlantInfo {
  kind: string;
  commit: string;
  path: string;
  branch: string;
  /** Added by a merge commit's own change (not by either parent). */
  inMerge: boolean;
  /** Not in main's tree any more (removed by a commit, its file deleted or overwritten by an edit). */
  removedAtHead: boolean;
  /** What the engine reports for the planted text on its own: the bench looks for these. */
  fingerprints: string[];
}

export interface GitManifest {
  generatorVersion: number;
  seed: number;
  sizeMB: number;
  minCommits: number;
  /** `git for-each-ref` digest: a repository moved or rewritten since is rebuilt. */
  refsDigest: string;
  stats: {
    commits: number;
    merges: number;
    branches: number;
    tags: number;
    uniqueBlobs: number;
    uniqueBlobBytes: number;
    largestBlob: number;
    packBytes: number;
    headFiles: number;
  };
  timings: { streamSeconds: number; repackSeconds: number; totalSeconds: number };
  plants: PlantInfo[];
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 256 * MB });
}

function refsDigest(repo: string): string {
  return createHash('sha256')
    .update(git(repo, ['for-each-ref', '--format=%(objectname) %(refname)']))
    .digest('hex');
}

function clear(root: string): void {
  if (existsSync(root) && readdirSync(root).length > 0 && !existsSync(join(root, MANIFEST))) {
    throw new Error(`${root} exists and is not a history benchmark repository; refusing to replace it`);
  }
  rmSync(root, { recursive: true, force: true });
}

export async function generateGitCorpus(
  root: string,
  options: { sizeMB: number; minCommits: number; seed: number },
  log: (line: string) => void = () => undefined,
): Promise<GitManifest> {
  const started = performance.now();
  clear(root);
  mkdirSync(root, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', root]);
  // Nothing may repack behind the benchmark's back.
  git(root, ['config', 'gc.auto', '0']);
  const marksFile = join(root, '.git/bench-marks');
  // No compression and no deltas here: the repack below recomputes both, and this halves the import.
  const fastImport = ['-c', 'core.compression=0', '-c', 'pack.compression=0', 'fast-import', '--depth=0'];
  const importer = spawn('git', ['-C', root, ...fastImport, '--quiet', `--export-marks=${marksFile}`], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  importer.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = once(importer, 'close') as Promise<[number | null]>;
  const targetBytes = options.sizeMB * MB;
  const historyOptions: HistoryOptions = {
    seed: options.seed,
    targetBytes,
    minCommits: options.minCommits,
    initialBytes: Math.round(targetBytes / 10),
    plants: 36,
  };
  const tally = emptyTally();
  let nextLog = 50 * MB;
  for (const chunk of history(historyOptions, tally)) {
    if (!importer.stdin.write(chunk)) await once(importer.stdin, 'drain');
    if (tally.blobBytes >= nextLog) {
      log(`  ${tally.commits} commits, ${(tally.blobBytes / MB).toFixed(0)} MB of blobs written`);
      nextLog += 50 * MB;
    }
  }
  importer.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`git fast-import failed (${code}): ${stderr.trim()}`);
  const streamSeconds = (performance.now() - started) / 1000;
  log(`  fast-import done in ${streamSeconds.toFixed(1)} s; repacking`);

  // One pack with deltas between versions of a file, as a clone has; then what `git gc` adds
  // (packed refs, commit-graph) and a checkout of main.
  const repackStarted = performance.now();
  git(root, ['repack', '-a', '-d', '-f', '-q', '--window=10', '--depth=50']);
  git(root, ['gc', '-q', '--prune=now']);
  const repackSeconds = (performance.now() - repackStarted) / 1000;
  git(root, ['reset', '-q', '--hard']);

  const marks = new Map<number, string>();
  for (const line of readFileSync(marksFile, 'utf8').split('\n')) {
    const [m, sha] = line.split(' ');
    if (m && sha) marks.set(Number(m.slice(1)), sha);
  }
  rmSync(marksFile);
  const compiled = compileRules(builtinRules);
  const headContents = [...tally.head.values()].map((f) => f.content);
  const plants: PlantInfo[] = tally.plants.map((p) => ({
    kind: p.kind,
    commit: marks.get(p.commitMark) ?? `mark :${p.commitMark}`,
    path: p.path,
    branch: p.branch.slice('refs/heads/'.length),
    inMerge: p.inMerge,
    removedAtHead: !headContents.some((c) => c.includes(p.text)),
    fingerprints: [...new Set(detect({ text: p.text, path: p.path }, compiled).map((f) => f.fingerprint))],
  }));

  const blobs = await listBlobs(root);
  const count = (args: string[]): number => Number(git(root, args).trim());
  const packKiB = /size-pack: (\d+)/.exec(git(root, ['count-objects', '-v']))?.[1];
  const manifest: GitManifest = {
    generatorVersion: GIT_GENERATOR_VERSION,
    seed: options.seed,
    sizeMB: options.sizeMB,
    minCommits: options.minCommits,
    refsDigest: refsDigest(root),
    stats: {
      commits: count(['rev-list', '--all', '--count']),
      merges: count(['rev-list', '--all', '--merges', '--count']),
      branches: git(root, ['for-each-ref', 'refs/heads']).split('\n').filter(Boolean).length,
      tags: git(root, ['for-each-ref', 'refs/tags']).split('\n').filter(Boolean).length,
      uniqueBlobs: blobs.ids.length,
      uniqueBlobBytes: blobs.bytes,
      largestBlob: blobs.largest,
      packBytes: Number(packKiB ?? 0) * 1024,
      headFiles: tally.head.size,
    },
    timings: { streamSeconds, repackSeconds, totalSeconds: (performance.now() - started) / 1000 },
    plants,
  };
  writeFileSync(join(root, MANIFEST), JSON.stringify(manifest, null, 1));
  return manifest;
}

export function readValidGitManifest(
  root: string,
  options: { sizeMB: number; minCommits: number; seed: number },
): GitManifest | undefined {
  let manifest: GitManifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, MANIFEST), 'utf8')) as GitManifest;
    if (
      manifest.generatorVersion !== GIT_GENERATOR_VERSION ||
      manifest.seed !== options.seed ||
      manifest.sizeMB !== options.sizeMB ||
      manifest.minCommits !== options.minCommits ||
      manifest.refsDigest !== refsDigest(root)
    )
      return undefined;
  } catch {
    return undefined;
  }
  return manifest;
}

export async function ensureGitCorpus(
  options: {
    root?: string;
    sizeMB?: number;
    minCommits?: number;
    seed?: number;
    force?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<{ root: string; manifest: GitManifest; generated: boolean; seconds: number }> {
  const root = resolve(options.root ?? DEFAULT_GIT_CORPUS_DIR);
  const params = {
    sizeMB: options.sizeMB ?? DEFAULT_GIT_SIZE_MB,
    minCommits: options.minCommits ?? DEFAULT_GIT_COMMITS,
    seed: options.seed ?? DEFAULT_SEED,
  };
  const started = performance.now();
  const existing = options.force ? undefined : readValidGitManifest(root, params);
  if (existing)
    return { root, manifest: existing, generated: false, seconds: (performance.now() - started) / 1000 };
  options.log?.(
    `generating a history repository in ${root} (>= ${params.sizeMB} MB of unique blobs, >= ${params.minCommits} commits, seed ${params.seed}, generator v${GIT_GENERATOR_VERSION})...`,
  );
  const manifest = await generateGitCorpus(root, params, options.log);
  return { root, manifest, generated: true, seconds: (performance.now() - started) / 1000 };
}

export function describeGitCorpus(m: GitManifest): string {
  const s = m.stats;
  const removed = m.plants.filter((p) => p.removedAtHead).length;
  return (
    `${s.commits} commits (${s.merges} merges) on ${s.branches} branches, ${s.tags} tags; ` +
    `${s.uniqueBlobs} unique blobs, ${(s.uniqueBlobBytes / MB).toFixed(1)} MB (largest ${(s.largestBlob / MB).toFixed(1)} MB), ` +
    `pack ${(s.packBytes / MB).toFixed(1)} MB; ${s.headFiles} files at HEAD; ` +
    `${m.plants.length} planted fakes (${removed} gone from HEAD, ${m.plants.filter((p) => p.inMerge).length} added by merges)`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      size: { type: 'string' },
      commits: { type: 'string' },
      dir: { type: 'string' },
      force: { type: 'boolean' },
    },
  });
  try {
    const result = await ensureGitCorpus({
      ...(values.dir ? { root: resolve(values.dir) } : {}),
      ...(values.size ? { sizeMB: Number(values.size) } : {}),
      ...(values.commits ? { minCommits: Number(values.commits) } : {}),
      force: values.force === true,
      log: (line) => console.log(line),
    });
    const t = result.manifest.timings;
    const how = result.generated
      ? `generated in ${result.seconds.toFixed(1)} s (fast-import ${t.streamSeconds.toFixed(1)} s, repack ${t.repackSeconds.toFixed(1)} s)`
      : 'reused';
    console.log(`${how}: ${describeGitCorpus(result.manifest)}`);
  } catch (error) {
    console.error(`git-corpus: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
