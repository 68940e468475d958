/**
 * `npm run eval`: scores Keyless and secretlint (recommended preset) on the labelled corpus.
 * Figures are reported, not asserted: the exit code is 0 unless the run itself fails (labels out
 * of sync with the corpus, unreadable files, a tool crashing). `--json` prints machine-readable
 * figures. Values are never printed — only paths, lines, kinds, rule ids and redacted previews.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkLabels, listFiles, loadLabels } from './labels.js';
import { labelRefs, score, type Score } from './score.js';
import { runKeyless, runSecretlint, type CorpusFile } from './tools.js';

interface Options {
  json: boolean;
  corpus: string;
  labels: string;
}

function parseArgs(argv: string[]): Options {
  const root = process.cwd();
  const opts: Options = {
    json: false,
    corpus: resolve(root, 'eval/corpus'),
    labels: resolve(root, 'eval/labels.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') opts.json = true;
    else if (arg === '--corpus') opts.corpus = resolve(root, argv[++i] ?? '');
    else if (arg === '--labels') opts.labels = resolve(root, argv[++i] ?? '');
    else throw new Error(`unknown argument ${arg ?? ''} (expected --json, --corpus <dir>, --labels <file>)`);
  }
  return opts;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const lpad = (s: string | number, n: number): string => String(s).padStart(n);

function table(scores: Score[]): string[] {
  const out = [
    `${pad('tool', 12)}${lpad('TP', 6)}${lpad('FP', 6)}${lpad('FN', 6)}${lpad('recall', 9)}${lpad('precision', 11)}`,
  ];
  for (const s of scores) {
    out.push(
      `${pad(s.tool, 12)}${lpad(s.tp, 6)}${lpad(s.fp, 6)}${lpad(s.fn, 6)}${lpad(pct(s.recall), 9)}${lpad(pct(s.precision), 11)}`,
    );
  }
  return out;
}

function details(s: Score, full: boolean): string[] {
  const out: string[] = [];
  const missed = s.perKind.filter((k) => k.hit < k.labels);
  out.push(
    '',
    `${s.tool}: recall by kind, kinds with misses (${missed.length} of ${s.perKind.length} kinds):`,
  );
  for (const k of missed) out.push(`  ${pad(k.kind, 40)}${lpad(`${k.hit}/${k.labels}`, 7)}`);
  out.push('', `${s.tool}: false positives by rule (distinct lines):`);
  for (const r of s.fpByRule) out.push(`  ${pad(r.ruleId, 48)}${lpad(r.lines, 5)}`);
  if (full) {
    out.push('', `${s.tool}: false negatives (${s.falseNegatives.length}):`);
    for (const r of s.falseNegatives) out.push(`  ${r.path}:${r.line}  ${r.kind}`);
    out.push('', `${s.tool}: false positives (${s.falsePositives.length}):`);
    for (const f of s.falsePositives)
      out.push(`  ${f.path}:${f.line}  ${f.ruleIds.join(',')}  ${f.redacted.join(' ')}`);
  }
  if (s.errors.length > 0) {
    out.push('', `${s.tool}: files that failed (${s.errors.length}):`);
    for (const e of s.errors) out.push(`  ${e}`);
  }
  return out;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const labels = loadLabels(opts.labels);
  const check = checkLabels(opts.corpus, labels);
  if (check.problems.length > 0) {
    for (const p of check.problems) console.error(`label problem: ${p}`);
    throw new Error(
      'labels do not match the corpus; fix them (node build/eval/check-labels.js --fix) and rerun',
    );
  }
  const files: CorpusFile[] = listFiles(opts.corpus).map((path) => ({
    path,
    text: readFileSync(resolve(opts.corpus, path), 'utf8'),
  }));
  const refs = labelRefs(labels);
  const keyless = score(runKeyless(files), refs);
  const secretlint = score(await runSecretlint(files, opts.corpus), refs);
  const corpus = {
    files: files.length,
    labelledFiles: Object.keys(labels).length,
    labels: refs.length,
    kinds: new Set(refs.map((r) => r.kind)).size,
  };

  if (opts.json) {
    console.log(JSON.stringify({ corpus, tools: [keyless, secretlint] }, null, 2));
  } else {
    const out = [
      `Keyless evaluation: ${corpus.files} files (${corpus.labelledFiles} with secrets), ${corpus.labels} labelled lines, ${corpus.kinds} kinds`,
      '',
      ...table([keyless, secretlint]),
      ...details(keyless, true),
      ...details(secretlint, false),
    ];
    console.log(out.join('\n'));
  }
  if (keyless.errors.length > 0 || secretlint.errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`eval failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
