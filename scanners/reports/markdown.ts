import type { Finding, RuleInfo, ScanMeta, Severity } from '../engine/types.js';
import {
  describeCounts,
  describeLayer,
  describeSkipped,
  escapeControl,
  describeScope,
  formatMegabytes,
  isHttpUrl,
  remediationFor,
  ruleInfoFor,
  safePreview,
  sanitize,
  severityRank,
  shortSha,
  sortBySeverity,
} from './common.js';

/** GitHub's limit for comment bodies and step summaries. */
export const MARKDOWN_MAX_LENGTH = 65535;
/** Room kept for the remediation section before table rows take the rest. */
const REMEDIATION_BUDGET = 8000;
const MAX_LISTED_WARNINGS = 10;

export interface MarkdownOptions {
  /** Upper bound on the output length in UTF-16 code units; defaults to 65535. */
  maxLength?: number;
  /** Heading of the report; defaults to `Keyless secret scan`. */
  title?: string;
}

const BADGE: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' };

/** Backslash-escapes Markdown punctuation so file-derived text cannot format, link or mention. */
function plain(text: string): string {
  return escapeControl(text.replace(/\r?\n/g, ' ')).replace(/[\\`*_{}[\]<>()#+!|~@&]/g, '\\$&');
}

/** An inline code span that survives backticks in the text and, inside tables, pipes. */
function code(text: string, inTable: boolean): string {
  let body = escapeControl(text.replace(/\r?\n/g, ' '));
  if (inTable) body = body.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

function link(label: string, url: string | undefined): string {
  return isHttpUrl(url) && !/[<>]/.test(url) ? ` [${label}](<${url}>)` : '';
}

function where(finding: Finding): string {
  const loc = finding.location;
  const place = code(`${loc.path}:${loc.startLine}:${loc.startColumn}`, true);
  if (loc.commit) {
    const removed = loc.presentAtHead === false ? ' (removed since, still in history)' : '';
    return `${place} in ${code(shortSha(loc.commit.sha), true)}${removed}`;
  }
  if (loc.layer) return `${place} in ${plain(describeLayer(loc.layer))}`;
  return place;
}

function row(finding: Finding): string {
  const severity = `${BADGE[finding.severity]} ${finding.severity}`;
  const rule = `${plain(finding.title)}<br>${code(finding.ruleId, true)}`;
  return `| ${severity} | ${rule} | ${where(finding)} | ${code(safePreview(finding), true)} |`;
}

function remediationItem(rule: RuleInfo, count: number): string {
  const remediation = remediationFor(rule);
  const times = count === 1 ? '1 finding' : `${count} findings`;
  return `- **${plain(rule.title)}** (${code(rule.id, false)}, ${times}): ${plain(remediation)}${link('Documentation', rule.docs)}`;
}

function header(findings: readonly Finding[], meta: ScanMeta, title: string): string[] {
  const stats = [
    `**${describeCounts(findings)}**`,
    describeScope(meta),
    formatMegabytes(meta.stats.bytes),
    describeSkipped(meta.skipped),
  ];
  if (meta.stats.suppressed > 0) stats.push(`${meta.stats.suppressed} suppressed`);
  const lines = [`## ${plain(title)}`, '', stats.join(' · ')];
  if (!meta.complete) {
    lines.push('', '> [!WARNING]', '> The scan was incomplete: some content was not scanned.');
  }
  const baseline = meta.baseline;
  if (baseline && baseline.stale.length + baseline.expired.length > 0) {
    lines.push(
      '',
      `Baseline: ${baseline.stale.length} stale and ${baseline.expired.length} expired entries to clean up.`,
    );
  }
  if (meta.warnings.length > 0) {
    const listed = meta.warnings.slice(0, MAX_LISTED_WARNINGS).map((w) => `- ${plain(w)}`);
    const more = meta.warnings.length - listed.length;
    lines.push('', '<details><summary>Warnings</summary>', '', ...listed);
    if (more > 0) lines.push(`- …and ${more} more`);
    lines.push('', '</details>');
  }
  return lines;
}

function remediationItems(findings: readonly Finding[], meta: ScanMeta): string[] {
  const byRule = new Map<string, { rule: RuleInfo; count: number }>();
  for (const finding of findings) {
    const entry = byRule.get(finding.ruleId);
    if (entry) entry.count += 1;
    else byRule.set(finding.ruleId, { rule: ruleInfoFor(finding, meta), count: 1 });
  }
  return [...byRule.values()]
    .sort(
      (a, b) =>
        severityRank(a.rule.severity) - severityRank(b.rule.severity) ||
        (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0),
    )
    .map(({ rule, count }) => remediationItem(rule, count));
}

/** Adds lines while the running total stays within budget; returns how many were taken. */
function takeWithin(lines: readonly string[], budget: number): number {
  let used = 0;
  let taken = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    used += line.length + 1;
    taken += 1;
  }
  return taken;
}

/**
 * Findings table plus remediation, for PR comments and job summaries. Most severe findings come
 * first, so when the output has to be cut to `maxLength` the least severe rows are the ones dropped.
 */
export function renderMarkdown(
  rawFindings: readonly Finding[],
  rawMeta: ScanMeta,
  options: MarkdownOptions = {},
): string {
  const { findings, meta, scrub } = sanitize(rawFindings, rawMeta);
  const maxLength = options.maxLength ?? MARKDOWN_MAX_LENGTH;
  const head = header(findings, meta, options.title ?? 'Keyless secret scan');
  if (findings.length === 0) {
    return clamp(scrub(`${[...head, '', 'No secrets found.'].join('\n')}\n`), maxLength);
  }

  const rows = sortBySeverity(findings).map(row);
  const table = ['', '| Severity | Rule | Location | Preview |', '| --- | --- | --- | --- |'];
  const remedies = remediationItems(findings, meta);
  const remedyHead = ['', '### Remediation', ''];
  const notice = (rowsLeft: number, remediesLeft: number): string[] => {
    const parts = [
      rowsLeft > 0 ? `${rowsLeft} more ${rowsLeft === 1 ? 'finding' : 'findings'}` : '',
      remediesLeft > 0 ? `${remediesLeft} more remediation ${remediesLeft === 1 ? 'note' : 'notes'}` : '',
    ].filter((p) => p !== '');
    return parts.length > 0 ? ['', `_${parts.join(' and ')} not shown; see the full report._`] : [];
  };

  const fixed = [...head, ...table, ...remedyHead, ...notice(findings.length, remedies.length)];
  const available = maxLength - (fixed.join('\n').length + 1);
  const remedyLength = remedies.reduce((sum, line) => sum + line.length + 1, 0);
  const rowCount = takeWithin(rows, available - Math.min(remedyLength, REMEDIATION_BUDGET));
  const rowLength = rows.slice(0, rowCount).reduce((sum, line) => sum + line.length + 1, 0);
  const remedyCount = takeWithin(remedies, available - rowLength);

  const lines = [
    ...head,
    ...table,
    ...rows.slice(0, rowCount),
    ...(remedyCount > 0 ? [...remedyHead, ...remedies.slice(0, remedyCount)] : []),
    ...notice(rows.length - rowCount, remedies.length - remedyCount),
  ];
  return clamp(scrub(`${lines.join('\n')}\n`), maxLength);
}

/** Only reached when even the header does not fit (a tiny `maxLength`). */
function clamp(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : text.slice(0, Math.max(0, maxLength));
}
