import { envName, fileKind } from './file-kind.js';
import type { FileKind } from './file-kind.js';

/** Where a value sits in a file: 1-based lines and columns (UTF-16 units), end column exclusive. */
export interface Span {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Character offsets of a span, or undefined when the file is shorter than the span says. */
export function spanOffsets(text: string, span: Span): { start: number; end: number } | undefined {
  const starts = lineStarts(text);
  const a = starts[span.startLine - 1];
  const b = starts[span.endLine - 1];
  if (a === undefined || b === undefined) return undefined;
  const start = a + span.startColumn - 1;
  const end = b + span.endColumn - 1;
  return end <= text.length && start < end ? { start, end } : undefined;
}

const ASSIGNED = /([A-Za-z_][A-Za-z0-9_.-]*)["']?\]?\s*(?::=|=>|=|:)\s*["'`]?$/;

/**
 * The variable name a replaced value should come from: the key it was assigned to on its line
 * (`stripeKey = "..."` -> `STRIPE_KEY`), else one made from the rule (`stripe-secret-key`).
 */
export function referenceName(text: string, span: Span, ruleId: string, kind: FileKind): string {
  const starts = lineStarts(text);
  const lineStart = starts[span.startLine - 1] ?? 0;
  const prefix = text.slice(lineStart, lineStart + span.startColumn - 1);
  const key = ASSIGNED.exec(prefix)?.[1];
  let name = envName(key ? (key.split('.').pop() ?? key) : ruleId);
  // GitHub reserves GITHUB_* secret names, and secrets.GITHUB_TOKEN is the job's own token.
  if (kind === 'workflow' && name.startsWith('GITHUB_')) name = `GH_${name.slice('GITHUB_'.length)}`;
  return name;
}

function enclosingQuote(text: string, start: number, end: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
  for (let i = start - 1; i >= lineStart; i--) {
    const c = text[i] as string;
    if (c === '"' || c === "'" || c === '`')
      return text.indexOf(c, end) !== -1 && text.indexOf(c, end) < lineEnd ? c : undefined;
  }
  return undefined;
}

function codeExpression(kind: FileKind, name: string): string | undefined {
  if (kind === 'js') return `process.env.${name}`;
  if (kind === 'python') return `os.environ["${name}"]`;
  if (kind === 'go') return `os.Getenv("${name}")`;
  if (kind === 'ruby') return `ENV.fetch("${name}")`;
  if (kind === 'jvm') return `System.getenv("${name}")`;
  if (kind === 'csharp') return `Environment.GetEnvironmentVariable("${name}")`;
  if (kind === 'php') return `getenv('${name}')`;
  return undefined;
}

/** The text that takes the value's place (including the quotes it replaces, if any). */
function replacement(
  text: string,
  start: number,
  end: number,
  kind: FileKind,
  name: string,
): { from: number; to: number; text: string } {
  const quote = enclosingQuote(text, start, end);
  const wholeString = quote !== undefined && text[start - 1] === quote && text[end] === quote;
  const code = codeExpression(kind, name);
  if (code !== undefined) {
    if (wholeString || quote === undefined)
      return wholeString
        ? { from: start - 1, to: end + 1, text: code }
        : { from: start, to: end, text: code };
    if (quote === '`' && kind === 'js') return { from: start, to: end, text: `\${${code}}` };
    // Only the side of the string that still has text around the value needs a concatenation.
    const join = kind === 'php' ? '.' : '+';
    if (text[end] === quote) return { from: start, to: end + 1, text: `${quote} ${join} ${code}` };
    if (text[start - 1] === quote) return { from: start - 1, to: end, text: `${code} ${join} ${quote}` };
    return { from: start, to: end, text: `${quote} ${join} ${code} ${join} ${quote}` };
  }
  if (kind === 'shell') {
    if (quote === '"') return { from: start, to: end, text: `\${${name}}` };
    if (quote === "'")
      return wholeString
        ? { from: start - 1, to: end + 1, text: `"\${${name}}"` }
        : { from: start, to: end, text: `'"\${${name}}"'` };
    return { from: start, to: end, text: `"\${${name}}"` };
  }
  if (kind === 'workflow') return { from: start, to: end, text: `\${{ secrets.${name} }}` };
  if (kind === 'gitlab-ci') return { from: start, to: end, text: `\${${name}}` };
  return { from: start, to: end, text: `\${${name}}` };
}

function ensurePythonImport(text: string): string {
  if (/^\s*import\s+(?:[\w.]+\s*,\s*)*os\b/m.test(text) || /^\s*import os$/m.test(text)) return text;
  const lines = text.split('\n');
  // After a shebang, encoding line, module docstring-free comments and `from __future__` imports.
  let at = 0;
  while (
    at < lines.length &&
    /^(#.*|from __future__ import .*|\s*)$/.test(lines[at] as string) &&
    !/^\s*$/.test(lines[at] as string)
  )
    at++;
  lines.splice(at, 0, 'import os');
  return lines.join('\n');
}

function ensureGoImport(text: string): string {
  if (/^\s*"os"\s*$/m.test(text) || /^import\s+"os"/m.test(text)) return text;
  const block = /^import \(\n/m.exec(text);
  if (block)
    return `${text.slice(0, block.index + block[0].length)}\t"os"\n${text.slice(block.index + block[0].length)}`;
  const single = /^import ("[^"\n]+")\n/m.exec(text);
  if (single)
    return `${text.slice(0, single.index)}import (\n\t"os"\n\t${single[1]}\n)\n${text.slice(single.index + single[0].length)}`;
  const pkg = /^package \w+\n/m.exec(text);
  if (!pkg) return text;
  return `${text.slice(0, pkg.index + pkg[0].length)}\nimport "os"\n${text.slice(pkg.index + pkg[0].length)}`;
}

export interface LiteralRewrite {
  content: string;
  /** The variable/secret the file now reads. */
  name: string;
  /** How it is read, e.g. `process.env.STRIPE_KEY` — for the PR body. */
  reference: string;
}

/** Adds what a reference needs to compile (`import os` in Python, `"os"` in Go); other files unchanged. */
export function addImport(path: string, text: string): string {
  const kind = fileKind(path);
  if (kind === 'python') return ensurePythonImport(text);
  if (kind === 'go') return ensureGoImport(text);
  return text;
}

/**
 * Replaces the value at `span` with a reference fitting the file. Returns undefined for files that
 * cannot hold a reference (`.env`, key files: see dotenv.ts) or when the span is outside the text.
 */
export function replaceLiteral(
  text: string,
  path: string,
  span: Span,
  ruleId: string,
  options: { name?: string; addImport?: boolean } = {},
): LiteralRewrite | undefined {
  const kind = fileKind(path);
  if (kind === 'dotenv' || kind === 'key-file') return undefined;
  const offsets = spanOffsets(text, span);
  if (!offsets) return undefined;
  const chosen = options.name ?? referenceName(text, span, ruleId, kind);
  const r = replacement(text, offsets.start, offsets.end, kind, chosen);
  let content = text.slice(0, r.from) + r.text + text.slice(r.to);
  // Several values in one file are replaced bottom-up; an import added at the top would move their spans.
  if (options.addImport !== false) content = addImport(path, content);
  return {
    content,
    name: chosen,
    reference: codeExpression(kind, chosen) ?? r.text.replace(/^['"]+|['"]+$/g, ''),
  };
}
