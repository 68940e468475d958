import { readFileSync } from 'node:fs';
import { decodeJwt, identityToken } from '../../credentials/identity/jwt.js';
import type { Expected } from '../../credentials/policy/claims.js';
import { renderVerifyReport, verifyReport } from '../../credentials/policy/verify-report.js';
import type { VerifyReport } from '../../credentials/policy/verify-report.js';
import { EXPLAIN_PROVIDERS, explain } from '../../credentials/policy/explain/index.js';
import type { ExplainProvider, Explanation } from '../../credentials/policy/explain/index.js';
import type { LintFinding } from '../../credentials/policy/lint-aws.js';
import { LINT_KINDS, lintPolicy, parsePolicyText } from '../../credentials/policy/lint.js';
import type { LintKind } from '../../credentials/policy/lint.js';
import { parse } from '../args.js';
import { envCommand, execCommand } from './credentials-exec.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { Io } from '../io.js';

const SPEC = {
  'token-file': { type: 'string' },
  'token-env': { type: 'string' },
  provider: { type: 'string', multiple: true },
  lint: { type: 'string' },
  'lint-kind': { type: 'string' },
  'aws-account-id': { type: 'string' },
  format: { type: 'string', short: 'f' },
  verify: { type: 'boolean' },
  audience: { type: 'string' },
  issuer: { type: 'string', multiple: true },
  expect: { type: 'string', multiple: true },
} as const;

/** `--expect claim=value` (repeatable; `a|b` = any of; `true`/`false` as in expect-* keys). */
function expectations(values: string[]): Record<string, Expected> {
  const out: Record<string, Expected> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--expect: expected CLAIM=VALUE, got "${item}"`);
    const value = item.slice(eq + 1);
    const many = value.split('|').map((v) => (v === 'true' ? true : v === 'false' ? false : v));
    out[item.slice(0, eq)] = many.length > 1 ? many : many[0]!;
  }
  return out;
}

/** `--verify`, `--audience`, `--issuer`, `--expect`: the pre-exchange checks as a report (undefined: none asked). */
async function verification(
  v: Record<string, unknown>,
  raw: string,
  source: string,
): Promise<VerifyReport | undefined> {
  const audience = v['audience'] as string | undefined;
  const issuer = v['issuer'] as string[] | undefined;
  const expect = expectations((v['expect'] as string[] | undefined) ?? []);
  const asked = v['verify'] === true || audience !== undefined || issuer !== undefined;
  if (!asked && Object.keys(expect).length === 0) return undefined;
  return verifyReport(identityToken(raw, source), {
    signature: v['verify'] === true,
    ...(audience !== undefined ? { audience } : {}),
    ...(issuer !== undefined ? { issuer: issuer.flatMap((i) => i.split(',')) } : {}),
    ...(Object.keys(expect).length > 0 ? { claims: expect } : {}),
  });
}

function readToken(values: Record<string, unknown>, io: Io): { raw: string; source: string } {
  const file = values['token-file'] as string | undefined;
  const env = values['token-env'] as string | undefined;
  if (file && env) throw new UsageError('credentials explain: give --token-file or --token-env, not both');
  if (file) {
    try {
      return { raw: readFileSync(file, 'utf8'), source: `file ${file}` };
    } catch (error) {
      throw new UsageError(
        `--token-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  if (!env) throw new UsageError('credentials explain: --token-file FILE or --token-env NAME is required');
  const raw = io.env[env];
  if (!raw) throw new UsageError(`--token-env: the variable ${env} is not set or empty`);
  return { raw, source: `variable ${env}` };
}

