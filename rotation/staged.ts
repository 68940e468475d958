/**
 * Two-phase rotation of generated secrets. Phase 1 (publishPlan) writes the new value as `<NAME>_NEXT`
 * before the pull/merge request opens, and lists the staged names (never values) in a hidden marker of
 * its body. Phase 2 (promoteStaged), once the change is merged, copies `<NAME>_NEXT` to `<NAME>` and
 * deletes `<NAME>_NEXT`.
 *
 * GitHub cannot read a secret back, so on GitHub the staged values come in from the workflow that runs
 * phase 2 (`${{ secrets.NAME_NEXT }}`, or `${{ toJSON(secrets) }}`); GitLab returns a variable's value
 * to a token with the Maintainer role, so its forge reads them itself (`read`).
 */
import type { Forge, SecretScope } from './types.js';

export interface StagedSecret {
  /** The final name; the staged value lives in `<name>_NEXT`. */
  name: string;
  scope: SecretScope;
}

const PREFIX = '<!-- keyless:staged ';
const SUFFIX = ' -->';

export function nextName(name: string): string {
  return `${name}_NEXT`;
}

/** The hidden line publishPlan adds to a body: which secrets the merge promotes. */
export function stagedMarker(secrets: readonly StagedSecret[]): string {
  return `${PREFIX}${JSON.stringify(secrets.map((s) => ({ name: s.name, scope: s.scope })))}${SUFFIX}`;
}

const SCOPE_KINDS = new Set(['repository', 'environment', 'organization', 'project', 'group']);

function isStaged(value: unknown): value is StagedSecret {
  const v = value as { name?: unknown; scope?: { kind?: unknown } } | null;
  return (
    typeof v?.name === 'string' &&
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name) &&
    typeof v.scope?.kind === 'string' &&
    SCOPE_KINDS.has(v.scope.kind)
  );
}

/** The staged secrets named in a (merged) pull/merge request body; [] when there is no marker. */
export function stagedFromBody(body: string): StagedSecret[] {
  const start = body.lastIndexOf(PREFIX);
  if (start < 0) return [];
  const end = body.indexOf(SUFFIX, start + PREFIX.length);
  if (end < 0) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.slice(start + PREFIX.length, end));
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isStaged) : [];
}

export type PromoteAction = 'promoted' | 'missing' | 'planned' | 'failed';

export interface PromoteResult {
  name: string;
  scope: SecretScope;
  action: PromoteAction;
  /** Why a secret was not promoted (never a value). */
  message?: string;
}

export interface PromoteOptions {
  /** Staged values by `<NAME>_NEXT` (GitHub: from the workflow); extra entries are ignored. */
  values?: Readonly<Record<string, string>>;
  /** Reads a staged value from the platform (GitLab variables); undefined when it does not exist. */
  read?: (name: string, scope: SecretScope) => Promise<string | undefined>;
  dryRun?: boolean;
  log?: (line: string) => void;
}

function where(scope: SecretScope): string {
  if (scope.kind === 'environment') return ` (environment ${scope.environment})`;
  if (scope.kind === 'group') return ` (group ${scope.group})`;
  return '';
}

/**
 * Phase 2: `<NAME>` := `<NAME>_NEXT`, then `<NAME>_NEXT` is deleted. The old value stays valid at the
 * provider until someone revokes it there, so consumers switch over before the old value dies.
 */
export async function promoteStaged(
  forge: Forge,
  staged: readonly StagedSecret[],
  options: PromoteOptions = {},
): Promise<PromoteResult[]> {
  const log = options.log ?? (() => undefined);
  const results: PromoteResult[] = [];
  for (const { name, scope } of staged) {
    const next = nextName(name);
    const value = options.values?.[next] ?? (await options.read?.(next, scope));
    if (value === undefined || value === '') {
      const message =
        `${next}${where(scope)} has no value here: on GitHub pass it to the step ` +
        `(staged-secrets: \${{ toJSON(secrets) }}, or the job's environment for environment secrets); ` +
        'it may also have been promoted already';
      log(`keyless: not promoted ${name}: ${message}`);
      results.push({ name, scope, action: 'missing', message });
      continue;
    }
    if (options.dryRun) {
      log(`keyless: would promote ${next} -> ${name}${where(scope)}`);
      results.push({ name, scope, action: 'planned' });
      continue;
    }
    try {
      await forge.setSecret({ name, scope, value });
      await forge.setSecret({ name: next, scope, value: null });
      log(`keyless: promoted ${next} -> ${name}${where(scope)}`);
      results.push({ name, scope, action: 'promoted' });
    } catch (error) {
      const message = (error as Error).message;
      log(`keyless: cannot promote ${name}: ${message}`);
      results.push({ name, scope, action: 'failed', message });
    }
  }
  return results;
}

/** A forge that can say what a merge brought in and read staged values back (GitLab). */
export interface ReadableForge extends Forge {
  mergedRotationBodies(sha: string): Promise<string[]>;
  readVariable(name: string, scope: SecretScope): Promise<string | undefined>;
}

/**
 * Phase 2 in a pipeline on the default branch (GitLab): the merged rotation requests that brought `sha`
 * name the staged secrets; their values are read back from the platform.
 */
export async function promoteMerged(
  forge: ReadableForge,
  sha: string,
  options: Omit<PromoteOptions, 'read' | 'values'> = {},
): Promise<PromoteResult[]> {
  const bodies = await forge.mergedRotationBodies(sha);
  const staged = bodies.flatMap((body) => stagedFromBody(body));
  if (staged.length === 0)
    options.log?.(`keyless: no merged rotation request with staged secrets brought ${sha}`);
  return promoteStaged(forge, staged, { ...options, read: (name, scope) => forge.readVariable(name, scope) });
}
