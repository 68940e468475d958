/**
 * The rotate step. `publish` (scheduled): plan from the checked-out default branch, then one pull request
 * per item (phase 1 stages generated secrets as <NAME>_NEXT first). `promote` (on the merged rotation
 * pull request): <NAME>_NEXT -> <NAME> for the secrets its body names, with the values the workflow
 * passes in, since GitHub never returns a secret's value to the API.
 */
import { isAbsolute, join } from 'node:path';

import {
  forgeFromConfig,
  type ConfiguredForge,
  type ForgeConfig,
} from '../../rotation/forges/from-config.js';
import { publishPlan, type PublishResult } from '../../rotation/publish.js';
import { promoteStaged, stagedFromBody, type PromoteResult } from '../../rotation/staged.js';
import type { Plan } from '../../rotation/types.js';
import type { RunContext, Runtime } from '../runtime.js';
import { readRotateInputs, type RotateInputs } from './inputs.js';
import type { Planner } from './planner.js';

export interface RotateDeps {
  runtime: Runtime;
  context: RunContext;
  planner: Planner;
  /** Builds the forge; injectable for tests. */
  forge?: (config: ForgeConfig) => ConfiguredForge;
  now?: () => Date;
}

const TOKEN_HINT =
  'input token: a GitHub App installation token is needed (GITHUB_TOKEN cannot write Actions secrets and ' +
  'the pull requests it opens start no workflows); keyless/actions/credentials can mint one';

/** Every form of a value the log could show: whole, per line. */
function maskValue(runtime: Runtime, value: string): void {
  if (value.trim().length < 4) return;
  runtime.mask(value);
  for (const line of value.split(/\r?\n/))
    if (line.trim().length >= 4 && line !== value) runtime.mask(line.trim());
}

function planSummary(plan: Plan, results: PublishResult[], dryRun: boolean): string {
  const rows = results.map((r) => {
    const item = plan.items.find((i) => i.id === r.id);
    const link = r.url ? `[#${r.number}](${r.url})` : '';
    return `| ${r.id} | ${item?.kind ?? ''} | ${(item?.title ?? '').replace(/\|/g, '\\|')} | ${r.action} | ${link} |`;
  });
  return [
    `### Keyless rotation${dryRun ? ' (dry run)' : ''}`,
    '',
    ...(rows.length > 0
      ? ['| Item | Kind | Title | Result | Pull request |', '| --- | --- | --- | --- | --- |', ...rows]
      : ['Nothing to rotate.']),
    ...(plan.notes.length > 0 ? ['', '**Notes**', '', ...plan.notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
}

function count<T extends { action: string }>(results: T[], action: string): string {
  return String(results.filter((r) => r.action === action).length);
}

async function publishMode(deps: RotateDeps, inputs: RotateInputs, forge: ConfiguredForge): Promise<void> {
  const { runtime, context } = deps;
  const root = isAbsolute(inputs.path) ? inputs.path : join(context.workspace, inputs.path);
  const plan = await deps.planner({
    root,
    forge,
    ledger: inputs.ledger,
    maxAge: inputs.maxAge,
    generate: inputs.generate,
    now: deps.now?.() ?? new Date(),
    warn: (m) => runtime.warning(m),
  });
  // Before anything is printed: the generated values.
  for (const item of plan.items) for (const secret of item.secrets ?? []) maskValue(runtime, secret.value);
  const labelled: Plan = {
    ...plan,
    items: plan.items.map((item) => ({ ...item, labels: [...new Set([...item.labels, ...inputs.labels])] })),
  };
  runtime.info(
    `keyless: ${plan.items.length} rotation item(s)${inputs.dryRun ? ' (dry run: nothing is written)' : ''}`,
  );
  for (const item of labelled.items) runtime.info(`keyless: - ${item.id} (${item.kind}): ${item.title}`);
  for (const note of plan.notes) runtime.notice(note);
  const results = await publishPlan(labelled, forge, {
    dryRun: inputs.dryRun,
    log: (line) => runtime.info(line),
    ...(deps.now ? { now: deps.now } : {}),
  });
  runtime.setOutput(
    'results',
    JSON.stringify(
      results.map(({ id, action, url, number, staged }) => ({ id, action, url, number, staged })),
    ),
  );
  for (const action of ['created', 'updated', 'skipped', 'failed'])
    runtime.setOutput(action, count(results, action));
  await runtime.appendSummary(planSummary(labelled, results, inputs.dryRun));
  const failed = results.filter((r) => r.action === 'failed');
  if (failed.length > 0)
    runtime.setFailed(
      `keyless: ${failed.length} rotation item(s) failed: ${failed.map((r) => `${r.id}: ${r.message}`).join('; ')}`,
    );
}

/** The merged pull request of this event, when it is a rotation pull request of this repository. */
function mergedRotation(context: RunContext): { number: number; body: string } | undefined {
  const pull = context.payload['pull_request'] as
    | {
        merged?: boolean;
        number?: number;
        body?: string | null;
        head?: { ref?: string; repo?: { full_name?: string } };
      }
    | undefined;
  if (!pull?.merged || !pull.head?.ref?.startsWith('keyless/rotate/')) return undefined;
  if (pull.head.repo?.full_name !== context.repository) return undefined;
  return { number: pull.number ?? 0, body: pull.body ?? '' };
}

async function promoteMode(deps: RotateDeps, inputs: RotateInputs, forge: ConfiguredForge): Promise<void> {
  const { runtime, context } = deps;
  for (const value of Object.values(inputs.stagedSecrets)) maskValue(runtime, value);
  const merged = mergedRotation(context);
  if (!merged) {
    runtime.info(
      'keyless: not a merged keyless/rotate/* pull request of this repository: nothing to promote',
    );
    runtime.setOutput('promoted', '0');
    return;
  }
  const staged = stagedFromBody(merged.body);
  const results: PromoteResult[] = await promoteStaged(forge, staged, {
    values: inputs.stagedSecrets,
    dryRun: inputs.dryRun,
    log: (line) => runtime.info(line),
  });
  runtime.setOutput('promoted', count(results, 'promoted'));
  runtime.setOutput(
    'results',
    JSON.stringify(results.map(({ name, scope, action }) => ({ name, scope, action }))),
  );
  const lines = results.map((r) => `- \`${r.name}\`: ${r.action}${r.message ? ` — ${r.message}` : ''}`);
  await runtime.appendSummary(
    [
      `### Keyless rotation: promotion after #${merged.number}`,
      '',
      ...(lines.length ? lines : ['Nothing was staged.']),
      '',
    ].join('\n'),
  );
  const bad = results.filter((r) => r.action === 'missing' || r.action === 'failed');
  if (bad.length > 0)
    runtime.setFailed(
      `keyless: ${bad.length} staged secret(s) not promoted: ${bad.map((r) => r.name).join(', ')}`,
    );
}

export async function runRotate(deps: RotateDeps): Promise<void> {
  const { runtime, context } = deps;
  try {
    const inputs = readRotateInputs(runtime.input);
    if (!inputs.token) throw new Error(TOKEN_HINT);
    const config: ForgeConfig = {
      platform: 'github',
      token: inputs.token,
      repository: context.repository,
      apiUrl: context.apiUrl,
      warn: (m) => runtime.warning(m),
    };
    const forge = (deps.forge ?? forgeFromConfig)(config);
    if (inputs.mode === 'promote') await promoteMode(deps, inputs, forge);
    else await publishMode(deps, inputs, forge);
  } catch (error) {
    runtime.setFailed(`keyless: ${(error as Error).message}`);
  }
}
