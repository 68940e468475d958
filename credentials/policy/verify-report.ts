/**
 * `explain --verify`: the same checks Keyless runs before an exchange (check.ts: claims first, then
 * the signature), reported one line per check — what passed as well as what failed — instead of
 * stopping at the first error. Nothing here prints or sends the token.
 */
import { CredentialError } from '../types.js';
import type { IdentityToken } from '../types.js';
import { checkClaims } from './claims.js';
import type { ClaimExpectations, Expected } from './claims.js';
import { verifySignature } from './jwks.js';
import type { VerifyOptions } from './jwks.js';

export interface VerifyCheck {
  /** `signature`, `iss`, `aud`, `exp`, or a declared claim. */
  check: string;
  status: 'ok' | 'failed' | 'not-verified' | 'not-checked';
  expected?: string;
  actual?: string;
  /** Why it failed, or what was used (the key, the JWKS). */
  detail?: string;
}

export interface VerifyReport {
  /** Every check ok (a signature that could not be verified counts as not ok). */
  ok: boolean;
  checks: VerifyCheck[];
}

export interface VerifyReportOptions extends Omit<ClaimExpectations, 'claims'>, VerifyOptions {
  claims?: Record<string, Expected>;
  /** Verify the signature against the issuer's JWKS. */
  signature?: boolean;
}

const show = (value: unknown): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

const iso = (seconds: unknown): string | undefined =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : show(seconds);

export async function verifyReport(
  token: IdentityToken,
  options: VerifyReportOptions,
): Promise<VerifyReport> {
  const claims = token.claims;
  const report = checkClaims(claims, options);
  const failed = new Map(report.mismatches.map((m) => [m.claim, m]));
  const checks: VerifyCheck[] = [];
  const add = (check: string, expected: string | undefined, actual: string | undefined): void => {
    const m = failed.get(check);
    checks.push(
      m
        ? {
            check,
            status: 'failed',
            expected: m.expected,
            ...(m.actual !== undefined ? { actual: m.actual } : {}),
            detail: m.cause,
          }
        : { check, status: 'ok', ...(expected ? { expected } : {}), ...(actual ? { actual } : {}) },
    );
  };
  if (options.issuer !== undefined) add('iss', [options.issuer].flat().join(' | '), show(claims['iss']));
  if (options.audience !== undefined) add('aud', options.audience, show(claims['aud']));
  // Time claims are always checked (as before an exchange): expiry with its margin, nbf/iat skew.
  for (const claim of ['exp', 'nbf', 'iat'])
    if (claims[claim] !== undefined || failed.has(claim)) add(claim, undefined, iso(claims[claim]));
  for (const [claim, expected] of Object.entries(options.claims ?? {}))
    add(claim, [expected].flat().map(String).join(' | '), show(claims[claim]));

  if (!options.signature) {
    checks.unshift({ check: 'signature', status: 'not-checked', detail: 'give --verify to check it' });
  } else if (failed.has('iss')) {
    // As before an exchange: keys are not fetched from wherever an unexpected issuer points.
    checks.unshift({
      check: 'signature',
      status: 'not-checked',
      detail: 'the issuer is not an accepted one',
    });
  } else {
    try {
      const result = await verifySignature(token, options);
      checks.unshift(
        result.status === 'verified'
          ? {
              check: 'signature',
              status: 'ok',
              detail: `${result.alg}, key ${result.kid ?? '(no kid)'} of ${result.jwksUri}`,
            }
          : { check: 'signature', status: 'not-verified', detail: result.warning },
      );
    } catch (error) {
      if (!(error instanceof CredentialError)) throw error;
      checks.unshift({ check: 'signature', status: 'failed', detail: error.message });
    }
  }
  return { ok: checks.every((c) => c.status === 'ok' || c.status === 'not-checked'), checks };
}

const MARK: Record<VerifyCheck['status'], string> = {
  ok: 'ok',
  failed: 'FAILED',
  'not-verified': 'NOT VERIFIED',
  'not-checked': 'not checked',
};

/** One line per check, then expected/actual/cause under the failed ones. */
export function renderVerifyReport(report: VerifyReport): string[] {
  const width = Math.max(...report.checks.map((c) => c.check.length));
  const lines = [`Verification: ${report.ok ? 'passed' : 'FAILED'}`];
  for (const c of report.checks) {
    const head = `  ${c.check.padEnd(width)}  ${MARK[c.status]}`;
    if (c.status === 'ok') {
      const shown = c.detail ?? (c.actual !== undefined ? c.actual : '');
      lines.push(shown ? `${head}  ${shown}` : head);
      continue;
    }
    lines.push(c.detail && c.expected === undefined ? `${head}  ${c.detail}` : head);
    const pad = ' '.repeat(width + 4);
    if (c.expected !== undefined) {
      lines.push(`${pad}expected ${c.expected}`, `${pad}actual   ${c.actual ?? '(absent)'}`);
      if (c.detail) lines.push(`${pad}cause    ${c.detail}`);
    }
  }
  return lines;
}
