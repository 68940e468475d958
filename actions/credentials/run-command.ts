/**
 * Just-in-time mode: one command runs with the credentials in its own environment; nothing is
 * exported to the job. Its output goes through the runner's log (masked like every step's output).
 */
import { spawn } from 'node:child_process';

import type { CredentialValue } from '../../credentials/types.js';

export async function runWithCredentials(
  command: string,
  values: readonly CredentialValue[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<number> {
  const childEnv: NodeJS.ProcessEnv = {};
  // The step's own inputs and state are not the command's business, and it gets the credentials,
  // not the means to mint more (the id-token request URL and bearer).
  for (const [name, value] of Object.entries(env)) {
    if (/^(INPUT_|STATE_|ACTIONS_ID_TOKEN_REQUEST_)/.test(name)) continue;
    childEnv[name] = value;
  }
  for (const v of values) childEnv[v.name] = v.value;
  const shell = process.platform === 'win32' ? 'pwsh' : 'bash';
  const args = process.platform === 'win32' ? ['-command', command] : ['-e', '-o', 'pipefail', '-c', command];
  const child = spawn(shell, args, { cwd, env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise<number>((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`run: cannot start ${shell}: ${error.message}`)));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
