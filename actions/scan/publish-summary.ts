import { renderMarkdown } from '../../scanners/reports/markdown.js';
import type { Runtime } from '../runtime.js';
import { annotationMessage, repoPath, type ScanResults } from './results.js';

/** The runner shows at most 10 error and 10 warning annotations from workflow commands per step. */
export const SHOWN_COMMAND_ANNOTATIONS = 10;
/** A step summary may hold 1 MiB; markdown is mostly ASCII, with room left for the notes below. */
const SUMMARY_MAX = 1024 * 1024 - 4096;

export interface SummaryNotes {
  /** How the results were published (check run link, comment, SARIF upload, or why not). */
  published: string[];
  scope: string;
}

export function jobSummary(results: ScanResults, notes: SummaryNotes): string {
  const tail = [
    '',
    `Scanned: ${notes.scope}.`,
    ...(notes.published.length > 0 ? ['', ...notes.published.map((line) => `- ${line}`)] : []),
    '',
  ].join('\n');
  return renderMarkdown(results.findings, results.meta, { maxLength: SUMMARY_MAX - tail.length }) + tail;
}

/**
 * Annotations through workflow commands (`::error file=..,line=..::`), for when no check run can be
 * written (read-only token of a fork PR, missing `checks: write`). Only the first few are shown by
 * the runner, so the most severe go first and the rest are counted in one notice.
 */
export function commandAnnotations(runtime: Runtime, results: ScanResults): number {
  let emitted = 0;
  for (const finding of results.findings) {
    if (emitted === SHOWN_COMMAND_ANNOTATIONS) break;
    const path = repoPath(results, finding);
    const loc = finding.location;
    const place = {
      title: finding.title,
      ...(path !== undefined ? { file: path, startLine: loc.startLine, endLine: loc.endLine } : {}),
    };
    const message = annotationMessage(results, finding);
    if (finding.severity === 'critical' || finding.severity === 'high') runtime.error(message, place);
    else runtime.warning(message, place);
    emitted += 1;
  }
  const rest = results.findings.length - emitted;
  if (rest > 0) runtime.notice(`${rest} more finding(s) are listed in the job summary and the reports.`);
  return emitted;
}
