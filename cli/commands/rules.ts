import { builtinRules } from '../../scanners/rules/index.js';
import { parse } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { Io } from '../io.js';

export function rulesCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { format: { type: 'string', short: 'f' } });
  if (positionals.length > 0) throw new UsageError(`rules: unexpected argument "${positionals[0]}"`);
  const format = (values as Record<string, unknown>)['format'] ?? 'text';
  const rules = [...builtinRules].sort((a, b) => a.id.localeCompare(b.id));
  if (format === 'json') {
    const rows = rules.map(({ id, title, provider, severity, keywords, remediation, docs }) => ({
      id,
      title,
      provider,
      severity,
      keywords,
      remediation,
      docs,
    }));
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else if (format === 'text') {
    const width = Math.max(...rules.map((r) => r.id.length));
    for (const r of rules) io.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.title}\n`);
    io.stdout.write(`${rules.length} rules\n`);
  } else {
    throw new UsageError(`--format: expected one of text, json, got "${String(format)}"`);
  }
  return EXIT.ok;
}
