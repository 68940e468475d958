import { createHash } from 'node:crypto';
import type { Finding, ScanMeta, Severity } from '../engine/types.js';
import { describeLayer, ruleInfoFor, safePreview, sanitize, sortByLocation } from './common.js';

/*
 * GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues in a subset of
 * the Code Climate format. Unlike the secret-detection report it is shown on every tier, in the merge
 * request widget and the diff. GitLab compares issues of the base and head pipelines by fingerprint,
 * so the fingerprint must not change when unrelated lines move: it is derived from the finding's own
 * fingerprint (rule + secret), the file and the occurrence number within that file, not the line.
 */

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

const SEVERITIES: Record<Severity, CodeQualitySeverity> = {
  critical: 'blocker',
  high: 'critical',
  medium: 'major',
  low: 'minor',
};

export interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  categories: string[];
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number; end: number } };
}

function issuePath(finding: Finding): string {
  const { path, layer } = finding.location;
  return layer ? `image:/${path.replace(/^\/+/, '')}` : path;
}

function describe(finding: Finding, meta: ScanMeta): string {
  const rule = ruleInfoFor(finding, meta);
  const loc = finding.location;
  const issuer = rule.provider.toLowerCase() === 'generic' ? 'the service that issued it' : rule.provider;
  const where = loc.layer
    ? ` in ${describeLayer(loc.layer)}`
    : loc.presentAtHead === false && loc.commit
      ? ` in commit ${loc.commit.sha.slice(0, 12)} (removed since, still in history)`
      : '';
  return (
    `${finding.title} (${safePreview(finding)})${where}. ` +
    `Revoke or rotate it at ${issuer} first: removing it from the code does not un-leak it.`
  );
}

/** GitLab Code Quality report: one issue per finding, redacted previews only. */
export function renderCodeQuality(rawFindings: readonly Finding[], rawMeta: ScanMeta): string {
  const { findings, meta, scrub } = sanitize(rawFindings, rawMeta);
  const occurrences = new Map<string, number>();
  const issues: CodeQualityIssue[] = sortByLocation(findings).map((finding) => {
    const path = issuePath(finding);
    const key = `${finding.fingerprint}\u0000${path}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    return {
      type: 'issue',
      check_name: `keyless/${finding.ruleId}`,
      description: describe(finding, meta),
      categories: ['Security'],
      fingerprint: createHash('sha256')
        .update(`keyless\u0000${key}\u0000${occurrence}`)
        .digest('hex')
        .slice(0, 32),
      severity: SEVERITIES[finding.severity],
      location: { path, lines: { begin: finding.location.startLine, end: finding.location.endLine } },
    };
  });
  return scrub(`${JSON.stringify(issues, null, 2)}\n`);
}
