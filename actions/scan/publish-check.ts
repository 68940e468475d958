import { renderMarkdown } from '../../scanners/reports/markdown.js';
import type { GitHubApi } from '../runtime.js';
import { ANNOTATION_LEVEL, annotationMessage, countsText, repoPath, type ScanResults } from './results.js';

export const CHECK_NAME = 'Keyless secret scan';
/** GitHub takes at most 50 annotations per create/update request; each update appends. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Beyond this many, findings are listed in the summary only (20 requests of 50). */
export const MAX_CHECK_ANNOTATIONS = 1000;
/** Check run output summary and text: at most 65535 characters each. */
const OUTPUT_MAX = 65535;

export interface Repository {
  owner: string;
  repo: string;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

export function checkAnnotations(results: ScanResults): CheckAnnotation[] {
  const annotations: CheckAnnotation[] = [];
  for (const finding of results.findings) {
    const path = repoPath(results, finding);
    if (path === undefined) continue;
    const loc = finding.location;
    const oneLine = loc.startLine === loc.endLine;
    annotations.push({
      path,
      start_line: loc.startLine,
      end_line: loc.endLine,
      // Columns are only accepted on a single-line annotation.
      ...(oneLine ? { start_column: loc.startColumn, end_column: loc.endColumn } : {}),
      annotation_level: ANNOTATION_LEVEL[finding.severity],
      title: finding.title,
      message: annotationMessage(results, finding),
    });
  }
  return annotations;
}

export interface CheckRunResult {
  id: number;
  url?: string;
  annotations: number;
}

/**
 * Creates the check run on `headSha` and completes it: the first update carries the conclusion
 * only once every page of annotations is in, so a failing check never shows half its annotations.
 */
export async function publishCheckRun(
  api: GitHubApi,
  repository: Repository,
  headSha: string,
  results: ScanResults,
  options: { annotations: boolean; detailsUrl?: string; now?: () => Date },
): Promise<CheckRunResult> {
  const now = options.now ?? (() => new Date());
  const created = await api.request('POST /repos/{owner}/{repo}/check-runs', {
    ...repository,
    name: CHECK_NAME,
    head_sha: headSha,
    status: 'in_progress',
    started_at: results.meta.startedAt.toISOString(),
    ...(options.detailsUrl ? { details_url: options.detailsUrl } : {}),
  });
  const data = created.data as { id: number; html_url?: string };
  const all = options.annotations ? checkAnnotations(results) : [];
  const annotations = all.slice(0, MAX_CHECK_ANNOTATIONS);
  const dropped = all.length - annotations.length;
  const title = countsText(results);
  const note =
    dropped > 0
      ? `\n_${dropped} more findings are not annotated (at most ${MAX_CHECK_ANNOTATIONS} annotations); see the SARIF or JSON report._\n`
      : '';
  const summary =
    renderMarkdown(results.findings, results.meta, { maxLength: OUTPUT_MAX - note.length }) + note;
  const pages: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    pages.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  if (pages.length === 0) pages.push([]);
  for (const [index, page] of pages.entries()) {
    const last = index === pages.length - 1;
    await api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repository,
      check_run_id: data.id,
      output: { title, summary, ...(page.length > 0 ? { annotations: page } : {}) },
      ...(last
        ? {
            status: 'completed',
            conclusion: results.failed ? 'failure' : 'success',
            completed_at: now().toISOString(),
          }
        : {}),
    });
  }
  return { id: data.id, annotations: annotations.length, ...(data.html_url ? { url: data.html_url } : {}) };
}
