/**
 * The step's inputs: the action's own (`export`, `run`, `audit-file`, `explain`) and every request key
 * (`aws-role`, `vault-secrets`, `expect-<claim>`...), read straight from the runner's `INPUT_*`
 * variables so `expect-<any claim>` works without being declared.
 */
import { parseRequest } from '../../credentials/request.js';
import type { CredentialsRequest } from '../../credentials/request.js';
import { CredentialError } from '../../credentials/types.js';
import { AZURE_CLI_MODES } from './azure-cli.js';
import type { AzureCliMode } from './azure-cli.js';
import { EXPORT_MODES } from './expose.js';
import type { ExportMode } from './expose.js';

export const ACTION_KEYS = ['export', 'run', 'audit-file', 'explain', 'azure-cli-login'] as const;
export const EXPLAIN_MODES = ['false', 'true', 'only'] as const;
export type ExplainMode = (typeof EXPLAIN_MODES)[number];

export interface CredentialsInputs {
  request: CredentialsRequest;
  exportMode: ExportMode;
  run?: string;
  auditFile?: string;
  explain: ExplainMode;
  /** `az login` with the job token: `auto` when az is on PATH, `true` requires it, `false` never. */
  azureCliLogin: AzureCliMode;
  /** Whether the user asked for VAULT_TOKEN; the step always takes it, to revoke it in post. */
  exportVaultToken: boolean;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CredentialError(`input ${name}: expected one of ${allowed.join(', ')}, got "${value}"`, 'config');
}

/** `INPUT_AWS-ROLE` -> `aws-role` (the runner upper-cases names and turns spaces into `_`). */
export function inputsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('INPUT_') && value !== undefined) out[name.slice(6).toLowerCase()] = value.trim();
  }
  return out;
}

export function readCredentialsInputs(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv,
): CredentialsInputs {
  const request = parseRequest(inputs, { extraKeys: ACTION_KEYS });
  // The STS token is revoked against the API of the instance the job runs on (GHES included).
  const apiUrl = env['GITHUB_API_URL'];
  if (request.github && apiUrl && request.endpoints?.githubApi === undefined) {
    request.endpoints = { ...request.endpoints, githubApi: apiUrl };
  }
  const exportVaultToken = request.vault?.exportToken === true;
  if (request.vault) request.vault = { ...request.vault, exportToken: true };
  const run = inputs['run'] || undefined;
  const auditFile = inputs['audit-file'] || undefined;
  const exportMode = oneOf('export', inputs['export'] || 'env', EXPORT_MODES);
  if (run !== undefined && exportMode !== 'env' && exportMode !== 'none') {
    throw new CredentialError(
      `input export: "${exportMode}" cannot be combined with run (the command alone gets the credentials)`,
      'config',
    );
  }
  return {
    request,
    exportMode: run !== undefined ? 'none' : exportMode,
    explain: oneOf('explain', inputs['explain'] || 'false', EXPLAIN_MODES),
    azureCliLogin: oneOf('azure-cli-login', inputs['azure-cli-login'] || 'auto', AZURE_CLI_MODES),
    exportVaultToken,
    ...(run !== undefined ? { run } : {}),
    ...(auditFile !== undefined ? { auditFile } : {}),
  };
}
