import type { Finding, ScanMeta } from '../engine/types.js';
import { renderCodeQuality } from './codequality.js';
import { renderGitlab } from './gitlab.js';
import type { GitlabOptions } from './gitlab.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { MarkdownOptions } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import type { TextOptions } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'gitlab', 'markdown', 'codequality'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options of every renderer; each reads only its own. */
export type RenderOptions = TextOptions & MarkdownOptions & GitlabOptions;

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Renders findings in one format. Pure: no I/O, same input gives byte-identical output. */
export function renderReport(
  format: ReportFormat,
  findings: readonly Finding[],
  meta: ScanMeta,
  options: RenderOptions = {},
): string {
  switch (format) {
    case 'text':
      return renderText(findings, meta, options);
    case 'json':
      return renderJson(findings, meta);
    case 'sarif':
      return renderSarif(findings, meta);
    case 'gitlab':
      return renderGitlab(findings, meta, options);
    case 'markdown':
      return renderMarkdown(findings, meta, options);
    case 'codequality':
      return renderCodeQuality(findings, meta);
  }
}

export { redact } from './redact.js';
export { renderCodeQuality, renderGitlab, renderJson, renderMarkdown, renderSarif, renderText };
export type { GitlabOptions, MarkdownOptions, TextOptions };
