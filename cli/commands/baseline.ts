import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createBaseline, loadBaseline, serializeBaseline } from '../../scanners/config/baseline.js';
import { parseScanOptions } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { Io } from '../io.js';
import { DEFAULT_BASELINE, runDirScan, type ScanContext } from '../scan-run.js';

/**
 * `keyless baseline create [PATH]`: records today's findings so that only new ones fail. The
 * existing baseline's reasons and expiries are kept for fingerprints still present.
 */
export async function baselineCommand(args: string[], io: Io, context: ScanContext): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'create') {
    throw new UsageError(
      `baseline: expected "create", got ${action === undefined ? 'nothing' : `"${action}"`}`,
    );
  }
  const { options, values } = parseScanOptions(rest, { reason: { type: 'string' } });
  const reason =
    typeof values['reason'] === 'string' ? values['reason'] : 'accepted when the baseline was created';
  const output = resolve(options.output ?? options.baseline ?? resolve(options.path, DEFAULT_BASELINE));
  const existing = existsSync(output) ? await loadBaseline(output) : [];
  const run = await runDirScan({ ...options, applyBaseline: false }, context);
  const entries = createBaseline(run.findings, reason, existing);
  await writeFile(output, serializeBaseline(entries));
  io.stderr.write(
    `keyless: wrote ${entries.length} baseline entr${entries.length === 1 ? 'y' : 'ies'} to ${output}\n`,
  );
  return run.meta.complete ? EXIT.ok : EXIT.error;
}
