/**
 * Generates the benchmark corpus: a deterministic, repository-shaped tree under bench/corpus/.
 *
 * The corpus is its own (empty) git work tree, so its .gitignore is honoured and the enclosing
 * repository's .gitignore (which ignores bench/corpus/ itself) is not. The manifest lives in .git/,
 * where no scanner looks. The tree is regenerated only when the manifest is missing, names another
 * generator version, seed or size, or a file no longer has its recorded size.
 *
 * Usage: node build/bench/corpus.js [--size MB] [--dir PATH] [--force]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as code from './gen-code.js';
import * as data from './gen-data.js';
import { Rng } from './prng.js';
import { binary, insertAt, plant, type Syntax } from './secrets.js';
import { NOUNS, PROJECT_WORDS, camel, kebab, pascal, snake } from './vocab.js';

/** Bump whenever the output for a given seed and size changes. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SIZE_MB = 220;
export const DEFAULT_SEED = 20241122;
export const MB = 1024 * 1024;
/** Planted fakes per MB of scanned text: a few hundred over the default size. */
const PLANTS_PER_MB = 1.3;

/**
 * Relative to the working directory (`npm run bench` runs from the repository root). bench/corpus/ is
 * git-ignored; the tree sits in a dot directory inside it because the tsconfig files include bench/
 * and TypeScript's wildcards skip dot directories, so the corpus's .ts files never reach a build.
 */
export const DEFAULT_CORPUS_DIR = 'bench/corpus/.repo';
const MANIFEST = '.git/keyless-bench.json';

export interface ManifestFile {
  path: string;
  bytes: number;
  kind: string;
  /** Inside an ignored directory: a scanner honouring .gitignore never reads it. */
  ignored: boolean;
  binary: boolean;
}

export interface Manifest {
  generatorVersion: number;
  seed: number;
  sizeMB: number;
  /** Bytes of the files a scan reads in full: text, not ignored. */
  scannedBytes: number;
  files: ManifestFile[];
  planted: Record<string, number>;
}

// prettier-ignore
export type Kind =
  | 'ts' | 'tsx' | 'js' | 'py' | 'go' | 'java' | 'yaml' | 'json' | 'md' | 'config' | 'sh' | 'csv' | 'log'
  | 'jsonData' | 'locale' | 'lock' | 'minified';

export type Generator = (rng: Rng, size: number) => string;

// Size tiers: most files are small; the bytes are dominated by the few large lock files, bundles and data.
export const TIERS = {
  small: { weight: 0.9, min: 1024, max: 50 * 1024 },
  medium: { weight: 0.08, min: 50 * 1024, max: 100 * 1024 },
  large: { weight: 0.018, min: 100 * 1024, max: 2 * MB },
  huge: { weight: 0.002, min: 2 * MB, max: 8 * MB },
} as const;
export type Tier = keyof typeof TIERS;

// prettier-ignore
export const KINDS: Record<Tier, Partial<Record<Kind, number>>> = {
  small: { ts: 20, tsx: 5, js: 7, py: 13, go: 11, java: 9, yaml: 9, json: 5, md: 9, config: 4, sh: 3, csv: 2, log: 1, jsonData: 2, locale: 2 },
  medium: { ts: 15, js: 8, py: 10, go: 10, java: 8, md: 6, jsonData: 10, csv: 8, log: 6, yaml: 5, minified: 4, lock: 10 },
  large: { lock: 30, minified: 20, csv: 12, log: 12, jsonData: 14, ts: 6, go: 6 },
  huge: { lock: 35, minified: 30, csv: 15, log: 10, jsonData: 10 },
};

// prettier-ignore
export const SYNTAX: Record<Kind, Syntax> = {
  ts: 'code', tsx: 'code', js: 'code', go: 'code', java: 'code', py: 'env', config: 'env', sh: 'env', md: 'env',
  csv: 'env', log: 'env', yaml: 'yaml', json: 'json', jsonData: 'json', locale: 'json', lock: 'json', minified: 'inline',
};

const LOCKS: Record<string, { name: string; make: Generator; under: string }> = {
  npm: { name: 'package-lock.json', make: data.packageLock, under: 'packages' },
  yarn: { name: 'yarn.lock', make: data.yarnLock, under: 'apps' },
  go: { name: 'go.sum', make: data.goSum, under: 'services' },
  poetry: { name: 'poetry.lock', make: data.poetryLock, under: 'backend' },
};

const GITIGNORE = 'node_modules/\n/dist/\n/logs/\ncoverage/\n*.pyc\n.env.local\n';

