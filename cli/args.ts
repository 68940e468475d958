import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SEVERITIES, type Severity } from '../scanners/engine/types.js';
import { UsageError } from './exit-codes.js';

export const FORMATS = ['text', 'json', 'sarif', 'gitlab', 'markdown', 'codequality'] as const;
export type Format = (typeof FORMATS)[number];
export type FailOn = Severity | 'none';

export interface ScanOptions {
  path: string;
  format: Format;
  output?: string;
  /** `--report FORMAT=FILE`: further reports of the same scan, written to files. */
  reports?: Array<{ format: Format; path: string }>;
  config?: string;
  baseline?: string;
  failOn: FailOn;
  maxFileSize: number;
  ignore: boolean;
  workers?: number;
  progress: boolean;
  /** `baseline create` scans without the baseline so accepted entries stay in the new file. */
  applyBaseline: boolean;
}

export const scanOptionSpec = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  report: { type: 'string', multiple: true },
  config: { type: 'string', short: 'c' },
  baseline: { type: 'string', short: 'b' },
  'fail-on': { type: 'string' },
  'max-file-size': { type: 'string' },
  'no-ignore': { type: 'boolean' },
  workers: { type: 'string' },
  'no-progress': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** `10MB`, `512k`, `1048576` -> bytes. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined)
    throw new UsageError(`--max-file-size: expected a size such as 10MB or 512KB, got "${value}"`);
  return Math.floor(Number(m[1]) * unit);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got "${value}"`);
}

function parseReports(values: unknown): Array<{ format: Format; path: string }> {
  const list = Array.isArray(values) ? (values as string[]) : [];
  return list.map((value) => {
    const cut = value.indexOf('=');
    if (cut <= 0 || cut === value.length - 1)
      throw new UsageError(`--report: expected FORMAT=FILE, got "${value}"`);
    return { format: oneOf('--report', value.slice(0, cut), FORMATS), path: value.slice(cut + 1) };
  });
}

export function parse(args: string[], options: ParseArgsConfig['options']) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parseScanOptions(
  args: string[],
  extra: ParseArgsConfig['options'] = {},
): { options: ScanOptions; values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const { values, positionals } = parse(args, { ...scanOptionSpec, ...extra });
  if (positionals.length > 1) throw new UsageError(`expected at most one PATH, got ${positionals.length}`);
  const v = values as Record<string, string | boolean | undefined>;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const workers = str('workers');
  if (workers !== undefined && !/^\d+$/.test(workers))
    throw new UsageError(`--workers: expected a number, got "${workers}"`);
  const result: ScanOptions = {
    path: positionals[0] ?? '.',
    format: oneOf('--format', str('format') ?? 'text', FORMATS),
    failOn: oneOf('--fail-on', str('fail-on') ?? 'low', [...SEVERITIES, 'none'] as const),
    maxFileSize: parseSize(str('max-file-size') ?? '10MB'),
    ignore: v['no-ignore'] !== true,
    progress: v['no-progress'] !== true,
    applyBaseline: true,
    reports: parseReports((values as Record<string, unknown>)['report']),
  };
  const output = str('output');
  const config = str('config');
  const baseline = str('baseline');
  if (output !== undefined) result.output = output;
  if (config !== undefined) result.config = config;
  if (baseline !== undefined) result.baseline = baseline;
  if (workers !== undefined) result.workers = Number(workers);
  return { options: result, values: v, positionals };
}
