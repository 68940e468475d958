import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { renderJson, renderSarif } from '../../scanners/reports/index.js';
import type { Finding } from '../../scanners/engine/types.js';
import { ApiError, githubApi, type GitHubApi, type RunContext, type Runtime } from '../runtime.js';
import { eventTarget, planScan, type EventTarget } from './event.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { publishCheckRun, type Repository } from './publish-check.js';
import { commentBody, publishComment } from './publish-comment.js';
import { uploadSarif, withCategory } from './publish-sarif.js';
import { commandAnnotations, jobSummary } from './publish-summary.js';
import { countsText, summarize, type ScanResults } from './results.js';
import { runPlannedScan } from './run-scan.js';

export interface ActionDeps {
  runtime: Runtime;
  context: RunContext;
  env: NodeJS.ProcessEnv;
  workerUrl?: URL;
  /** Builds the REST client; injectable so adapters can be exercised without the network. */
  api?: (token: string, apiUrl: string) => GitHubApi;
}

/**
 * Every form a secret may be printed in, for the runner's masking: the value, each of its lines
 * (the runner matches masks line by line, so a PEM block must be registered per line) and its
 * JSON-escaped form.
 */
export function maskForms(findings: readonly Finding[]): string[] {
  const forms = new Set<string>();
  for (const { secret } of findings) {
    for (const form of [secret, ...secret.split(/\r?\n/), JSON.stringify(secret).slice(1, -1)]) {
      if (form.trim().length >= 4) forms.add(form.trim());
    }
  }
  return [...forms];
}

async function writeReports(
  results: ScanResults,
  run: { findings: Finding[] },
  ctx: RunContext,
  category?: string,
) {
  const dir = join(ctx.runnerTemp, `keyless-${ctx.runId || process.pid}`);
  await mkdir(dir, { recursive: true });
  const sarif = withCategory(renderSarif(run.findings, results.meta), category);
  const sarifFile = join(dir, 'keyless.sarif');
  const jsonFile = join(dir, 'keyless.json');
  await writeFile(sarifFile, sarif);
  await writeFile(jsonFile, renderJson(run.findings, results.meta));
  return { sarif, sarifFile, jsonFile };
}

function setOutputs(runtime: Runtime, results: ScanResults, files: { sarifFile: string; jsonFile: string }) {
  runtime.setOutput('findings', String(results.total));
  runtime.setOutput('new-findings', String(results.findings.length));
  runtime.setOutput('critical', String(results.counts.critical));
  runtime.setOutput('high', String(results.counts.high));
  runtime.setOutput('counts', JSON.stringify(results.counts));
  runtime.setOutput('sarif-file', files.sarifFile);
  runtime.setOutput('json-file', files.jsonFile);
}

/** Why a publisher could not write, in words that say what to change. */
function denied(what: string, error: unknown, permission: string, target: EventTarget): string {
  const status = error instanceof ApiError ? error.status : 0;
  const reason = (error as Error).message;
  if (status === 403 || status === 404) {
    const fork = target.fromFork ? ' (a pull request from a fork gets a read-only token)' : '';
    return `cannot ${what}: the token may not${fork}; grant \`permissions: ${permission}\` to publish it. ${reason}`;
  }
  return `cannot ${what}: ${reason}`;
}

async function publish(
  deps: ActionDeps,
  inputs: ActionInputs,
  target: EventTarget,
  results: ScanResults,
  sarif: string,
): Promise<string[]> {
  const { runtime, context: ctx } = deps;
  const published: string[] = [];
  const [owner = '', repo = ''] = ctx.repository.split('/');
  const repository: Repository = { owner, repo };
  const detailsUrl = ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined;
  const api = inputs.token && owner && repo ? (deps.api ?? githubApi)(inputs.token, ctx.apiUrl) : undefined;
  if (!api) runtime.warning('no token or repository: results go to the job summary and the log only');

  let annotated = false;
  if (api) {
    try {
      const check = await publishCheckRun(api, repository, target.headSha, results, {
        annotations: inputs.annotations,
        ...(detailsUrl ? { detailsUrl } : {}),
      });
      annotated = inputs.annotations;
      published.push(`Check run "${check.url ?? check.id}" with ${check.annotations} annotation(s).`);
    } catch (error) {
      runtime.warning(denied('create a check run', error, 'checks: write', target));
    }
  }
  if (!annotated && inputs.annotations && results.findings.length > 0) {
    const shown = commandAnnotations(runtime, results);
    published.push(`${shown} annotation(s) through workflow commands (no check run).`);
  }
  if (api && inputs.comment && target.pullNumber !== undefined) {
    try {
      const body = commentBody(results, target.headSha, detailsUrl);
      const action = await publishComment(
        api,
        repository,
        target.pullNumber,
        body,
        results.findings.length > 0,
      );
      if (action !== 'none') published.push(`Pull request comment ${action}.`);
    } catch (error) {
      runtime.warning(denied('comment on the pull request', error, 'pull-requests: write', target));
    }
  }
  if (api && inputs.uploadSarif) {
    try {
      await uploadSarif(api, repository, sarif, { commitSha: ctx.sha || target.headSha, ref: ctx.ref });
      published.push('SARIF uploaded to code scanning.');
    } catch (error) {
      runtime.warning(denied('upload SARIF to code scanning', error, 'security-events: write', target));
    }
  }
  return published;
}

export async function runAction(deps: ActionDeps): Promise<void> {
  const { runtime, context: ctx } = deps;
  let inputs: ActionInputs;
  try {
    inputs = readInputs(runtime.input);
    const plan = planScan(inputs.scan, ctx.eventName, ctx.payload);
    const target = eventTarget(ctx.eventName, ctx.payload, ctx.sha);
    runtime.info(`keyless: ${plan.why}`);
    const run = await runPlannedScan(plan, inputs, {
      workspace: ctx.workspace,
      env: deps.env,
      stderr: process.stderr,
      note: (message) => runtime.info(`keyless: ${message}`),
      ...(deps.workerUrl ? { workerUrl: deps.workerUrl } : {}),
    });
    // Before anything about the findings is printed, written or sent.
    for (const form of maskForms([...run.findings, ...run.suppressed])) runtime.mask(form);

    const results = summarize(run, inputs.failOn, ctx.workspace);
    const files = await writeReports(results, run, ctx, inputs.sarifCategory);
    setOutputs(runtime, results, files);
    runtime.info(`keyless: ${countsText(results)}; reports: ${files.sarifFile}, ${files.jsonFile}`);
    for (const warning of results.meta.warnings) runtime.warning(warning);

    const published = await publish(deps, inputs, target, results, files.sarif);
    await runtime.appendSummary(jobSummary(results, { published, scope: plan.why }));

    if (!results.meta.complete) {
      runtime.setFailed('keyless: the scan was incomplete (see the warnings); failing closed');
    } else if (results.failed) {
      runtime.setFailed(
        `keyless: ${results.failing} secret(s) at or above fail-on: ${inputs.failOn}. Revoke them at the provider first; see the summary.`,
      );
    }
  } catch (error) {
    runtime.setFailed(`keyless: ${(error as Error).message}`);
  }
}
