/**
 * What the non-AWS linters share: which claims name things that can be renamed, transferred or
 * re-created by someone else (and the immutable id that should be trusted instead).
 */

/** Name-based claim -> the id claim that cannot be squatted. GitHub first, then GitLab. */
export const NAME_TO_ID: Record<string, string> = {
  repository: 'repository_id',
  repository_owner: 'repository_owner_id',
  project_path: 'project_id',
  namespace_path: 'namespace_id',
};

export const ID_CLAIMS = new Set(Object.values(NAME_TO_ID));

/** Claims that say which repository/project (or workflow) a token belongs to; `ref` alone does not. */
export const IDENTIFYING = new Set([
  ...Object.keys(NAME_TO_ID),
  ...ID_CLAIMS,
  'sub',
  'job_workflow_ref',
  'workflow_ref',
  'ci_config_ref_uri',
]);

/** The name-based claims among `used` whose id counterpart is not also used. */
export function unpinnedNames(used: Iterable<string>): string[] {
  const all = new Set(used);
  return [...all].filter((c) => NAME_TO_ID[c] !== undefined && !all.has(NAME_TO_ID[c]!));
}

/** A `sub` that spells out owner/repository or group/project by name (not the id-based form). */
export function nameBasedSubject(sub: string): boolean {
  return /^repo:[^@/:]+\//.test(sub) || /^project_path:/.test(sub);
}

export const squatFix = (claim: string): string =>
  `also require ${NAME_TO_ID[claim] ?? 'the id claim'} (it survives renames and cannot be taken over by whoever registers the old name)`;
