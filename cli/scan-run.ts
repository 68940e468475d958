import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadBaseline, applyBaseline } from '../scanners/config/baseline.js';
import { findConfig, loadConfig } from '../scanners/config/load.js';
import { emptyConfig } from '../scanners/config/schema.js';
import { makePathFilter } from '../scanners/config/paths.js';
import { buildRules } from '../scanners/config/ruleset.js';
import type { Finding, ScanMeta } from '../scanners/engine/types.js';
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
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

export async function runDirScan(options: ScanOptions, context: ScanContext): Promise<ScanRun> {
  const now = context.now ?? (() => new Date());
  const startedAt = now();
  const root = resolve(options.path);
  if (!existsSync(root)) throw new Error(`${options.path}: no such file or directory`);
  const configPath = options.config ?? (await findConfig(root));
  const config = configPath ? await loadConfig(configPath, displayPath(configPath)) : emptyConfig();
  const rules = buildRules(builtinRules, config);

  const progress = new Progress(context.stderr, options.progress && context.stderr.isTTY === true);
  const result = await scanDirectory({
    root,
    config,
    skipPath: makePathFilter(config.skipPaths),
    respectGitignore: options.ignore,
    maxFileSize: options.maxFileSize,
    workers: options.workers ?? (context.workerUrl ? undefined : 0),
    ...(context.workerUrl ? { workerUrl: context.workerUrl } : {}),
    onProgress: (p) => progress.update(p.files, p.bytes),
  });
  progress.done();

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
    target: { kind: 'dir', root },
    startedAt,
    finishedAt: now(),
    stats: {
      files: result.files,
      bytes: result.bytes,
      findings: findings.length,
      suppressed: suppressed.length,
    },
    skipped: result.skipped,
    rules: rules.map(({ id, title, provider, severity, remediation, docs }) => ({
      id,
      title,
      provider,
      severity,
      ...(remediation ? { remediation } : {}),
      ...(docs ? { docs } : {}),
    })),
    ...(baseline ? { baseline } : {}),
    warnings: result.warnings,
    complete: erroredSkips.length === 0,
  };
  return { findings, suppressed, meta };
}
