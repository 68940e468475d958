/**
 * The credentials step's main: job token -> claim checks -> exchanges (credentials/exchange.ts), then
 * every secret is masked before anything else happens, the post step's cleanup list is saved before
 * anything is exported, and the values go where `export` says (or only to the `run` command).
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { renderAuditLines, renderAuditMarkdown } from '../../credentials/audit.js';
import type { AuditRecord } from '../../credentials/audit.js';
import { obtainCredentials, revokeAll } from '../../credentials/exchange.js';
import { identityToken } from '../../credentials/identity/index.js';
import { JwksCache } from '../../credentials/policy/jwks-cache.js';
import { renderVerifyReport, verifyReport } from '../../credentials/policy/verify-report.js';
import { CredentialError } from '../../credentials/types.js';
import type { Credentials, IdentitySource } from '../../credentials/types.js';
import type { RunContext, StepRuntime } from '../runtime.js';
import { azLogin, azLogout, findAz } from './azure-cli.js';
import { explainLines } from './explain.js';
import { planExposure, writeFiles } from './expose.js';
import { inputsFromEnv, readCredentialsInputs } from './inputs.js';
import type { CredentialsInputs } from './inputs.js';
import { runWithCredentials } from './run-command.js';
import { emptyState, revocationHandle, STATE_NAME } from './state.js';
import type { PostState } from './state.js';

const VAULT_TOKEN_VALUES = new Set(['VAULT_TOKEN', 'VAULT_ADDR', 'VAULT_NAMESPACE']);

export interface CredentialsStep {
  runtime: StepRuntime;
  context: RunContext;
  env: NodeJS.ProcessEnv;
}

/** Every secret, and each line of a multi-line one (the runner masks line by line). */
function maskAll(runtime: StepRuntime, all: readonly Credentials[]): void {
  for (const v of all.flatMap((c) => c.values)) {
    if (!v.secret || v.value === '') continue;
    runtime.mask(v.value);
    for (const line of v.value.split(/\r?\n/))
      if (line.trim().length >= 4 && line !== v.value) runtime.mask(line);
  }
}

/** Vault's client token is always taken (to revoke it in post) but only exposed when asked for. */
function exposed(credentials: Credentials, inputs: CredentialsInputs): Credentials {
  if (credentials.provider !== 'vault' || inputs.exportVaultToken) return credentials;
  return { ...credentials, values: credentials.values.filter((v) => !VAULT_TOKEN_VALUES.has(v.name)) };
}

async function writeAudit(
  step: CredentialsStep,
  inputs: CredentialsInputs | undefined,
  records: AuditRecord[],
) {
  if (records.length === 0) return;
  await step.runtime.appendSummary(`### Keyless credentials\n\n${renderAuditMarkdown(records)}\n`);
  if (inputs?.auditFile) await appendFile(inputs.auditFile, renderAuditLines(records), { mode: 0o600 });
}

function identity(runtime: StepRuntime): IdentitySource {
  return {
    token: async (audience) => identityToken(await runtime.idToken(audience), 'GitHub Actions id-token'),
  };
}

