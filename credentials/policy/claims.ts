import type { IdentityToken } from '../types.js';
import { globMatch } from './glob.js';

/** A declared expectation: one value (glob `*`/`?` allowed) or a list of which any may match. */
export type Expected = string | boolean | number | Array<string | boolean | number>;

export interface ClaimExpectations {
  /** The `aud` the provider's trust configuration expects. */
  audience?: string;
  /** Accepted issuers (exact; a trailing slash is ignored). */
  issuer?: string | string[];
  /** User-declared claims: `repository`, `ref`, `environment`, `sub`, `project_path`, `ref_protected`... */
  claims?: Record<string, Expected>;
  /** The token must stay valid at least this long for the exchange. Default 60 s. */
  expiryMarginSeconds?: number;
  /** Tolerated difference between the runner's clock and the issuer's. Default 60 s. */
  clockSkewSeconds?: number;
  now?: Date;
}

export interface ClaimMismatch {
  claim: string;
  expected: string;
  /** `undefined` when the token lacks the claim. */
  actual: string | undefined;
  /** What in the job or the trust configuration most likely causes the difference. */
  cause: string;
}

export interface ClaimReport {
  ok: boolean;
  mismatches: ClaimMismatch[];
}

const show = (value: unknown): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

const CAUSES: Record<string, string> = {
  sub:
    'the subject encodes the event, branch/tag and environment of the job: a pull_request job gets ' +
    '`repo:O/R:pull_request`, a job with `environment:` gets `:environment:E` instead of `:ref:...`; ' +
    'the trust policy or the declared expectation names a different one',
  repository: 'the token comes from another repository (a fork, a copied workflow, or a renamed repository)',
  repository_id: 'the token comes from another repository, or the repository was re-created (new id)',
  repository_owner: 'the repository belongs to another owner (transferred or forked)',
  ref: 'the job ran on another branch or tag than the one declared',
  environment:
    'the job declares no `environment:` or another one; the claim exists only for jobs with an environment',
  ref_protected: 'the branch or tag is not protected, so a protected-only trust configuration refuses it',
  project_path: 'the token comes from another GitLab project (forked, moved or renamed)',
  namespace_path: 'the project lives in another group (moved or forked)',
  job_workflow_ref: 'the job runs a different (reusable) workflow file or version than the one declared',
  event_name: 'the workflow was triggered by another event',
};

function declaredCause(claim: string): string {
  return CAUSES[claim] ?? `the token's ${claim} differs from the declared expectation`;
}

function matches(expected: Expected, actual: unknown): boolean {
  if (actual === undefined || actual === null) return false;
  const wanted = Array.isArray(expected) ? expected : [expected];
  const values = Array.isArray(actual) ? actual.map(String) : [String(actual)];
  return wanted.some((w) => values.some((v) => (typeof w === 'string' ? globMatch(w, v) : String(w) === v)));
}

function showExpected(expected: Expected): string {
  return Array.isArray(expected) ? expected.map(String).join(' | ') : String(expected);
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Time claims: expiry with a margin, not-before and issued-at with a clock-skew tolerance. */
function checkTimes(claims: Record<string, unknown>, options: ClaimExpectations, out: ClaimMismatch[]): void {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const margin = options.expiryMarginSeconds ?? 60;
  const skew = options.clockSkewSeconds ?? 60;
  const exp = claims['exp'];
  if (typeof exp !== 'number') {
    out.push({
      claim: 'exp',
      expected: 'a numeric expiry',
      actual: show(exp),
      cause: 'the token never expires or is malformed',
    });
  } else if (exp <= now) {
    out.push({
      claim: 'exp',
      expected: `after ${iso(now)}`,
      actual: iso(exp),
      cause: `the token expired ${now - exp} s ago: request it right before the exchange (a re-run job gets a fresh one)`,
    });
  } else if (exp - now < margin) {
    out.push({
      claim: 'exp',
      expected: `at least ${margin} s of validity left`,
      actual: `${iso(exp)} (${exp - now} s left)`,
      cause: 'the token is about to expire: request it right before the exchange',
    });
  }
  for (const claim of ['nbf', 'iat'] as const) {
    const value = claims[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number') {
      out.push({
        claim,
        expected: 'a number of seconds',
        actual: show(value),
        cause: 'the token is malformed',
      });
    } else if (value > now + skew) {
      out.push({
        claim,
        expected: `not after ${iso(now + skew)} (now + ${skew} s skew)`,
        actual: iso(value),
        cause: `the token is ${claim === 'nbf' ? 'not valid yet' : 'issued in the future'}: the runner's clock is ${value - now} s behind the issuer's`,
      });
    }
  }
}

/**
 * Checks a token's claims locally, before it is sent anywhere: audience, issuer, validity window,
 * and every declared expectation. The report lists each mismatch with expected and actual values.
 */
export function checkClaims(claims: Record<string, unknown>, options: ClaimExpectations = {}): ClaimReport {
  const out: ClaimMismatch[] = [];
  if (options.issuer !== undefined) {
    const issuers = (Array.isArray(options.issuer) ? options.issuer : [options.issuer]).map((i) =>
      i.replace(/\/+$/, ''),
    );
    const iss = claims['iss'];
    if (typeof iss !== 'string' || !issuers.includes(iss.replace(/\/+$/, '')))
      out.push({
        claim: 'iss',
        expected: issuers.join(' | '),
        actual: show(iss),
        cause:
          'the token comes from another issuer: a GitHub Enterprise Server (`https://HOST/_services/token`), a ' +
          'self-managed GitLab instance, or a GitHub enterprise with a customized issuer',
      });
  }
  if (options.audience !== undefined) {
    const aud = claims['aud'];
    const auds = Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : [];
    if (!auds.includes(options.audience))
      out.push({
        claim: 'aud',
        expected: options.audience,
        actual: show(aud),
        cause:
          'the token was requested for another audience: on GitHub the audience the step asks for, on GitLab ' +
          '`id_tokens.<NAME>.aud` in the job; it must equal the audience the trust configuration lists',
      });
  }
  checkTimes(claims, options, out);
  for (const [claim, expected] of Object.entries(options.claims ?? {})) {
    if (matches(expected, claims[claim])) continue;
    out.push({
      claim,
      expected: showExpected(expected),
      actual: show(claims[claim]),
      cause: claims[claim] === undefined ? `the token has no "${claim}" claim` : declaredCause(claim),
    });
  }
  return { ok: out.length === 0, mismatches: out };
}

/** The message a failed check raises: one block per claim, no token, no signature. */
export function formatClaimReport(report: ClaimReport, token: Pick<IdentityToken, 'source'>): string {
  const lines = [
    `the token from ${token.source} does not match (${report.mismatches.length} claim(s)); it was not sent:`,
  ];
  for (const m of report.mismatches) {
    lines.push(`  ${m.claim}: expected ${m.expected}`);
    lines.push(`  ${' '.repeat(m.claim.length)}  actual   ${m.actual ?? '(absent)'}`);
    lines.push(`  ${' '.repeat(m.claim.length)}  cause    ${m.cause}`);
  }
  return lines.join('\n');
}
