import type { Severity } from '../scanners/engine/types.js';
import { REMEDIATION_STEPS, atOrAbove, bySeverity, countText, type SecretReport } from './report.js';

/** Hidden marker by which the job finds its own note again (HTML comments are not rendered). */
export const NOTE_MARKER = '<!-- keyless:secret-detection -->';
/** Rows listed in the note; the full list is in the pipeline's report. */
const MAX_ROWS = 100;

const BADGE: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' };

/** Markdown punctuation escaped so file names cannot format, link, mention or close the table. */
function plain(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[\\`*_{}[\]<>()#+!|~@&$:]/g, '\\$&')
    .slice(0, 300);
}

function code(text: string): string {
  const body = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\|/g, '\\|');
  const fence = '`'.repeat(Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

export interface NoteContext {
  failOn: Severity | 'none';
  /** `CI_PIPELINE_URL`, linked for the full report. */
  pipelineUrl?: string;
  /** `CI_COMMIT_SHA` the note describes. */
  commitSha?: string;
}

/** The merge request note: findings with redacted previews, remediation, how to baseline. */
export function renderNote(report: SecretReport, context: NoteContext): string {
  const lines = [NOTE_MARKER, '## Keyless secret detection', ''];
  const commit = context.commitSha ? ` at ${code(context.commitSha.slice(0, 12))}` : '';
  const pipeline =
    context.pipelineUrl && /^https?:\/\/[^\s<>()]+$/.test(context.pipelineUrl)
      ? ` ([pipeline](${context.pipelineUrl}))`
      : '';
  if (report.entries.length === 0) {
    lines.push(`No secrets found in what this merge request adds${commit}.${pipeline}`);
  } else {
    const failing = atOrAbove(report.entries, context.failOn);
    lines.push(
      `**${countText(report.entries)}** in what this merge request adds${commit}.${pipeline}`,
      failing.length > 0
        ? `${countText(failing)} at or above \`${context.failOn}\` block this merge request.`
        : 'None is at or above the blocking level; they are reported for review.',
      '',
      '| Severity | Secret | Location | Preview |',
      '| --- | --- | --- | --- |',
    );
    const rows = bySeverity(report.entries);
    for (const entry of rows.slice(0, MAX_ROWS)) {
      const where = entry.commit
        ? `${code(`${entry.path}:${entry.line}`)} in ${code(entry.commit.slice(0, 12))}${entry.removed ? ' (removed since, still in history)' : ''}`
        : code(`${entry.path}:${entry.line}`);
      lines.push(
        `| ${BADGE[entry.severity]} ${entry.severity} | ${plain(entry.title)}<br>${code(entry.ruleId)} | ${where} | ${code(entry.preview)} |`,
      );
    }
    if (rows.length > MAX_ROWS)
      lines.push('', `_${rows.length - MAX_ROWS} more not listed; see the pipeline's security report._`);
    lines.push('', '### What to do', '', ...REMEDIATION_STEPS.map((step, i) => `${i + 1}. ${step}`));
    const fingerprints = [...new Set(rows.map((e) => e.fingerprint).filter((f) => f !== undefined))];
    if (fingerprints.length > 0) {
      const entries = fingerprints.map((fingerprint) => ({ fingerprint, reason: 'why this is acceptable' }));
      lines.push(
        '',
        '<details><summary>Baseline entries for false positives</summary>',
        '',
        '```json',
        JSON.stringify({ version: 1, entries }, null, 2),
        '```',
        '',
        '</details>',
      );
    }
  }
  if (!report.complete) {
    lines.push('', '> **Warning:** the scan was incomplete; unscanned content may hold secrets.');
    for (const message of report.messages.slice(0, 10)) lines.push(`> - ${plain(message)}`);
  }
  return `${lines.join('\n')}\n`;
}
