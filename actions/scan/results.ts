import { posix, relative, sep } from 'node:path';

import { failing } from '../../cli/commands/scan.js';
import type { ScanRun } from '../../cli/scan-run.js';
import type { FailOn } from '../../cli/args.js';
import {
  countBySeverity,
  remediationFor,
  ruleInfoFor,
  sanitize,
  sortBySeverity,
} from '../../scanners/reports/common.js';
import type { Finding, ScanMeta, Severity } from '../../scanners/engine/types.js';

/** One scan's outcome as every publisher sees it: findings already scrubbed of raw secrets. */
export interface ScanResults {
  meta: ScanMeta;
  /** Findings after the baseline, raw values scrubbed from every field but `secret`. */
  findings: Finding[];
  /** Every finding including the ones the baseline hides. */
  total: number;
  /** Findings at or above `fail-on`. */
  failing: number;
  counts: Record<Severity, number>;
  failed: boolean;
  /** Repository-relative directory of the scanned root ('' = repository root; undefined for images). */
  pathPrefix?: string;
}

export function summarize(run: ScanRun, failOn: FailOn, workspace: string): ScanResults {
  const { findings, meta } = sanitize(run.findings, run.meta);
  const blocking = failing(run.findings, failOn).length;
  let pathPrefix: string | undefined;
  if (meta.target.kind !== 'image') {
    const rel = relative(workspace, meta.target.root).split(sep).join('/');
    pathPrefix = rel === '' || rel.startsWith('..') ? '' : rel;
  }
  return {
    meta,
    findings: sortBySeverity(findings),
    total: run.findings.length + run.suppressed.length,
    failing: blocking,
    counts: countBySeverity(run.findings),
    failed: blocking > 0 || !meta.complete,
    ...(pathPrefix !== undefined ? { pathPrefix } : {}),
  };
}

/** The finding's path relative to the repository, where GitHub can place an annotation. */
export function repoPath(results: ScanResults, finding: Finding): string | undefined {
  if (results.pathPrefix === undefined) return undefined;
  return results.pathPrefix === ''
    ? finding.location.path
    : posix.join(results.pathPrefix, finding.location.path);
}

export type AnnotationLevel = 'failure' | 'warning' | 'notice';

export const ANNOTATION_LEVEL: Record<Severity, AnnotationLevel> = {
  critical: 'failure',
  high: 'failure',
  medium: 'warning',
  low: 'notice',
};

/** The annotation text: redacted preview, where it was found, and what to do first. */
export function annotationMessage(results: ScanResults, finding: Finding): string {
  const rule = ruleInfoFor(finding, results.meta);
  const loc = finding.location;
  const lines = [`${rule.title} (${finding.ruleId}, ${finding.severity}): ${finding.redacted}`];
  if (loc.commit) {
    const removed = loc.presentAtHead === false ? ', removed since but still in the history' : '';
    lines.push(`Added in commit ${loc.commit.sha.slice(0, 12)}${removed}.`);
  }
  lines.push(
    `First revoke or rotate it at ${rule.provider}: pushing a fix does not un-leak it. ${remediationFor(rule)}`,
    `Then keep the new value in a secret store. False positive? Add fingerprint ${finding.fingerprint} to .keyless-baseline.json (keyless baseline create).`,
  );
  return lines.join('\n');
}

export function countsText(results: ScanResults): string {
  const parts = (Object.entries(results.counts) as [Severity, number][])
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}`);
  const n = results.findings.length;
  if (n === 0) return 'No secrets found';
  return `${n} secret${n === 1 ? '' : 's'} found (${parts.join(', ')})`;
}
