/**
 * Stamps the labelled corpus. Corpus files are authored with markers where a value belongs:
 *
 *   ⟦gh-pat⟧                   a planted secret from generator `gh-pat` (labelled, kind from the generator)
 *   ⟦password:url#db-password⟧ generator argument after `:`, label kind override after `#`
 *   ⟦!sha1⟧                    a look-alike from a negative generator (never labelled)
 *   ⟦same⟧                     the previous positive value again, labelled on its own line
 *   ⟦~aws-akid⟧                a real-shaped companion on a line already labelled by another marker
 *                              (labels are per line: one label per line)
 *
 * Each marker is replaced by a freshly fabricated value and every positive span is added to
 * eval/labels.json with its exact line (and endLine for multi-line PEM blocks). Files without
 * markers are left untouched; labels of already-stamped files are re-anchored by digest, so a
 * marker can be added to a file that was stamped before. The committed corpus is the source of
 * truth afterwards — this script is only how values and labels were made consistently.
 *
 * Usage: node build/eval/build-corpus.js [--dry-run]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkLabels,
  labelAt,
  lineStarts,
  listFiles,
  loadLabels,
  relocate,
  saveLabels,
  type Label,
  type Labels,
} from './labels.js';
import { negativeMakers, positives } from './values/index.js';

const MARKER = /\u27e6([!~]?)([a-z0-9-]+)(?::([^#\u27e7]*))?(?:#([a-z0-9-]+))?\u27e7/g;

interface Stamped {
  text: string;
  spans: { offset: number; length: number; kind: string; note: string }[];
}

export function stamp(source: string): Stamped {
  let text = '';
  let last = 0;
  const spans: Stamped['spans'] = [];
  let previous: { value: string; kind: string; note: string } | undefined;
  for (const m of source.matchAll(MARKER)) {
    const [whole, mode, name = '', arg, kindOverride] = m;
    const at = m.index;
    text += source.slice(last, at);
    last = at + whole.length;
    const lineStart = text.lastIndexOf('\n') + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
    let value: string;
    let label: { kind: string; note: string } | undefined;
    if (name === 'same' && mode === '') {
      // The value printed again (shell traces, duplicated config): same secret, its own label.
      if (!previous) throw new Error('⟦same⟧ needs an earlier positive marker in the file');
      value = previous.value;
      label = { kind: previous.kind, note: previous.note };
    } else if (mode === '!') {
      const make = negativeMakers[name];
      if (!make) throw new Error(`unknown negative generator "${name}"`);
      value = make(arg);
    } else {
      const spec = positives[name];
      if (!spec) throw new Error(`unknown generator "${name}"`);
      value = spec.make(arg);
      if (mode !== '~') label = { kind: kindOverride ?? spec.kind, note: spec.title };
      previous = { value, kind: kindOverride ?? spec.kind, note: spec.title };
    }
    // Continuation lines of a multi-line value follow the marker line's indentation (YAML blocks).
    value = value.replace(/\n/g, `\n${indent}`);
    if (label) spans.push({ offset: text.length, length: value.length, ...label });
    text += value;
  }
  text += source.slice(last);
  return { text, spans };
}

function main(): void {
  const root = process.cwd();
  const corpus = resolve(root, 'eval/corpus');
  const labelsFile = resolve(root, 'eval/labels.json');
  const dryRun = process.argv.includes('--dry-run');
  let labels: Labels = {};
  try {
    labels = loadLabels(labelsFile);
  } catch {
    labels = {};
  }

  let stampedFiles = 0;
  let planted = 0;
  for (const path of listFiles(corpus)) {
    const full = join(corpus, path);
    const source = readFileSync(full, 'utf8');
    if (!source.includes('\u27e6')) continue;
    const { text, spans } = stamp(source);
    const starts = lineStarts(text);
    const kept: Label[] = [];
    for (const old of labels[path] ?? []) {
      const moved = relocate(text, starts, old);
      if (!moved) throw new Error(`${path}:${old.line}: existing ${old.kind} label lost while stamping`);
      kept.push(moved);
    }
    for (const s of spans) kept.push(labelAt(text, starts, s.offset, s.length, s.kind, s.note));
    labels[path] = kept;
    stampedFiles++;
    planted += spans.length;
    if (!dryRun) writeFileSync(full, text);
    console.log(`${path}: ${spans.length} planted`);
  }
  if (!dryRun) saveLabels(labelsFile, labels);
  console.log(`stamped ${stampedFiles} file(s), planted ${planted} secret(s)${dryRun ? ' (dry run)' : ''}`);
  if (!dryRun) {
    const { problems } = checkLabels(corpus, loadLabels(labelsFile));
    for (const p of problems) console.error(`label problem: ${p}`);
    if (problems.length > 0) process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
