/**
 * `keyless credentials explain --verify/--audience/--issuer/--expect`, run in-process (the local
 * issuer answers the JWKS fetch from this process, so a blocking child process cannot be used).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';

import { credentialsCommand } from '../../cli/commands/credentials.js';
import type { Io } from '../../cli/io.js';
import { otherRsaKey, startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';

let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await issuer.close();
});

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

async function explain(args: string[], token: string) {
  const out = sink();
  const err = sink();
  const io: Io = { stdout: out.stream, stderr: err.stream, env: { JOB_TOKEN: token } };
  const code = await credentialsCommand(
    ['explain', '--token-env', 'JOB_TOKEN', '--provider', 'aws', ...args],
    io,
  );
  return { code, stdout: out.text(), stderr: err.text() };
}

const noToken = (token: string, text: string) => {
  expect(text).not.toContain(token);
  expect(text).not.toContain(token.split('.')[2]!);
};

describe('keyless credentials explain --verify', () => {
  it('exit 0 and a passed report when signature, audience, issuer and expectations hold', async () => {
    const token = issuer.github({ aud: 'sts.amazonaws.com' });
    const result = await explain(
      [
        '--verify',
        '--audience',
        'sts.amazonaws.com',
        '--issuer',
        issuer.issuer,
        '--expect',
        'repository=northwind-labs/ledger-api',
        '--expect',
        'environment=staging|production',
      ],
      token,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\nVerification: passed\n');
    expect(result.stdout).toMatch(
      /\n {2}signature +ok {2}RS256, key \S+ of http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\n/,
    );
    expect(result.stdout).toMatch(/\n {2}environment +ok {2}production\n/);
    expect(result.stdout).toContain('AWS IAM role trust policy (aws):');
    noToken(token, result.stdout + result.stderr);
  });

  it('exit 1 with the mismatching aud and the bad signature, as JSON too', async () => {
    const token = issuer.github({ aud: 'https://vault.northwind-labs.dev' }, { signWith: otherRsaKey() });
    const text = await explain(['--verify', '--audience', 'sts.amazonaws.com'], token);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Verification: FAILED');
    expect(text.stdout).toMatch(
      / {2}aud +FAILED\n +expected sts\.amazonaws\.com\n +actual {3}https:\/\/vault\.northwind-labs\.dev\n/,
    );
    expect(text.stdout).toMatch(
      / {2}signature +FAILED {2}the token from variable JOB_TOKEN failed signature verification/,
    );

    const json = await explain(['--verify', '--audience', 'sts.amazonaws.com', '--format', 'json'], token);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout) as {
      verification: { ok: boolean; checks: { check: string; status: string }[] };
    };
    expect(body.verification.ok).toBe(false);
    expect(body.verification.checks.filter((c) => c.status === 'failed').map((c) => c.check)).toEqual([
      'signature',
      'aud',
    ]);
    noToken(token, text.stdout + json.stdout);
  });

  it('--audience alone checks claims without fetching keys; no flag means no report', async () => {
    issuer.requests.length = 0;
    const token = issuer.github({ aud: 'sts.amazonaws.com' });
    const result = await explain(['--audience', 'sts.amazonaws.com'], token);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ {2}signature +not checked {2}give --verify to check it/);
    expect(issuer.requests).toEqual([]);
    const plain = await explain([], token);
    expect(plain.stdout).not.toContain('Verification:');
  });

  it('--expect without = is a usage error', async () => {
    await expect(explain(['--expect', 'repository'], issuer.github())).rejects.toThrow(
      '--expect: expected CLAIM=VALUE, got "repository"',
    );
  });
});