export async function runCredentialsStep(step: CredentialsStep): Promise<void> {
  const { runtime, context, env } = step;
  const inputs = readCredentialsInputs(inputsFromEnv(env), env);
  const records: AuditRecord[] = [];
  const source = identity(runtime);

  if (inputs.explain !== 'false') {
    // The runner's default audience unless one is set: explain prints claims, it exchanges nothing.
    const raw = await runtime.idToken(inputs.request.audience);
    const token = identityToken(raw, 'GitHub Actions id-token');
    for (const line of explainLines(token.claims, inputs.request)) runtime.info(line);
    // The checks an exchange would run on this token (its aud is the runner's default unless
    // `audience` is set, so aud is checked only then), reported claim by claim.
    const report = await verifyReport(token, {
      signature: inputs.request.verify ?? true,
      ...(inputs.request.audience !== undefined ? { audience: inputs.request.audience } : {}),
      ...(inputs.request.issuer ? { issuer: inputs.request.issuer } : {}),
      ...(inputs.request.expect ? { claims: inputs.request.expect } : {}),
    });
    for (const line of ['', ...renderVerifyReport(report)]) runtime.info(line);
    if (!report.ok)
      runtime.warning('keyless credentials explain: the job token fails the checks listed above');
    if (inputs.explain === 'only') return;
  }

  // Decided before any exchange: a missing az must not cost a grant.
  const az = await azureCliFor(inputs, env);

  let obtained: Credentials[];
  try {
    const result = await obtainCredentials(inputs.request, {
      identity: source,
      runInfo: {
        repository: context.repository,
        runId: context.runId,
        ...(env['GITHUB_RUN_ATTEMPT'] ? { runAttempt: env['GITHUB_RUN_ATTEMPT'] } : {}),
        ...(env['GITHUB_JOB'] ? { job: env['GITHUB_JOB'] } : {}),
        url: `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`,
      },
      onAudit: (record) => records.push(record),
      // Later credentials steps of the job reuse the issuer's keys (public; RUNNER_TEMP is per job).
      jwksCache: new JwksCache({ dir: join(context.runnerTemp, 'keyless-jwks') }),
    });
    obtained = result.credentials;
    maskAll(runtime, obtained);
    for (const warning of result.warnings) runtime.warning(warning);
  } catch (error) {
    await writeAudit(step, inputs, records);
    throw error;
  }

  const state: PostState = emptyState();
  for (const c of obtained) {
    const handle = revocationHandle(c, inputs.request.endpoints?.githubApi ?? context.apiUrl);
    if (handle) state.revoke.push(handle);
  }
  const visible = obtained.map((c) => exposed(c, inputs));
  const plan = planExposure(visible, {
    mode: inputs.exportMode,
    runnerTemp: context.runnerTemp,
    ...(inputs.request.aws ? { aws: inputs.request.aws } : {}),
    run: inputs.run !== undefined,
    gcpTokenSource: (c) => {
      const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
      const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
      const audience =
        inputs.request.gcp?.audience ??
        inputs.request.audience ??
        `https://iam.googleapis.com/${String(c.grant['workloadIdentityProvider'])}`;
      if (!url || !bearer) return undefined;
      return {
        url: `${url}&audience=${encodeURIComponent(audience)}`,
        headers: { Authorization: `Bearer ${bearer}` },
        field: 'value',
      };
    },
  });
  const azDir = az ? join(context.runnerTemp, `keyless-az-${randomBytes(6).toString('hex')}`) : undefined;
  if (azDir !== undefined) {
    if (inputs.run !== undefined) plan.commandEnv.push(['AZURE_CONFIG_DIR', azDir]);
    else if (inputs.exportMode === 'outputs') plan.outputs.push(['azure-config-dir', azDir]);
    else plan.env.push(['AZURE_CONFIG_DIR', azDir]);
    state.azureConfigDir = azDir;
  }
  state.env = plan.env.map(([name]) => name);
  state.files = [plan.dir, azDir].filter((d): d is string => d !== undefined);
  runtime.saveState(STATE_NAME, JSON.stringify(state));

  try {
    await writeFiles(plan);
    if (az !== undefined && azDir !== undefined && inputs.request.azure) {
      const azure = inputs.request.azure;
      await mkdir(azDir, { recursive: true, mode: 0o700 });
      const audience = azure.audience ?? inputs.request.audience ?? 'api://AzureADTokenExchange';
      // A fresh job token (masked by the runtime); it goes to az as one argv entry, never to the log.
      const token = await source.token(audience);
      await azLogin({
        az,
        configDir: azDir,
        tenantId: azure.tenantId,
        clientId: azure.clientId,
        ...(azure.subscriptionId !== undefined ? { subscriptionId: azure.subscriptionId } : {}),
        federatedToken: token.raw,
        env,
      });
      runtime.info(`azure: az login as ${azure.clientId} (AZURE_CONFIG_DIR ${describeExport(inputs)})`);
    }
    for (const [name, value] of plan.env) runtime.exportVariable(name, value);
    for (const [name, value] of plan.outputs) runtime.setOutput(name, value);
    for (const c of obtained) {
      const profile = profileOf(c);
      const names = profile ? [`profile ${profile}`] : exposed(c, inputs).values.map((v) => v.name);
      runtime.info(
        `${c.provider}: ${names.length ? names.join(', ') : 'no values'} (${describeExport(inputs)})`,
      );
    }
    if (inputs.run !== undefined) {
      const values = [
        ...plan.commandEnv.map(([name, value]) => ({ name, value, secret: false })),
        ...visible.filter((c) => !profileOf(c)).flatMap((c) => c.values),
      ];
      let code: number;
      try {
        code = await runWithCredentials(inputs.run, values, env, context.workspace);
      } finally {
        // Just in time: the files and the az login go with the command (post cleans up if this fails).
        if (az !== undefined && azDir !== undefined) {
          const failed = await azLogout(az, azDir, env);
          if (failed) runtime.warning(failed);
        }
        for (const dir of state.files) await rm(dir, { recursive: true, force: true });
      }
      // Just in time: the grant ends with the command, not with the job.
      const undo = await revokeAll(obtained, { onAudit: (record) => records.push(record) });
      for (const warning of undo.warnings) runtime.warning(warning);
      // Revoked, logged out and deleted: post has nothing left of this step to undo.
      runtime.saveState(STATE_NAME, JSON.stringify({ ...emptyState(), env: state.env }));
      if (code !== 0) throw new Error(`run: the command exited with ${code}`);
    }
  } finally {
    await writeAudit(step, inputs, records);
  }
}

/** The az executable to log in with, or undefined; `azure-cli-login: true` without az fails here. */
async function azureCliFor(inputs: CredentialsInputs, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const used = inputs.exportMode !== 'none' || inputs.run !== undefined;
  if (!inputs.request.azure || inputs.azureCliLogin === 'false' || !used) return undefined;
  const az = await findAz(env);
  if (az === undefined && inputs.azureCliLogin === 'true')
    throw new CredentialError(
      'azure-cli-login: true but no az executable on PATH (Linux/macOS runners only)',
      'config',
    );
  return az;
}

/** The AWS profile a grant was written under, if the request asked for profiles. */
function profileOf(c: Credentials): string | undefined {
  const profile = c.grant['profile'];
  return c.provider === 'aws' && typeof profile === 'string' ? profile : undefined;
}

function describeExport(inputs: CredentialsInputs): string {
  if (inputs.run !== undefined) return 'to the run command only';
  return {
    env: 'exported to later steps',
    outputs: 'step outputs',
    file: 'files in RUNNER_TEMP',
    none: 'not exported',
  }[inputs.exportMode];
}
