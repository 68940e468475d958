import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * One planted secret. `line`/`endLine` are what scoring uses; `column`, `length` and `digest`
 * (truncated SHA-256 of the exact span) let the checker prove the label still points at the
 * value after files are edited, without the label file holding the value itself.
 */
export interface Label {
  line: number;
  /** Last line of a multi-line secret (PEM block); absent for single-line secrets. */
  endLine?: number;
  /** 1-based column of the first character on `line`. */
  column: number;
  length: number;
  kind: string;
  note: string;
  digest: string;
}

export type Labels = Record<string, Label[]>;

export const MARKER_OPEN = '\u27e6';

export function spanDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of a 0-based offset. */
export function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

export function labelAt(
  text: string,
  starts: number[],
  offset: number,
  length: number,
  kind: string,
  note: string,
): Label {
  const start = position(starts, offset);
  const end = position(starts, offset + length - 1);
  const label: Label = { line: start.line, column: start.column, length, kind, note, digest: '' };
  if (end.line !== start.line) label.endLine = end.line;
  label.digest = spanDigest(text.slice(offset, offset + length));
  return label;
}

function labelOffset(starts: number[], label: Label): number | undefined {
  const lineStart = starts[label.line - 1];
  return lineStart === undefined ? undefined : lineStart + label.column - 1;
}

/** Every offset where a span of the label's length has the label's digest. */
export function findDigest(text: string, label: Label): number[] {
  const hits: number[] = [];
  for (let off = 0; off + label.length <= text.length; off++) {
    if (spanDigest(text.slice(off, off + label.length)) === label.digest) hits.push(off);
  }
  return hits;
}

/** Re-anchors a label after edits: the matching span nearest to the old line wins. */
export function relocate(text: string, starts: number[], label: Label): Label | undefined {
  const hits = findDigest(text, label);
  if (hits.length === 0) return undefined;
  const best = hits
    .map((off) => ({ off, d: Math.abs(position(starts, off).line - label.line) }))
    .sort((a, b) => a.d - b.d || a.off - b.off)[0];
  return best ? labelAt(text, starts, best.off, label.length, label.kind, label.note) : undefined;
}

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function loadLabels(file: string): Labels {
  return JSON.parse(readFileSync(file, 'utf8')) as Labels;
}

export function sortLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const path of Object.keys(labels).sort()) {
    if ((labels[path] ?? []).length === 0) continue;
    const list = [...(labels[path] ?? [])].sort((a, b) => a.line - b.line || a.column - b.column);
    // Fixed key order keeps the file diffable.
    out[path] = list.map((l) => ({
      line: l.line,
      ...(l.endLine !== undefined ? { endLine: l.endLine } : {}),
      column: l.column,
      length: l.length,
      kind: l.kind,
      note: l.note,
      digest: l.digest,
    }));
  }
  return out;
}

export function saveLabels(file: string, labels: Labels): void {
  writeFileSync(file, JSON.stringify(sortLabels(labels), null, 2) + '\n');
}

export interface CheckResult {
  problems: string[];
  /** Labels after relocation; equal to the input when nothing moved. */
  fixed: Labels;
  moved: number;
}

/**
 * Proves labels and corpus agree: every label's span hashes to its digest, line/endLine match the
 * span, no unstamped marker remains, and no labelled value also sits on an unlabelled line.
 * Problems name file:line and kind only, never the value.
 */
export function checkLabels(corpusDir: string, labels: Labels): CheckResult {
  const problems: string[] = [];
  const fixed: Labels = {};
  let moved = 0;
  const files = listFiles(corpusDir);
  const texts = new Map(files.map((f) => [f, readFileSync(join(corpusDir, f), 'utf8')]));
  const values = new Map<string, { path: string; lines: Set<number> }>();

  for (const [path, list] of Object.entries(labels)) {
    const text = texts.get(path);
    if (text === undefined) {
      problems.push(`${path}: labelled file does not exist`);
      continue;
    }
    const starts = lineStarts(text);
    const kept: Label[] = [];
    for (const label of list) {
      const off = labelOffset(starts, label);
      const span = off === undefined ? undefined : text.slice(off, off + label.length);
      let current: Label | undefined = label;
      if (span === undefined || spanDigest(span) !== label.digest) {
        current = relocate(text, starts, label);
        if (!current) {
          problems.push(`${path}:${label.line}: ${label.kind} label no longer matches any span of the file`);
          continue;
        }
        problems.push(`${path}:${label.line}: ${label.kind} label moved to line ${current.line}`);
        moved++;
      } else {
        const expect = labelAt(text, starts, off ?? 0, label.length, label.kind, label.note);
        if (expect.endLine !== label.endLine)
          problems.push(`${path}:${label.line}: ${label.kind} endLine is wrong`);
        current = { ...label, ...(expect.endLine !== undefined ? { endLine: expect.endLine } : {}) };
        if (expect.endLine === undefined) delete current.endLine;
      }
      kept.push(current);
      const cOff = labelOffset(starts, current) ?? 0;
      const value = text.slice(cOff, cOff + current.length);
      const entry = values.get(value) ?? { path, lines: new Set<number>() };
      for (let l = current.line; l <= (current.endLine ?? current.line); l++) entry.lines.add(l);
      values.set(value, entry);
    }
    fixed[path] = kept;
    const ordered = [...kept].sort((a, b) => a.line - b.line);
    for (let i = 1; i < ordered.length; i++) {
      const prev = ordered[i - 1];
      const cur = ordered[i];
      if (prev && cur && cur.line <= (prev.endLine ?? prev.line)) {
        problems.push(`${path}:${cur.line}: two labels on one line (labels are per line)`);
      }
    }
  }

  for (const [path, text] of texts) {
    const markerLine = text.split('\n').findIndex((l) => l.includes(MARKER_OPEN));
    if (markerLine >= 0) problems.push(`${path}:${markerLine + 1}: unstamped marker`);
  }

  // A value that is labelled once but repeated elsewhere would make the other line a false "FP".
  for (const [value, where] of values) {
    if (value.length < 12) continue;
    for (const [path, text] of texts) {
      let from = text.indexOf(value);
      while (from >= 0) {
        const line = position(lineStarts(text), from).line;
        const labelled = (fixed[path] ?? []).some((l) => line >= l.line && line <= (l.endLine ?? l.line));
        if (!labelled)
          problems.push(`${path}:${line}: repeats a value labelled in ${where.path} but is unlabelled`);
        from = text.indexOf(value, from + 1);
      }
    }
  }
  return { problems, fixed: sortLabels(fixed), moved };
}
