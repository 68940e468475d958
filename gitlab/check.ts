import type { Severity } from '../scanners/engine/types.js';
import { REMEDIATION_STEPS, atOrAbove, bySeverity, countText, type SecretReport } from './report.js';

/** Lines printed per severity level before the rest are only counted (the report has them all). */
const MAX_LISTED = 50;

export interface CheckOutcome {
  /** 0 nothing at or above the threshold, 1 findings, 2 the scan was incomplete. */
  code: 0 | 1 | 2;
  lines: string[];
}

function describe(entry: SecretReport['entries'][number]): string {
  const where = entry.commit
    ? ` (commit ${entry.commit.slice(0, 12)}${entry.removed ? ', removed since' : ''})`
    : '';
  return `  ${entry.severity.toUpperCase().padEnd(8)} ${entry.path}:${entry.line}${where}  ${entry.title}  ${entry.preview}  [${entry.ruleId}]`;
}

/**
 * The blocking job's verdict on a published report. An incomplete scan fails even without findings:
 * what was not scanned may hold a secret.
 */
export function checkReport(report: SecretReport, failOn: Severity | 'none'): CheckOutcome {
  const failing = atOrAbove(report.entries, failOn);
  const lines: string[] = [];
  const threshold = failOn === 'none' ? 'never fails on findings' : `fails at ${failOn} and above`;
  lines.push(`keyless: ${countText(report.entries)} in the report; this check ${threshold}.`);
  const listed = bySeverity(report.entries);
  for (const entry of listed.slice(0, MAX_LISTED)) lines.push(describe(entry));
  if (listed.length > MAX_LISTED)
    lines.push(`  ...and ${listed.length - MAX_LISTED} more (see gl-secret-detection-report.json)`);
  if (failing.length > 0) {
    lines.push('', `keyless: ${countText(failing)} at or above ${failOn}: this change must not add them.`);
    lines.push(...REMEDIATION_STEPS.map((step, i) => `  ${i + 1}. ${step}`));
  }
  if (!report.complete) {
    lines.push('', 'keyless: the scan was incomplete, so unscanned content may hold secrets:');
    lines.push(...report.messages.map((m) => `  - ${m}`));
    return { code: 2, lines };
  }
  return { code: failing.length > 0 ? 1 : 0, lines };
}
