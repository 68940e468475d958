import type { BaselineEntry, Finding, ScanMeta, Severity } from '../engine/types.js';
import {
  describeCounts,
  describeLayer,
  describeSkipped,
  escapeControl,
  describeScope,
  formatMegabytes,
  safePreview,
  sanitize,
  shortFingerprint,
  shortSha,
  sortBySeverity,
} from './common.js';

export interface TextOptions {
  /** ANSI colours; the CLI turns them on only for a TTY without NO_COLOR. */
  color?: boolean;
}

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '1;35',
  high: '1;31',
  medium: '33',
  low: '36',
};

type Paint = (code: string, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
}

function findingBlock(finding: Finding, paint: Paint): string {
  const loc = finding.location;
  const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity.toUpperCase().padEnd(8));
  const lines = [
    `${severity}  ${paint('1', finding.title)}  ${paint('2', `[${finding.ruleId}]`)}`,
    `  at ${escapeControl(loc.path)}:${loc.startLine}:${loc.startColumn}`,
    `  secret ${safePreview(finding)}  ${paint('2', `fingerprint ${shortFingerprint(finding.fingerprint)}`)}`,
  ];
  if (loc.commit) {
    const by = loc.commit.author !== undefined ? ` by ${escapeControl(loc.commit.author)}` : '';
    const on = loc.commit.date !== undefined ? ` on ${escapeControl(loc.commit.date)}` : '';
    lines.push(`  commit ${shortSha(loc.commit.sha)}${by}${on}`);
    if (loc.presentAtHead === false) lines.push('  removed since, but still in history: rotate it');
  }
  if (loc.layer) {
    lines.push(`  ${describeLayer(loc.layer, true)}`);
    if (loc.layer.removedBy !== undefined) {
      lines.push('  hidden by a later layer, but still in the image: anyone who pulls it has the secret');
    }
  }
  return lines.join('\n');
}

function baselineLine(kind: 'stale' | 'expired', entry: BaselineEntry): string {
  const expires = kind === 'expired' && entry.expires !== undefined ? ` (expired ${entry.expires})` : '';
  return `  ${kind.padEnd(7)} ${entry.fingerprint}  ${escapeControl(entry.reason)}${expires}`;
}

function summary(findings: readonly Finding[], meta: ScanMeta, paint: Paint): string[] {
  const files = describeScope(meta);
  const line = [
    describeCounts(findings),
    files,
    formatMegabytes(meta.stats.bytes),
    describeSkipped(meta.skipped),
  ];
  if (meta.stats.suppressed > 0) line.push(`${meta.stats.suppressed} suppressed`);
  const lines = [paint('1', line.join(' · '))];

  const baseline = meta.baseline;
  if (baseline && baseline.stale.length + baseline.expired.length > 0) {
    lines.push(
      `Baseline ${escapeControl(baseline.path)}: ${baseline.stale.length} stale, ${baseline.expired.length} expired`,
      ...baseline.stale.map((entry) => baselineLine('stale', entry)),
      ...baseline.expired.map((entry) => baselineLine('expired', entry)),
    );
  }
  if (meta.warnings.length > 0) {
    lines.push(paint('33', 'Warnings:'), ...meta.warnings.map((w) => `  - ${escapeControl(w)}`));
  }
  if (!meta.complete) {
    lines.push(
      paint('1;33', 'Scan incomplete: some content was not scanned (see skipped files and warnings).'),
    );
  }
  return lines;
}

/** Human-readable report for terminals and logs: one block per finding, then a summary. */
export function renderText(
  rawFindings: readonly Finding[],
  rawMeta: ScanMeta,
  options: TextOptions = {},
): string {
  const { findings, meta, scrub } = sanitize(rawFindings, rawMeta);
  const paint = painter(options.color === true);
  const blocks =
    findings.length > 0 ? sortBySeverity(findings).map((f) => findingBlock(f, paint)) : ['No secrets found.'];
  const output = `${[...blocks, summary(findings, meta, paint).join('\n')].join('\n\n')}\n`;
  return scrub(output);
}
