/**
 * `az login` with the job token, for steps that use the Azure CLI rather than an access token. The
 * CLI takes a federated token only as the `--federated-token` argument (it reads no token file;
 * Azure/azure-cli#26858), so the argument is passed without a shell, never logged, and scrubbed from
 * whatever az prints. It is visible in the process list for the seconds `az login` runs, to
 * processes of the same user — which on a runner can request job tokens themselves anyway. The CLI's
 * login lives in a private AZURE_CONFIG_DIR under RUNNER_TEMP: `az logout` and deleting the
 * directory in post leave nothing in ~/.azure.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

import { scrub } from '../../credentials/redact.js';
import { CredentialError } from '../../credentials/types.js';

export const AZURE_CLI_MODES = ['auto', 'true', 'false'] as const;
export type AzureCliMode = (typeof AZURE_CLI_MODES)[number];

/** The `az` executable on PATH, if any (POSIX only: on Windows az is a .cmd that needs a shell). */
export async function findAz(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  if (platform === 'win32') return undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'az');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface AzResult {
  code: number;
  stderr: string;
}

function runAz(az: string, args: string[], env: NodeJS.ProcessEnv, secrets: string[]): Promise<AzResult> {
  // No shell: the token is one argv entry, never parsed, expanded or echoed by a shell.
  const child = spawn(az, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 20_000) stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) =>
      reject(new CredentialError(`az: cannot start ${az}: ${error.message}`, 'config')),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stderr: scrub(stderr.trim(), secrets, 600) }));
  });
}

export interface AzLogin {
  az: string;
  configDir: string;
  tenantId: string;
  clientId: string;
  subscriptionId?: string;
  /** The job token for the Entra federated credential (aud api://AzureADTokenExchange). */
  federatedToken: string;
  env: NodeJS.ProcessEnv;
}

/** The environment az runs in: the step's, with the private config directory. */
export function azEnv(env: NodeJS.ProcessEnv, configDir: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    // az needs neither the step's inputs nor the means to mint more job tokens.
    if (/^(INPUT_|STATE_|ACTIONS_ID_TOKEN_REQUEST_)/.test(name)) continue;
    out[name] = value;
  }
  out['AZURE_CONFIG_DIR'] = configDir;
  out['AZURE_CORE_NO_COLOR'] = 'true';
  return out;
}

export async function azLogin(login: AzLogin): Promise<void> {
  const env = azEnv(login.env, login.configDir);
  const secrets = [login.federatedToken];
  const result = await runAz(
    login.az,
    [
      'login',
      '--service-principal',
      '--username',
      login.clientId,
      '--tenant',
      login.tenantId,
      '--federated-token',
      login.federatedToken,
      '--allow-no-subscriptions',
      '--output',
      'none',
    ],
    env,
    secrets,
  );
  if (result.code !== 0)
    throw new CredentialError(
      `az login --service-principal failed (exit ${result.code})${result.stderr ? `: ${result.stderr}` : ''} — set azure-cli-login: false if this step does not need the Azure CLI`,
      'auth',
    );
  if (login.subscriptionId === undefined) return;
  const set = await runAz(
    login.az,
    ['account', 'set', '--subscription', login.subscriptionId, '--output', 'none'],
    env,
    secrets,
  );
  if (set.code !== 0)
    throw new CredentialError(
      `az account set --subscription ${login.subscriptionId} failed (exit ${set.code})${set.stderr ? `: ${set.stderr}` : ''} — is the subscription visible to client ${login.clientId}?`,
      'config',
    );
}

/** `az logout` in the private config directory; the caller deletes the directory afterwards. */
export async function azLogout(
  az: string,
  configDir: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const result = await runAz(az, ['logout', '--output', 'none'], azEnv(env, configDir), []);
  return result.code === 0
    ? undefined
    : `az logout failed (exit ${result.code})${result.stderr ? `: ${result.stderr}` : ''}`;
}
