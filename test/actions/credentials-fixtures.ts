/** Shared set-up of the credentials action tests: issuer, id-token endpoint, provider fakes, leak checks. */
import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { startFakeSts } from '../fakes/aws-sts.js';
import type { FakeSts } from '../fakes/aws-sts.js';
import { startGithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import type { GithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import { startFakeOctoSts } from '../fakes/octo-sts.js';
import type { FakeOctoSts } from '../fakes/octo-sts.js';
import { startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';
import { startFakeVault } from '../fakes/vault.js';
import type { FakeVault } from '../fakes/vault.js';
import type { CredentialsRun, StepRun } from '../helpers/run-credentials-action.js';

export const ACCOUNT = '530817264913';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/ledger-deploy`;
export const REPO = 'northwind-labs/ledger-api';
export const VAULT_AUD = 'https://vault.northwind-labs.dev';
export const KV_KEY = 'Tq7mW2xRb9LkP4vZc8NhJ3sF';

export interface Fakes {
  issuer: OidcIssuer;
  idToken: GithubIdTokenEndpoint;
  sts: FakeSts;
  vault: FakeVault;
  octo: FakeOctoSts;
  close(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const issuer = await startOidcIssuer();
  const idToken = await startGithubIdTokenEndpoint(issuer);
  const trust = (audiences: string[]) => ({
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    audiences,
    claims: { repository: REPO },
  });
  const sts = await startFakeSts({ [ROLE]: { webIdentity: trust(['sts.amazonaws.com']) } });
  const vault = await startFakeVault({
    roles: {
      ledger: {
        issuer: issuer.issuer,
        jwksUri: issuer.jwksUri,
        boundAudiences: [VAULT_AUD],
        allow: ['secret/data/ci/', 'database/creds/'],
      },
    },
    kv2: { 'ci/ledger': { api_key: KV_KEY } },
  });
  const octo = await startFakeOctoSts({ [`${REPO}/deploy`]: trust(['127.0.0.1']) });
  return {
    issuer,
    idToken,
    sts,
    vault,
    octo,
    close: async () => {
      await Promise.all([idToken.close(), sts.close(), vault.close(), octo.close()]);
      await issuer.close();
    },
  };
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function stdoutLines(step: StepRun): string[] {
  return step.stdout.split('\n');
}

/**
 * Every secret's `::add-mask::` comes before any line other than mask commands and the toolkit's
 * `::debug::` lines of the id-token request.
 */
export function expectMasksFirst(step: StepRun, secrets: readonly string[]): void {
  const lines = stdoutLines(step);
  const firstOther = lines.findIndex(
    (line) => line !== '' && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'),
  );
  for (const secret of secrets) {
    const at = lines.indexOf(`::add-mask::${secret}`);
    expect(at).toBeGreaterThanOrEqual(0);
    if (firstOther >= 0) expect(at).toBeLessThan(firstOther);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** No secret in logs, summaries or leftover files; outputs too unless they are the export target. */
export function expectNowhere(
  run: CredentialsRun,
  secrets: readonly string[],
  opts: { outputs?: boolean } = {},
) {
  for (const step of [run.main, run.post]) {
    const stdout = stdoutLines(step)
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(stdout.includes(secret)).toBe(false);
      expect(step.stderr.includes(secret)).toBe(false);
      expect(step.summary.includes(secret)).toBe(false);
      if (!opts.outputs) expect(JSON.stringify(step.outputs).includes(secret)).toBe(false);
    }
  }
  // What is left in RUNNER_TEMP after post: the runner's own env/output files may hold values
  // (that is how GITHUB_ENV works), credential files must be gone.
  for (const file of filesUnder(run.dir)) {
    if (/(main|post)-(env|output|state)$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const secret of secrets) expect(text.includes(secret)).toBe(false);
  }
}
