/**
 * The action's planner: the checked-out default branch and the forge's CI secrets through the shared
 * `planDirectory` (the same composition as the CLI and the GitLab job).
 */
import { planDirectory } from '../../rotation/plan-dir.js';
import type { Planner } from './planner.js';

export const defaultPlanner: Planner = async (request) => {
  const repository = await request.forge.repository();
  const slug = new URL(repository.url).pathname.replace(/^\/+|\/+$/g, '');
  return planDirectory({
    root: request.root,
    platform: 'github',
    repository: { slug, defaultBranch: repository.defaultBranch },
    forge: request.forge,
    generate: request.generate,
    ledgerPath: request.ledger,
    defaultMaxAge: request.maxAge,
    now: request.now,
  });
};
