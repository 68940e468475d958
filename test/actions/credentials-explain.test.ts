import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import { REPO, ROLE, startFakes } from './credentials-fixtures.js';
import type { Fakes } from './credentials-fixtures.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(async () => {
  await fakes.close();
});

const inputs = (extra: Record<string, string>) => ({
  'aws-role': ROLE,
  'aws-region': 'eu-central-1',
  'aws-sts-endpoint': fakes.sts.endpoint,
  explain: 'only',
  ...extra,
});

describe('credentials action: explain verifies the job token', () => {
  it('reports the signature against the issuer JWKS and each declared claim as passed', async () => {
    const run = await runCredentialsAction({
      inputs: inputs({
        'expect-repository': REPO,
        issuer: fakes.issuer.issuer,
        audience: 'sts.amazonaws.com',
      }),
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain('Verification: passed');
    expect(run.main.stdout).toMatch(
      / {2}signature +ok {2}RS256, key \S+ of http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks/,
    );
    expect(run.main.stdout).toMatch(/ {2}repository +ok {2}northwind-labs\/ledger-api/);
    expect(run.main.stdout).not.toContain('::warning::');
    expect(fakes.idToken.requests.at(-1)?.audience).toBe('sts.amazonaws.com');
  });

  it('lists a mismatching claim with expected, actual and cause, and warns', async () => {
    const calls = fakes.sts.calls.length;
    const run = await runCredentialsAction({
      inputs: inputs({ 'expect-repository': 'northwind-labs/payments', 'expect-ref': 'refs/heads/main' }),
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain('Verification: FAILED');
    expect(run.main.stdout).toMatch(
      / {2}repository +FAILED\n +expected northwind-labs\/payments\n +actual {3}northwind-labs\/ledger-api\n +cause {4}the token comes from another repository/,
    );
    expect(run.main.stdout).toMatch(/ {2}ref +ok {2}refs\/heads\/main/);
    expect(run.main.stdout).toContain(
      '::warning::keyless credentials explain: the job token fails the checks listed above',
    );
    expect(fakes.sts.calls.length).toBe(calls);
  });
});
