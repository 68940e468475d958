import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import { expectMasksFirst, expectNowhere, REPO, ROLE, sha256, startFakes } from './credentials-fixtures.js';
import type { Fakes } from './credentials-fixtures.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(async () => {
  await fakes.close();
});

const aws = () => ({
  'aws-role': ROLE,
  'aws-region': 'eu-central-1',
  'aws-sts-endpoint': fakes.sts.endpoint,
});

describe('keyless credentials action: run mode, claim checks, failures', () => {
  it('runs one command with the credentials and exports nothing; the GitHub token is revoked when it ends', async () => {
    const command =
      'printf %s "$AWS_SECRET_ACCESS_KEY" | sha256sum | cut -c1-64 > "$RUNNER_TEMP/aws-seen"\n' +
      'printf %s "$GH_TOKEN" | sha256sum | cut -c1-64 > "$RUNNER_TEMP/gh-seen"\n' +
      'printf %s "${INPUT_RUN:-no inputs} ${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-no id token}" > "$RUNNER_TEMP/inputs-seen"';
    const run = await runCredentialsAction({
      inputs: {
        ...aws(),
        'github-sts': fakes.octo.url,
        'github-scope': REPO,
        'github-identity': 'deploy',
        run: command,
      },
      idToken: fakes.idToken,
      apiUrl: fakes.octo.url,
      between: () => expect(fakes.octo.revoked).toHaveLength(1),
    });
    expect(run.main.code).toBe(0);
    const session = [...fakes.sts.sessions.values()].at(-1)!;
    const [ghToken] = [...fakes.octo.tokens.keys()].slice(-1);
    expect(readFileSync(join(run.dir, 'aws-seen'), 'utf8').trim()).toBe(sha256(session.secret));
    expect(readFileSync(join(run.dir, 'gh-seen'), 'utf8').trim()).toBe(sha256(ghToken ?? ''));
    expect(readFileSync(join(run.dir, 'inputs-seen'), 'utf8')).toBe('no inputs no id token');
    expect(fakes.octo.revoked).toEqual([ghToken]);
    expect(run.main.env).toEqual({});
    expect(Object.keys(run.main.outputs).sort()).toEqual(
      ['aws-account-id', 'aws-arn', 'aws-default-region', 'aws-region', 'expires-at'].sort(),
    );
    expectMasksFirst(run.main, [session.secret, ghToken ?? '']);
    // Already revoked by main: post has nothing left and says nothing alarming.
    expect(run.post.code).toBe(0);
    expect(run.post.stdout).not.toContain('::warning::');
    expect(run.post.env).toEqual({});
    expectNowhere(run, [session.secret, session.sessionToken, ghToken ?? '']);
  });

  it("fails the step with the command's exit code; post still runs cleanly", async () => {
    const run = await runCredentialsAction({
      inputs: { ...aws(), run: 'test -n "$AWS_SESSION_TOKEN" && exit 3' },
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toContain('::error::keyless credentials: run: the command exited with 3');
    expect(run.post.code).toBe(0);
    expect(run.post.stdout).not.toMatch(/::(warning|error)::/);
  });

  it('post revokes what main obtained even when main failed after the exchange', async () => {
    const run = await runCredentialsAction({
      inputs: {
        'vault-url': fakes.vault.address,
        'vault-role': 'ledger',
        'vault-audience': 'https://vault.northwind-labs.dev',
        'vault-secrets': 'database/creds/ledger password | DB_PASSWORD',
        // Unwritable: main fails at its very end, after exporting.
        'audit-file': '/proc/keyless-no-such-dir/audit.jsonl',
      },
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(1);
    const [token, session] = [...fakes.vault.tokens.entries()].at(-1)!;
    expect(session.leases).toHaveLength(1);
    expect(run.post.code).toBe(0);
    expect(fakes.vault.revokedLeases).toEqual(expect.arrayContaining(session.leases));
    expect(fakes.vault.revokedTokens).toContain(token);
    expect(run.post.env['DB_PASSWORD']).toBe('');
    expectNowhere(run, [token, fakes.vault.leases.get(session.leases[0] ?? '')?.['password'] ?? 'missing']);
  });

  it('refuses a token whose claims do not match, with the claim report, before any exchange', async () => {
    const stsBefore = fakes.sts.calls.length;
    const vaultBefore = fakes.vault.requests.length;
    const run = await runCredentialsAction({
      inputs: {
        ...aws(),
        'vault-url': fakes.vault.address,
        'vault-role': 'ledger',
        'vault-secrets': 'secret/data/ci/ledger api_key | LEDGER_KEY',
        'expect-repository': 'northwind-labs/billing-api',
      },
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(1);
    const error = run.main.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toContain('repository');
    expect(error).toContain('northwind-labs/billing-api');
    expect(error).toContain(REPO);
    expect(fakes.sts.calls.length).toBe(stsBefore);
    expect(fakes.vault.requests.length).toBe(vaultBefore);
    expect(run.main.summary).toContain('refused');
    expect(run.main.env).toEqual({});
    expect(run.post.code).toBe(0);
    expect(run.post.stdout).not.toMatch(/::(warning|error)::/);
  });

  it('rejects an unknown export mode and an unknown input by name', async () => {
    const bad = await runCredentialsAction({
      inputs: { ...aws(), export: 'clipboard' },
      idToken: fakes.idToken,
    });
    expect(bad.main.code).toBe(1);
    expect(bad.main.stdout).toContain(
      'input export: expected one of env, outputs, file, none, got "clipboard"',
    );
    const typo = await runCredentialsAction({
      inputs: { ...aws(), 'aws-rgion': 'x' },
      idToken: fakes.idToken,
    });
    expect(typo.main.code).toBe(1);
    expect(typo.main.stdout).toContain('aws-rgion');
    expect(typo.post.code).toBe(0);
  });

  it('explain: only prints the claims and the AWS trust policy, and exchanges nothing', async () => {
    const before = fakes.sts.calls.length;
    const run = await runCredentialsAction({ inputs: { ...aws(), explain: 'only' }, idToken: fakes.idToken });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain('"repository": "northwind-labs/ledger-api"');
    expect(run.main.stdout).toContain('AssumeRoleWithWebIdentity');
    expect(fakes.sts.calls.length).toBe(before);
    expect(run.main.env).toEqual({});
  });
});
