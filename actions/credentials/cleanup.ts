/**
 * The post step (runs after the job's other steps, also when they or main failed): revoke what can
 * be revoked, delete the credential files, empty the exported variables for any later post steps.
 * Problems become warnings: the job's outcome is decided by its own steps, and grants expire anyway.
 */
import { appendFile, rm } from 'node:fs/promises';

import { renderAuditLines, renderAuditMarkdown } from '../../credentials/audit.js';
import type { AuditRecord } from '../../credentials/audit.js';
import type { StepRuntime } from '../runtime.js';
import { azLogout, findAz } from './azure-cli.js';
import { revokeHandles } from './revoke.js';
import { parseState, STATE_NAME } from './state.js';
import type { RevocationHandle } from './state.js';

/** What was revoked, for the audit trail: where, never the token. */
function revokedWhat(handle: RevocationHandle): Record<string, string | string[]> {
  if (handle.kind === 'github') return { api: handle.apiUrl };
  return {
    address: handle.address,
    ...(handle.namespace ? { namespace: handle.namespace } : {}),
    ...(handle.leases.length ? { leases: handle.leases } : {}),
  };
}

/** One record per handle, also into `audit-file` (post sees the same inputs as main). */
async function auditRevocations(runtime: StepRuntime, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await runtime.appendSummary(`### Keyless credentials (post)\n\n${renderAuditMarkdown(records)}\n`);
  const file = runtime.input('audit-file').trim();
  if (file) await appendFile(file, renderAuditLines(records), { mode: 0o600 });
}

/** Signs the Azure CLI out of the step's private config directory (deleted with the other files). */
async function azureCliLogout(
  runtime: StepRuntime,
  configDir: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const az = await findAz(env);
  if (az === undefined) return;
  const failed = await azLogout(az, configDir, env);
  if (failed) runtime.warning(`keyless credentials post: ${failed}`);
  else runtime.info('az logout: done');
}

export async function runCredentialsPost(
  runtime: StepRuntime,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let state;
  try {
    state = parseState(runtime.state(STATE_NAME));
  } catch {
    runtime.warning('keyless credentials post: the state saved by main is unreadable; nothing to clean up');
    return;
  }
  for (const handle of state.revoke) {
    if (handle.token) runtime.mask(handle.token);
  }
  const records: AuditRecord[] = [];
  for (const handle of state.revoke) {
    const outcome = await revokeHandles([handle]);
    for (const what of outcome.revoked) runtime.info(`revoked: ${what}`);
    for (const message of outcome.failed)
      runtime.warning(`keyless credentials post: revoke failed: ${message}`);
    const base = {
      time: new Date().toISOString(),
      provider: handle.kind,
      who: {},
      what: revokedWhat(handle),
    };
    records.push(
      outcome.failed.length === 0
        ? { ...base, event: 'revoked' }
        : { ...base, event: 'revoke-failed', error: { kind: 'revoke', message: outcome.failed.join('; ') } },
    );
  }
  try {
    await auditRevocations(runtime, records);
  } catch (error) {
    runtime.warning(`keyless credentials post: cannot write the audit records: ${(error as Error).message}`);
  }
  if (state.azureConfigDir !== undefined) await azureCliLogout(runtime, state.azureConfigDir, env);
  for (const path of state.files) {
    try {
      await rm(path, { recursive: true, force: true });
      runtime.info(`deleted: ${path}`);
    } catch (error) {
      runtime.warning(
        `keyless credentials post: cannot delete ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  for (const name of state.env) runtime.exportVariable(name, '');
  if (state.env.length > 0) runtime.info(`emptied for later steps: ${state.env.join(', ')}`);
}