/** Where a file of `kind` lives and how its content is made. */
export function layout(rng: Rng, kind: Kind): { path: string; make: Generator } {
  const proj = rng.pick(PROJECT_WORDS);
  const noun = rng.pick(NOUNS);
  switch (kind) {
    case 'ts':
      return rng.chance(0.25)
        ? { path: `packages/${proj}/test/${noun}/${camel(rng)}.test.ts`, make: code.typescript }
        : { path: `packages/${proj}/src/${noun}/${camel(rng)}.ts`, make: code.typescript };
    case 'tsx':
      return { path: `apps/${proj}-web/src/components/${pascal(rng)}.tsx`, make: code.typescript };
    case 'js':
      return {
        path: `${rng.pick(['packages', 'tools'])}/${proj}/lib/${camel(rng)}.js`,
        make: code.javascript,
      };
    case 'py':
      return { path: `backend/${proj}/${noun}/${snake(rng)}.py`, make: code.python };
    case 'go':
      return { path: `services/${proj}/internal/${noun}/${snake(rng)}.go`, make: code.golang };
    case 'java':
      return { path: `jvm/${proj}/src/main/java/com/acme/${noun}/${pascal(rng)}.java`, make: code.java };
    case 'yaml':
      return rng.chance(0.3)
        ? { path: `.github/workflows/${kebab(rng)}.yml`, make: data.yaml }
        : {
            path: `deploy/${rng.pick(['dev', 'staging', 'prod'])}/${proj}/${kebab(rng)}.yaml`,
            make: data.yaml,
          };
    case 'json':
      return rng.chance(0.3)
        ? { path: `packages/${proj}/${noun}/package.json`, make: data.packageJson }
        : { path: `config/${proj}/${kebab(rng)}.json`, make: data.jsonConfig };
    case 'md':
      return { path: `docs/${noun}/${kebab(rng)}.md`, make: data.markdown };
    case 'config':
      return {
        path: `config/${proj}/${snake(rng)}.${rng.pick(['properties', 'toml', 'env.dist'])}`,
        make: data.config,
      };
    case 'sh':
      return { path: `scripts/${kebab(rng)}.sh`, make: code.shell };
    case 'csv':
      return { path: `data/${noun}/${snake(rng)}.csv`, make: data.csv };
    case 'log':
      return { path: `testdata/logs/${kebab(rng)}.log`, make: data.log };
    case 'jsonData':
      return { path: `fixtures/${noun}/${snake(rng)}.json`, make: data.jsonData };
    case 'locale':
      return {
        path: `apps/${proj}-web/locales/${rng.pick(['de', 'fr', 'es', 'ja', 'zh', 'ru', 'tr'])}/${noun}.json`,
        make: data.locale,
      };
    case 'minified':
      return { path: `public/${proj}/vendor/${kebab(rng)}.min.js`, make: data.minified };
    case 'lock': {
      const lock = LOCKS[rng.weighted({ npm: 50, yarn: 20, go: 15, poetry: 15 })] as (typeof LOCKS)[string];
      return { path: `${lock.under}/${proj}-${noun}/${lock.name}`, make: lock.make };
    }
  }
}

class Writer {
  readonly files: ManifestFile[] = [];
  readonly planted: Record<string, number> = {};
  private readonly taken = new Set<string>();
  scannedBytes = 0;

  constructor(private readonly root: string) {}

  write(
    path: string,
    content: string | Buffer,
    meta: { kind: string; ignored: boolean; binary: boolean },
  ): void {
    let unique = path;
    for (let n = 2; this.taken.has(unique); n++)
      unique = join(dirname(path), `v${n}`, path.split('/').pop() ?? '');
    this.taken.add(unique);
    const abs = join(this.root, unique);
    mkdirSync(dirname(abs), { recursive: true });
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    writeFileSync(abs, buffer);
    this.files.push({ path: unique, bytes: buffer.length, ...meta });
    if (!meta.ignored && !meta.binary) this.scannedBytes += buffer.length;
  }

  tally(kind: string): void {
    this.planted[kind] = (this.planted[kind] ?? 0) + 1;
  }
}

function textFile(rng: Rng, writer: Writer, kind: Kind, size: number, ignoredPath?: string): void {
  const { path, make } = layout(rng, kind);
  let content = make(rng, size);
  if (ignoredPath === undefined) {
    // Expected PLANTS_PER_MB per MB, rounded at random so small files get one now and then.
    let plants = Math.floor((content.length / MB) * PLANTS_PER_MB + rng.float());
    for (; plants > 0; plants--) {
      const p = plant(rng, SYNTAX[kind]);
      content = insertAt(rng, content, p.text, SYNTAX[kind]);
      writer.tally(p.kind);
    }
  }
  writer.write(ignoredPath ?? path, content, { kind, ignored: ignoredPath !== undefined, binary: false });
}

/** Refuses to wipe a directory that is neither empty nor a corpus made here (a mistyped --corpus). */
function clear(root: string): void {
  if (existsSync(root) && readdirSync(root).length > 0 && !existsSync(join(root, MANIFEST))) {
    throw new Error(`${root} exists and is not a benchmark corpus; refusing to replace it`);
  }
  rmSync(root, { recursive: true, force: true });
}

