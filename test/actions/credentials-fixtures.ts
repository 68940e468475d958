/** Shared set-up of the credentials action tests: issuer, id-token endpoint, provider fakes, leak checks. */
import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { FakeOctoSts } from '../fakes/octo-sts.js';
import { LEDGER_ACCOUNT, LEDGER_ROLE, REPO, STS_AUD, VAULT_AUD } from '../helpers/cloud-ids.js';
import { startFakeClouds, vaultRole } from '../helpers/fake-clouds.js';
import type { CloudsSpec, FakeClouds, TrustFor } from '../helpers/fake-clouds.js';
import type { CredentialsRun, StepRun } from '../helpers/run-credentials-action.js';

export { REPO, VAULT_AUD };
export const ACCOUNT = LEDGER_ACCOUNT;
export const ROLE = LEDGER_ROLE;
export const KV_KEY = 'Tq7mW2xRb9LkP4vZc8NhJ3sF';

/** Every action test's fakes: id-token endpoint, STS, Vault and octo-sts, all trusting `REPO` only. */
function baseSpec(trust: TrustFor) {
  return {
    idToken: true,
    sts: { [ROLE]: { webIdentity: trust([STS_AUD], { repository: REPO }) } },
    vault: {
      roles: {
        ledger: vaultRole(trust(VAULT_AUD), ['secret/data/ci/', 'database/creds/']),
      },
      kv2: { 'ci/ledger': { api_key: KV_KEY } },
    },
    octoSts: { [`${REPO}/deploy`]: trust(['127.0.0.1'], { repository: REPO }) },
  } satisfies CloudsSpec;
}

export type Fakes<S extends CloudsSpec = object> = FakeClouds<ReturnType<typeof baseSpec> & S> & {
  octo: FakeOctoSts;
};

/** The base fakes plus whatever `more` adds (the action tests start every fake they use here). */
export async function startFakes<S extends CloudsSpec = object>(
  more?: (trust: TrustFor) => S,
): Promise<Fakes<S>> {
  const clouds = await startFakeClouds((trust) => ({ ...baseSpec(trust), ...(more?.(trust) as S) }));
  return Object.assign(clouds, { octo: clouds.octoSts });
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
