import { writeFile } from 'node:fs/promises';
import { renderReport } from '../../scanners/reports/index.js';
import { SEVERITIES, type Finding } from '../../scanners/engine/types.js';
import { parseScanOptions, type FailOn, type ScanOptions } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { readGitOptions, gitOptionSpec, runGitScan } from '../scan-git.js';
import { imageOptionSpec, readImageOptions, runImageScan } from '../scan-image.js';
import { runDirScan, type ScanContext, type ScanRun } from '../scan-run.js';
import type { Io } from '../io.js';

export function failing(findings: Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'none') return [];
  const threshold = SEVERITIES.indexOf(failOn);
  return findings.filter((f) => SEVERITIES.indexOf(f.severity) <= threshold);
}

const TARGETS = ['dir', 'git', 'image'] as const;

export async function scanCommand(args: string[], io: Io, context: ScanContext): Promise<number> {
  const [target, ...rest] = args;
  let run: ScanRun;
  let options: ScanOptions;
  switch (target) {
    case 'dir':
      ({ options } = parseScanOptions(rest));
      run = await runDirScan(options, context);
      break;
    case 'git': {
      const parsed = parseScanOptions(rest, gitOptionSpec);
      options = parsed.options;
      run = await runGitScan(options, readGitOptions(parsed.values), context);
      break;
    }
    case 'image': {
      const parsed = parseScanOptions(rest, imageOptionSpec);
      options = parsed.options;
      const image = readImageOptions(parsed.values, parsed.positionals[0]);
      run = await runImageScan(options, image, { ...context, env: io.env });
      break;
    }
    default:
      throw new UsageError(
        target === undefined
          ? 'scan: expected a target: keyless scan dir|git [PATH] or keyless scan image REF|--archive FILE'
          : `scan: unknown target "${target}" (expected one of: ${TARGETS.join(', ')})`,
      );
  }
  const color = options.output === undefined && io.stdout.isTTY === true && !io.env['NO_COLOR'];
  const report = renderReport(options.format, run.findings, run.meta, { color });
  if (options.output !== undefined) {
    await writeFile(options.output, report);
    // A summary on stderr so CI logs still say what the file holds.
    io.stderr.write(
      `keyless: ${run.findings.length} finding(s) in ${run.meta.stats.files} ${run.meta.target.kind === 'git' ? 'blobs' : 'files'}; report written to ${options.output}\n`,
    );
  } else {
    io.stdout.write(report.endsWith('\n') ? report : `${report}\n`);
  }
  for (const extra of options.reports ?? []) {
    await writeFile(extra.path, renderReport(extra.format, run.findings, run.meta, { color: false }));
    io.stderr.write(`keyless: ${extra.format} report written to ${extra.path}\n`);
  }
  for (const warning of run.meta.warnings) io.stderr.write(`keyless: warning: ${warning}\n`);
  if (!run.meta.complete) {
    const unreadable = run.meta.skipped.filter((s) => s.reason === 'unreadable').length;
    io.stderr.write(
      unreadable > 0
        ? `keyless: scan incomplete: ${unreadable} file(s) could not be read (listed in the report)\n`
        : 'keyless: scan incomplete: see the warnings above (also in the report)\n',
    );
    return EXIT.error;
  }
  return failing(run.findings, options.failOn).length > 0 ? EXIT.findings : EXIT.ok;
}
