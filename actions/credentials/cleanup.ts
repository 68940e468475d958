/**
 * The post step (runs after the job's other steps, also when they or main failed): revoke what can
 * be revoked, delete the credential files, empty the exported variables for any later post steps.
 * Problems become warnings: the job's outcome is decided by its own steps, and grants expire anyway.
 */
import { rm } from 'node:fs/promises';

import type { StepRuntime } from '../runtime.js';
import { revokeHandles } from './revoke.js';
import { parseState, STATE_NAME } from './state.js';

export async function runCredentialsPost(runtime: StepRuntime): Promise<void> {
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
  const outcome = await revokeHandles(state.revoke);
  for (const what of outcome.revoked) runtime.info(`revoked: ${what}`);
  for (const message of outcome.failed)
    runtime.warning(`keyless credentials post: revoke failed: ${message}`);
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
