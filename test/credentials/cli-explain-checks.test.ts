/**
 * `keyless credentials explain --verify/--audience/--issuer/--expect`, run in-process (the local
 * issuer answers the JWKS fetch from this process, so a blocking child process cannot be used).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('keyless credentials explain --lint beyond AWS', () => {
  const file = (name: string, text: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'keyless-lint-')), name);
    writeFileSync(path, text);
    return path;
  };

  it('detects an octo-sts YAML policy and fails on subject_pattern .*', async () => {
    const path = file(
      'deploy.sts.yaml',
      "issuer: https://token.actions.githubusercontent.com\nsubject_pattern: '.*'\npermissions:\n  contents: write\n",
    );
    const result = await explain(['--lint', path], issuer.github());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Lint: 1 finding(s) (octo-sts)');
    expect(result.stdout).toContain(
      'CRITICAL subject-wildcard at subject_pattern: subject_pattern ".*" matches any subject',
    );
  });

  it('lints a Vault role as JSON, with --lint-kind, and a clean GCP provider exits 0', async () => {
    const role = file(
      'role.json',
      JSON.stringify({
        data: {
          role_type: 'jwt',
          bound_audiences: ['https://vault.northwind-labs.dev'],
          bound_claims: { repository_owner: 'northwind-labs' },
        },
      }),
    );
    const vault = await explain(
      ['--lint', role, '--lint-kind', 'vault', '--format', 'json'],
      issuer.github(),
    );
    expect(vault.code).toBe(0);
    const body = JSON.parse(vault.stdout) as { lintKind: string; lint: { severity: string; code: string }[] };
    expect(body.lintKind).toBe('vault');
    expect(body.lint.map((f) => [f.severity, f.code])).toEqual([['medium', 'name-based-claim']]);

    const gcp = file(
      'provider.json',
      JSON.stringify({
        attributeMapping: { 'google.subject': 'assertion.sub' },
        attributeCondition: "assertion.repository_id == '812934605'",
      }),
    );
    const clean = await explain(['--lint', gcp], issuer.github());
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('Lint: no findings (gcp)');
  });

  it('an unknown kind, an undetectable file and --lint-kind alone are usage errors', async () => {
    const odd = file('odd.json', '{"hello": "world"}');
    await expect(explain(['--lint', odd], issuer.github())).rejects.toThrow('give --lint-kind');
    await expect(explain(['--lint', odd, '--lint-kind', 'oracle'], issuer.github())).rejects.toThrow(
      '--lint-kind: expected one of aws, gcp, vault, octo-sts, got "oracle"',
    );
    await expect(explain(['--lint-kind', 'gcp'], issuer.github())).rejects.toThrow(
      '--lint-kind needs --lint FILE',
    );
  });
});
