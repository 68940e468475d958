import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadBaseline, applyBaseline } from '../scanners/config/baseline.js';
import { findConfig, loadConfig } from '../scanners/config/load.js';
import { emptyConfig } from '../scanners/config/schema.js';
import { makePathFilter } from '../scanners/config/paths.js';
import { buildRules } from '../scanners/config/ruleset.js';
import type { KeylessConfig } from '../scanners/config/load.js';
import type { Finding, Rule, ScanMeta, Skipped } from '../scanners/engine/types.js';
import { ruleInfo } from '../scanners/engine/rule-info.js';
import { builtinRules } from '../scanners/rules/index.js';
import { scanDirectory } from '../scanners/sources/dir.js';
import type { ScanOptions } from './args.js';
import { Progress } from './progress.js';
import { INFORMATION_URI, VERSION } from './version.js';

export const DEFAULT_BASELINE = '.keyless-baseline.json';

export interface ScanRun {
  findings: Finding[];
  /** Findings hidden by the baseline (still counted in the meta). */
  suppressed: Finding[];
  meta: ScanMeta;
}

export interface ScanContext {
  /** URL of the script that doubles as the scan worker (the CLI bundle itself). */
  workerUrl?: URL;
  stderr: NodeJS.WriteStream;
  now?: () => Date;
}

/** Errors name files as the user would: relative to where keyless was started. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** The configuration and rules every scan kind starts from. */
export interface ScanSetup {
  root: string;
  config: KeylessConfig;
  rules: Rule[];
  startedAt: Date;
  now: () => Date;
  progress: Progress;
}

export async function prepareScan(
  options: ScanOptions,
  context: ScanContext,
  root: string,
): Promise<ScanSetup> {
  const now = context.now ?? (() => new Date());
  const startedAt = now();
  const configPath = options.config ?? (await findConfig(root));
  const config = configPath ? await loadConfig(configPath, displayPath(configPath)) : emptyConfig();
  const rules = buildRules(builtinRules, config);
  const progress = new Progress(context.stderr, options.progress && context.stderr.isTTY === true);
  return { root, config, rules, startedAt, now, progress };
}

/** What a source produced, before the baseline is applied. */
export interface SourceOutcome {
  kind: ScanMeta['target']['kind'];
  findings: Finding[];
  files: number;
  bytes: number;
  skipped: Skipped[];
  warnings: string[];
  /** False when something the scan was asked to cover could not be read (beyond unreadable files). */
  complete?: boolean;
  git?: ScanMeta['git'];
  cached?: number;
}

export async function runDirScan(options: ScanOptions, context: ScanContext): Promise<ScanRun> {
  const root = resolve(options.path);
  if (!existsSync(root)) throw new Error(`${options.path}: no such file or directory`);
  const setup = await prepareScan(options, context, root);
  const result = await scanDirectory({
    root,
    config: setup.config,
    skipPath: makePathFilter(setup.config.skipPaths),
    respectGitignore: options.ignore,
    maxFileSize: options.maxFileSize,
    workers: options.workers ?? (context.workerUrl ? undefined : 0),
    ...(context.workerUrl ? { workerUrl: context.workerUrl } : {}),
    onProgress: (p) => setup.progress.update(p.files, p.bytes),
  });
  setup.progress.done();
  return finishScan(options, setup, { kind: 'dir', ...result });
}

/** Applies the baseline (the one given, or the default file in the scanned root) and builds the meta. */
export async function finishScan(
  options: ScanOptions,
  setup: ScanSetup,
  result: SourceOutcome,
): Promise<ScanRun> {
  const { root, now } = setup;
  let findings = result.findings;
  let suppressed: Finding[] = [];
  let baseline: ScanMeta['baseline'];
  const defaultBaseline = resolve(root, DEFAULT_BASELINE);
  const baselinePath = !options.applyBaseline
    ? undefined
    : (options.baseline ?? (existsSync(defaultBaseline) ? defaultBaseline : undefined));
  if (baselinePath) {
    const applied = applyBaseline(
      findings,
      await loadBaseline(baselinePath, displayPath(baselinePath)),
      now(),
    );
    findings = applied.kept;
    suppressed = applied.suppressed;
    baseline = {
      path: baselinePath,
      matched: applied.matched,
      stale: applied.stale,
      expired: applied.expired,
    };
  }

  const erroredSkips = result.skipped.filter((s) => s.reason === 'unreadable');
  const meta: ScanMeta = {
    tool: { name: 'keyless', version: VERSION, informationUri: INFORMATION_URI },
    target: { kind: result.kind, root },
    startedAt: setup.startedAt,
    finishedAt: now(),
    stats: {
      files: result.files,
      bytes: result.bytes,
      findings: findings.length,
      suppressed: suppressed.length,
      ...(result.cached !== undefined ? { cached: result.cached } : {}),
    },
    skipped: result.skipped,
    rules: setup.rules.map(ruleInfo),
    ...(baseline ? { baseline } : {}),
    ...(result.git ? { git: result.git } : {}),
    warnings: result.warnings,
    complete: erroredSkips.length === 0 && result.complete !== false,
  };
  return { findings, suppressed, meta };
}
