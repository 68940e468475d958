import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { identityToken } from '../../credentials/identity/jwt.js';
import { renderVerifyReport, verifyReport } from '../../credentials/policy/verify-report.js';
import { otherRsaKey, startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';

let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await issuer.close();
});

describe('verifyReport', () => {
  it('reports every check as ok for a good token: signature, iss, aud, times, declared claims', async () => {
    const token = identityToken(issuer.github({ aud: 'sts.amazonaws.com' }), 'file t');
    const report = await verifyReport(token, {
      signature: true,
      issuer: issuer.issuer,
      audience: 'sts.amazonaws.com',
      claims: { repository: 'northwind-labs/*', ref_protected: true },
    });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.check, c.status])).toEqual([
      ['signature', 'ok'],
      ['iss', 'ok'],
      ['aud', 'ok'],
      ['exp', 'ok'],
      ['nbf', 'ok'],
      ['iat', 'ok'],
      ['repository', 'ok'],
      ['ref_protected', 'ok'],
    ]);
    expect(report.checks[0]!.detail).toBe(`RS256, key ${issuer.kids.RS256} of ${issuer.jwksUri}`);
    const lines = renderVerifyReport(report);
    expect(lines[0]).toBe('Verification: passed');
    expect(lines).toContain('  aud            ok  sts.amazonaws.com');
    expect(lines.join('\n')).not.toContain(token.raw.split('.')[2]!);
  });

  it('lists a wrong audience and a forged signature together, each with expected and actual', async () => {
    const token = identityToken(
      issuer.github({ aud: 'api://AzureADTokenExchange' }, { signWith: otherRsaKey() }),
      't',
    );
    const report = await verifyReport(token, { signature: true, audience: 'sts.amazonaws.com' });
    expect(report.ok).toBe(false);
    const byCheck = Object.fromEntries(report.checks.map((c) => [c.check, c]));
    expect(byCheck['signature']).toMatchObject({ status: 'failed' });
    expect(byCheck['signature']!.detail).toContain('the signature does not match key');
    expect(byCheck['aud']).toMatchObject({
      status: 'failed',
      expected: 'sts.amazonaws.com',
      actual: 'api://AzureADTokenExchange',
    });
    const text = renderVerifyReport(report).join('\n');
    expect(text).toContain('Verification: FAILED');
    expect(text).toMatch(
      / {2}aud +FAILED\n +expected sts\.amazonaws\.com\n +actual {3}api:\/\/AzureADTokenExchange\n +cause {4}the token was requested for another audience/,
    );
  });

  it('does not fetch keys for an unexpected issuer, and says when the issuer cannot be reached', async () => {
    issuer.requests.length = 0;
    const token = identityToken(issuer.github(), 't');
    const wrong = await verifyReport(token, {
      signature: true,
      issuer: 'https://token.actions.githubusercontent.com',
    });
    expect(wrong.checks[0]).toEqual({
      check: 'signature',
      status: 'not-checked',
      detail: 'the issuer is not an accepted one',
    });
    expect(issuer.requests).toEqual([]);
    issuer.failWith = 503;
    try {
      const down = await verifyReport(token, { signature: true });
      expect(down.ok).toBe(false);
      expect(down.checks[0]).toMatchObject({ check: 'signature', status: 'not-verified' });
    } finally {
      issuer.failWith = undefined;
    }
  });

  it('without --verify the signature is not checked and an expired token still fails', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = identityToken(issuer.github({ exp: now - 30, iat: now - 400, nbf: now - 400 }), 't');
    const report = await verifyReport(token, {});
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ check: 'signature', status: 'not-checked' });
    expect(report.checks.find((c) => c.check === 'exp')).toMatchObject({ status: 'failed' });
  });
});
