import { scanLiterals } from './inventory/literals.js';
import { diskFiles, readWorkflows } from './inventory/repository.js';
import { parseScope } from './ledger.js';
import { buildPlan } from './plan.js';
import type { RepositoryInfo } from './plan.js';
import type { CiSecret, Forge, Plan, SecretScope } from './types.js';

export interface GenerateTarget {
  name: string;
  scope: SecretScope;
}

/**
 * `NAME` (the platform's default scope), `NAME@environment:production` or `NAME:environment:production`
 * (secret names hold neither `@` nor `:`). Entries may also be comma/newline separated lists.
 */
export function generateTargets(entries: readonly string[], fallback: SecretScope): GenerateTarget[] {
  return entries
    .flatMap((entry) => entry.split(/[,\n]/))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const cut = entry.search(/[@:]/);
      const name = cut < 0 ? entry : entry.slice(0, cut);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`generate: "${name}" is not a secret name`);
      if (cut < 0) return { name, scope: fallback };
      const scope = parseScope(entry.slice(cut + 1));
      if (!scope)
        throw new Error(
          `generate: "${entry.slice(cut + 1)}" is not a scope (repository, organization, project, environment:NAME, group:PATH)`,
        );
      return { name, scope };
    });
}

export interface PlanDirectoryOptions {
  /** The checked-out default branch. */
  root: string;
  platform: 'github' | 'gitlab';
  repository: RepositoryInfo;
  /** When given, its CI secrets are inventoried (read only: nothing is written). */
  forge?: Pick<Forge, 'listSecrets'>;
  /** CI secrets known otherwise (tests, a saved listing); ignored when `forge` is given. */
  ciSecrets?: CiSecret[];
  /** `generateTargets` syntax. */
  generate?: readonly string[];
  ledgerPath?: string;
  defaultMaxAge?: string;
  credentialsAction?: string;
  now: Date;
}

/** A checked-out directory -> Plan: the one composition the CLI, the action and the GitLab job share. */
export async function planDirectory(options: PlanDirectoryOptions): Promise<Plan> {
  const fallback: SecretScope = { kind: options.platform === 'github' ? 'repository' : 'project' };
  const generate = generateTargets(options.generate ?? [], fallback);
  const ciSecrets = options.forge ? await options.forge.listSecrets() : options.ciSecrets;
  const { subjects } = await scanLiterals({ root: options.root, now: options.now });
  return buildPlan({
    files: diskFiles(options.root),
    repository: { ...options.repository, platform: options.platform },
    literals: subjects,
    workflows: readWorkflows(options.root),
    ...(ciSecrets ? { ciSecrets } : {}),
    generate,
    ...(options.ledgerPath !== undefined ? { ledgerPath: options.ledgerPath } : {}),
    ...(options.defaultMaxAge !== undefined ? { defaultMaxAge: options.defaultMaxAge } : {}),
    ...(options.credentialsAction !== undefined ? { credentialsAction: options.credentialsAction } : {}),
    now: options.now,
  });
}
