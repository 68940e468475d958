import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { applyBaseline, DEFAULT_BASELINE_FILE, loadBaseline } from '../../scanners/config/baseline.js';
import { findConfig, loadConfig } from '../../scanners/config/load.js';
import { makePathFilter } from '../../scanners/config/paths.js';
import { buildRules } from '../../scanners/config/ruleset.js';
import { emptyConfig } from '../../scanners/config/schema.js';
import type { KeylessConfig } from '../../scanners/config/load.js';
import type { Finding, RuleInfo, Severity } from '../../scanners/engine/types.js';
import { ruleInfo } from '../../scanners/engine/rule-info.js';
import { builtinRules } from '../../scanners/rules/index.js';
import { DEFAULT_MAX_FILE_SIZE, scanDirectory } from '../../scanners/sources/dir.js';
import type { Span } from '../rewrite/literal.js';

export interface LiteralLocation extends Span {
  path: string;
}

/**
 * A hard-coded secret, by value: the same value in several places is one subject (one revocation).
 * Holds no value — only the scanner's fingerprint, redacted preview and where it sits.
 */
export interface LiteralSubject {
  ruleId: string;
  title: string;
  provider: string;
  severity: Severity;
  remediation?: string;
  docs?: string;
  fingerprint: string;
  redacted: string;
  locations: LiteralLocation[];
}

/** Groups findings by fingerprint and drops the values. */
export function literalSubjects(findings: readonly Finding[], rules: readonly RuleInfo[]): LiteralSubject[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const subjects = new Map<string, LiteralSubject>();
  for (const f of findings) {
    const loc = f.location;
    const location = {
      path: loc.path,
      startLine: loc.startLine,
      startColumn: loc.startColumn,
      endLine: loc.endLine,
      endColumn: loc.endColumn,
    };
    const known = subjects.get(f.fingerprint);
    if (known) {
      known.locations.push(location);
      continue;
    }
    const rule = byId.get(f.ruleId);
    subjects.set(f.fingerprint, {
      ruleId: f.ruleId,
      title: f.title,
      provider: f.provider,
      severity: f.severity,
      ...(rule?.remediation ? { remediation: rule.remediation } : {}),
      ...(rule?.docs ? { docs: rule.docs } : {}),
      fingerprint: f.fingerprint,
      redacted: f.redacted,
      locations: [location],
    });
  }
  return [...subjects.values()];
}

export interface LiteralScanOptions {
  /** Checked-out default branch. */
  root: string;
  /** `.keyless.yml` of the root when absent; an explicit config wins. */
  config?: KeylessConfig;
  maxFileSize?: number;
  /** Accepted findings are not rotation work: `.keyless-baseline.json` of the root is applied when present. */
  now?: Date;
}

/**
 * Scans the working tree with the scanner library (on this thread) and returns subjects. The findings,
 * which carry values, do not outlive this call.
 */
export async function scanLiterals(
  options: LiteralScanOptions,
): Promise<{ subjects: LiteralSubject[]; rules: RuleInfo[] }> {
  const configPath = options.config ? undefined : await findConfig(options.root);
  const config = options.config ?? (configPath ? await loadConfig(configPath) : emptyConfig());
  const rules = buildRules(builtinRules, config);
  const result = await scanDirectory({
    root: options.root,
    config,
    skipPath: makePathFilter(config.skipPaths),
    respectGitignore: true,
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    workers: 0,
  });
  const baselinePath = join(options.root, DEFAULT_BASELINE_FILE);
  const findings = existsSync(baselinePath)
    ? applyBaseline(result.findings, await loadBaseline(baselinePath), options.now ?? new Date()).kept
    : result.findings;
  const info = rules.map(ruleInfo);
  return { subjects: literalSubjects(findings, info), rules: info };
}
