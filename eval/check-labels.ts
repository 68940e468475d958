/**
 * Verifies eval/labels.json against the committed corpus (see labels.ts for what is checked).
 * `--fix` rewrites labels whose value moved to another line after an edit.
 *
 * Usage: node build/eval/check-labels.js [--fix]
 */
import { resolve } from 'node:path';
import { checkLabels, loadLabels, saveLabels } from './labels.js';

const root = process.cwd();
const labelsFile = resolve(root, 'eval/labels.json');
const { problems, fixed, moved } = checkLabels(resolve(root, 'eval/corpus'), loadLabels(labelsFile));
for (const p of problems) console.error(p);
if (process.argv.includes('--fix')) {
  saveLabels(labelsFile, fixed);
  if (moved > 0) console.error(`re-anchored ${moved} label(s); run again to confirm`);
}
const count = Object.values(fixed).reduce((n, l) => n + l.length, 0);
console.log(`${count} label(s) in ${Object.keys(fixed).length} file(s); ${problems.length} problem(s)`);
process.exitCode = problems.length > 0 ? 1 : 0;