function lintFile(path: string, kind: string | undefined): { kind: LintKind; findings: LintFinding[] } {
  if (kind !== undefined && !(LINT_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`--lint-kind: expected one of ${LINT_KINDS.join(', ')}, got "${kind}"`);
  let policy: unknown;
  try {
    policy = parsePolicyText(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--lint: cannot read ${path} as JSON or YAML: ${(error as Error).message}`);
  }
  try {
    return lintPolicy(policy, kind as LintKind | undefined);
  } catch (error) {
    throw new UsageError(`--lint: ${path}: ${(error as Error).message}`);
  }
}

function renderText(
  claims: Record<string, unknown>,
  header: Record<string, unknown>,
  result: Explanation,
  linted: { kind: LintKind; findings: LintFinding[] } | undefined,
  verified: VerifyReport | undefined,
): string {
  const out: string[] = [
    `Token: ${result.shape.kind} job token, alg ${String(header['alg'])}, issuer ${result.shape.issuer}`,
    '',
    'Claims:',
  ];
  const width = Math.max(...Object.keys(claims).map((k) => k.length));
  for (const name of Object.keys(claims).sort()) {
    const value = claims[name];
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    const when =
      (name === 'exp' || name === 'iat' || name === 'nbf') && typeof value === 'number'
        ? `  (${new Date(value * 1000).toISOString()})`
        : '';
    out.push(`  ${name.padEnd(width)}  ${shown}${when}`);
  }
  if (verified) out.push('', ...renderVerifyReport(verified));
  for (const p of result.providers) {
    out.push('', `${p.title} (${p.provider}):`, JSON.stringify(p.config, null, 2));
    for (const note of p.notes) out.push(`  - ${note}`);
  }
  if (linted) {
    const lint = linted.findings;
    out.push(
      '',
      `${lint.length === 0 ? 'Lint: no findings' : `Lint: ${lint.length} finding(s)`} (${linted.kind})`,
    );
    for (const f of lint)
      out.push(`  ${f.severity.toUpperCase()} ${f.code} at ${f.where}: ${f.message}`, `    fix: ${f.fix}`);
  }
  return `${out.join('\n')}\n`;
}

/** `keyless credentials explain`: claims of a job token and the trust configuration it needs. */
async function explainCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, SPEC);
  if (positionals.length > 0)
    throw new UsageError(`credentials explain: unexpected argument "${positionals[0]}"`);
  const v = values as Record<string, unknown>;
  const format = (v['format'] as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format: expected one of text, json, got "${format}"`);
  const providers = ((v['provider'] as string[] | undefined) ?? []).flatMap((p) => p.split(','));
  for (const p of providers)
    if (!(EXPLAIN_PROVIDERS as readonly string[]).includes(p))
      throw new UsageError(`--provider: expected one of ${EXPLAIN_PROVIDERS.join(', ')}, got "${p}"`);
  const { raw, source } = readToken(v, io);
  // Decoded: explain never prints or sends the token (--verify fetches only the issuer's public keys).
  const { header, claims } = decodeJwt(raw, source);
  const accountId = v['aws-account-id'] as string | undefined;
  const result = explain(claims, {
    ...(providers.length > 0 ? { providers: providers as ExplainProvider[] } : {}),
    ...(accountId ? { aws: { accountId } } : {}),
  });
  const linted = v['lint'] ? lintFile(v['lint'] as string, v['lint-kind'] as string | undefined) : undefined;
  if (!v['lint'] && v['lint-kind']) throw new UsageError('--lint-kind needs --lint FILE');
  const verified = await verification(v, raw, source);
  if (format === 'json') {
    const body = {
      source,
      header: { alg: header['alg'], kid: header['kid'], typ: header['typ'] },
      kind: result.shape.kind,
      claims,
      providers: result.providers,
      ...(linted ? { lint: linted.findings, lintKind: linted.kind } : {}),
      ...(verified ? { verification: verified } : {}),
    };
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    io.stdout.write(renderText(claims, header, result, linted, verified));
  }
  const lintFails = linted?.findings.some((f) => f.severity === 'critical' || f.severity === 'high') ?? false;
  return lintFails || (verified !== undefined && !verified.ok) ? EXIT.findings : EXIT.ok;
}

export async function credentialsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'explain') return explainCommand(rest, io);
  if (sub === 'exec') return execCommand(rest, io);
  if (sub === 'env') return envCommand(rest, io);
  throw new UsageError(
    sub
      ? `credentials: unknown subcommand "${sub}"`
      : 'credentials: expected a subcommand (explain, exec, env)',
  );
}
