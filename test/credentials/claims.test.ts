import { describe, expect, it } from '@jest/globals';
import { checkClaims, formatClaimReport } from '../../credentials/policy/claims.js';
import { githubClaims, gitlabClaims } from '../fakes/oidc-issuer.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const now = NOW.getTime() / 1000;
const GH = 'https://token.actions.githubusercontent.com';
const gh = (o: Record<string, unknown> = {}) =>
  githubClaims(GH, { iat: now - 5, nbf: now - 5, exp: now + 300, ...o });

describe('checkClaims', () => {
  it('accepts a matching token with globs and lists', () => {
    const report = checkClaims(gh(), {
      now: NOW,
      issuer: `${GH}/`,
      audience: 'sts.amazonaws.com',
      claims: {
        repository: 'northwind-labs/ledger-api',
        sub: 'repo:northwind-labs/*:environment:production',
        ref: ['refs/heads/release', 'refs/heads/main'],
        ref_protected: true,
      },
    });
    expect(report).toEqual({ ok: true, mismatches: [] });
  });

  it('reports each mismatch with expected, actual and cause', () => {
    const report = checkClaims(gh({ aud: 'https://github.com/northwind-labs', ref: 'refs/heads/dev' }), {
      now: NOW,
      audience: 'sts.amazonaws.com',
      claims: { ref: 'refs/heads/main', environment: 'staging', project_path: 'a/b' },
    });
    expect(report.ok).toBe(false);
    expect(report.mismatches.map((m) => [m.claim, m.expected, m.actual])).toEqual([
      ['aud', 'sts.amazonaws.com', 'https://github.com/northwind-labs'],
      ['ref', 'refs/heads/main', 'refs/heads/dev'],
      ['environment', 'staging', 'production'],
      ['project_path', 'a/b', undefined],
    ]);
    expect(report.mismatches[0]!.cause).toContain('id_tokens.<NAME>.aud');
    expect(report.mismatches[1]!.cause).toBe('the job ran on another branch or tag than the one declared');
    expect(report.mismatches[3]!.cause).toBe('the token has no "project_path" claim');
  });

  it('does not let * in a value act as a wildcard in the token, and * spans / and :', () => {
    expect(
      checkClaims(gh({ sub: 'repo:*' }), { now: NOW, claims: { sub: 'repo:northwind-labs/x' } }).ok,
    ).toBe(false);
    expect(checkClaims(gh(), { now: NOW, claims: { sub: 'repo:*' } }).ok).toBe(true);
    expect(checkClaims(gh(), { now: NOW, claims: { sub: 'repo:northwind-labs/ledger-api:ref:*' } }).ok).toBe(
      false,
    );
  });

  it('fails an expired token, and one about to expire within the margin', () => {
    const expired = checkClaims(gh({ exp: now - 30 }), { now: NOW });
    expect(expired.mismatches).toEqual([
      {
        claim: 'exp',
        expected: 'after 2026-09-01T12:00:00Z',
        actual: '2026-09-01T11:59:30Z',
        cause:
          'the token expired 30 s ago: request it right before the exchange (a re-run job gets a fresh one)',
      },
    ]);
    const soon = checkClaims(gh({ exp: now + 45 }), { now: NOW });
    expect(soon.mismatches[0]).toMatchObject({
      claim: 'exp',
      expected: 'at least 60 s of validity left',
      actual: '2026-09-01T12:00:45Z (45 s left)',
    });
    expect(checkClaims(gh({ exp: now + 45 }), { now: NOW, expiryMarginSeconds: 30 }).ok).toBe(true);
    expect(checkClaims(gh({ exp: undefined }), { now: NOW }).mismatches[0]!.claim).toBe('exp');
  });

  it('tolerates clock skew on nbf and iat, and names a runner clock behind the issuer', () => {
    expect(checkClaims(gh({ nbf: now + 50, iat: now + 50 }), { now: NOW }).ok).toBe(true);
    const ahead = checkClaims(gh({ nbf: now + 120 }), { now: NOW, clockSkewSeconds: 60 });
    expect(ahead.mismatches).toEqual([
      {
        claim: 'nbf',
        expected: 'not after 2026-09-01T12:01:00Z (now + 60 s skew)',
        actual: '2026-09-01T12:02:00Z',
        cause: "the token is not valid yet: the runner's clock is 120 s behind the issuer's",
      },
    ]);
    expect(checkClaims(gh({ iat: now + 120 }), { now: NOW }).mismatches[0]!.cause).toContain(
      'issued in the future',
    );
  });

  it('checks the issuer and a list audience', () => {
    const gl = gitlabClaims('https://gitlab.com', {
      iat: now,
      nbf: now,
      exp: now + 600,
      aud: ['a', 'https://vault.x'],
    });
    const report = checkClaims(gl, {
      now: NOW,
      issuer: GH,
      audience: 'https://vault.x',
      claims: { ref_protected: true },
    });
    expect(report.mismatches.map((m) => m.claim)).toEqual(['iss']);
    expect(report.mismatches[0]!.cause).toContain('self-managed GitLab');
    const unprotected = checkClaims(
      { ...gl, ref_protected: 'false' },
      { now: NOW, claims: { ref_protected: true } },
    );
    expect(unprotected.mismatches[0]).toMatchObject({
      claim: 'ref_protected',
      expected: 'true',
      actual: 'false',
    });
  });

  it('formats a report that names the source and never the token', () => {
    const report = checkClaims(gh({ environment: 'dev' }), {
      now: NOW,
      claims: { environment: 'production' },
    });
    expect(formatClaimReport(report, { source: 'variable CI_TOKEN' })).toBe(
      [
        'the token from variable CI_TOKEN does not match (1 claim(s)); it was not sent:',
        '  environment: expected production',
        '               actual   dev',
        '               cause    the job declares no `environment:` or another one; the claim exists only for jobs with an environment',
      ].join('\n'),
    );
  });
});