export function generate(root: string, sizeMB: number, seed: number): Manifest {
  clear(root);
  // A minimal valid repository: git tools run inside the corpus see an empty repo, not the parent one.
  for (const dir of ['.git/objects', '.git/refs/heads']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(root, '.git/config'), '[core]\n\trepositoryformatversion = 0\n\tbare = false\n');

  const rng = new Rng(seed);
  const writer = new Writer(root);
  writer.write('.gitignore', GITIGNORE, { kind: 'config', ignored: false, binary: false });
  const target = sizeMB * MB;
  const tierWeights = Object.fromEntries(Object.entries(TIERS).map(([t, v]) => [t, v.weight])) as Record<
    Tier,
    number
  >;
  while (writer.scannedBytes < target) {
    const tier = rng.weighted(tierWeights);
    const kind = rng.weighted(KINDS[tier] as Record<Kind, number>);
    textFile(rng, writer, kind, rng.logUniform(TIERS[tier].min, TIERS[tier].max));
  }

  // Binaries (~1.5% of the bytes) that a scanner must recognise and skip after a short sniff.
  for (let bytes = 0; bytes < target * 0.015;) {
    const ext = rng.weighted({ png: 70, woff2: 15, jar: 15 });
    const size = rng.logUniform(1024, 128 * 1024);
    const dir = ext === 'png' ? 'img' : ext === 'woff2' ? 'fonts' : 'lib';
    writer.write(`assets/${rng.pick(PROJECT_WORDS)}/${dir}/${kebab(rng)}.${ext}`, binary(rng, size, ext), {
      kind: ext,
      ignored: false,
      binary: true,
    });
    bytes += size;
  }

  // Ignored trees (~4%): dependencies, build output, local logs. Never read when .gitignore is honoured.
  for (let bytes = 0; bytes < target * 0.04;) {
    const where = rng.weighted({ node_modules: 70, dist: 15, logs: 10, coverage: 5 });
    const size = rng.logUniform(1024, 400 * 1024);
    const kind: Kind = where === 'logs' ? 'log' : where === 'dist' ? 'minified' : 'js';
    const path =
      where === 'node_modules'
        ? `node_modules/${kebab(rng)}/lib/${camel(rng)}.js`
        : where === 'dist'
          ? `dist/${kebab(rng)}.min.js`
          : where === 'logs'
            ? `logs/${kebab(rng)}.log`
            : `packages/${rng.pick(PROJECT_WORDS)}/coverage/${camel(rng)}.js`;
    textFile(rng, writer, kind, size, path);
    bytes += size;
  }

  const manifest: Manifest = {
    generatorVersion: GENERATOR_VERSION,
    seed,
    sizeMB,
    scannedBytes: writer.scannedBytes,
    files: writer.files,
    planted: writer.planted,
  };
  writeFileSync(join(root, MANIFEST), JSON.stringify(manifest));
  return manifest;
}

/** The manifest of an intact corpus of this version, seed and size; undefined otherwise. */
export function readValidManifest(root: string, sizeMB: number, seed: number): Manifest | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.generatorVersion !== GENERATOR_VERSION || manifest.seed !== seed || manifest.sizeMB !== sizeMB)
    return undefined;
  for (const file of manifest.files) {
    const abs = join(root, file.path);
    if (!existsSync(abs) || statSync(abs).size !== file.bytes) return undefined;
  }
  return manifest;
}

export function ensureCorpus(
  options: {
    root?: string;
    sizeMB?: number;
    seed?: number;
    force?: boolean;
    log?: (line: string) => void;
  } = {},
): { manifest: Manifest; generated: boolean; seconds: number } {
  const root = resolve(options.root ?? DEFAULT_CORPUS_DIR);
  const sizeMB = options.sizeMB ?? DEFAULT_SIZE_MB;
  const seed = options.seed ?? DEFAULT_SEED;
  const started = performance.now();
  const existing = options.force ? undefined : readValidManifest(root, sizeMB, seed);
  if (existing)
    return { manifest: existing, generated: false, seconds: (performance.now() - started) / 1000 };
  options.log?.(
    `generating a ${sizeMB} MB corpus in ${root} (seed ${seed}, generator v${GENERATOR_VERSION})...`,
  );
  const manifest = generate(root, sizeMB, seed);
  return { manifest, generated: true, seconds: (performance.now() - started) / 1000 };
}

export function describe(manifest: Manifest): string {
  const scanned = manifest.files.filter((f) => !f.ignored && !f.binary);
  const binaries = manifest.files.filter((f) => f.binary);
  const ignored = manifest.files.filter((f) => f.ignored);
  const planted = Object.values(manifest.planted).reduce((a, b) => a + b, 0);
  const largest = Math.max(...scanned.map((f) => f.bytes));
  return (
    `${scanned.length} text files (${(manifest.scannedBytes / MB).toFixed(1)} MB, largest ${(largest / MB).toFixed(1)} MB), ` +
    `${binaries.length} binary, ${ignored.length} git-ignored; ${planted} planted fake secrets`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { size: { type: 'string' }, dir: { type: 'string' }, force: { type: 'boolean' } },
  });
  try {
    const result = ensureCorpus({
      ...(values.dir ? { root: resolve(values.dir) } : {}),
      sizeMB: values.size ? Number(values.size) : DEFAULT_SIZE_MB,
      force: values.force === true,
      log: (line) => console.log(line),
    });
    const how = result.generated ? 'generated' : 'reused';
    console.log(`${how} in ${result.seconds.toFixed(1)} s: ${describe(result.manifest)}`);
  } catch (error) {
    console.error(`corpus: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
