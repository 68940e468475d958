/**
 * The action's planner: the checked-out default branch and the forge's CI secrets through the shared
 * `planDirectory` (the same composition as the CLI and the GitLab job).
 */
import { planDirectory } from '../../rotation/plan-dir.js';
import type { Planner } from './planner.js';

export interface PlannerContext {
  /** The event payload's `repository` (ids pin trust policies against renamed or re-created owners). */
  payload: Record<string, unknown>;
  /** `GITHUB_ACTION_REPOSITORY` / `GITHUB_ACTION_REF` of this step: migrated workflows use the same release. */
  actionRepository?: string;
  actionRef?: string;
}

function id(value: unknown): string | undefined {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))
    ? String(value)
    : undefined;
}

export function defaultPlanner(context: PlannerContext): Planner {
  const repo = context.payload['repository'] as { id?: unknown; owner?: { id?: unknown } } | undefined;
  const repositoryId = id(repo?.id);
  const ownerId = id(repo?.owner?.id);
  const credentialsAction =
    context.actionRepository && context.actionRef
      ? `${context.actionRepository}/actions/credentials@${context.actionRef}`
      : undefined;
  return async (request) => {
    const repository = await request.forge.repository();
    const slug = new URL(repository.url).pathname.replace(/^\/+|\/+$/g, '');
    return planDirectory({
      root: request.root,
      platform: 'github',
      repository: {
        slug,
        defaultBranch: repository.defaultBranch,
        ...(ownerId ? { ownerId } : {}),
        ...(repositoryId ? { repositoryId } : {}),
      },
      forge: request.forge,
      generate: request.generate,
      ledgerPath: request.ledger,
      defaultMaxAge: request.maxAge,
      ...(credentialsAction ? { credentialsAction } : {}),
      now: request.now,
    });
  };
}
