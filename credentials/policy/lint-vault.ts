/**
 * Lints a Vault/OpenBao JWT auth role (`vault read -format=json auth/jwt/role/NAME`, its `data`, or
 * the role `keyless credentials explain` prints): without bound claims or a bound subject, any
 * token the configured issuer mints logs in.
 */
import type { LintFinding } from './lint-aws.js';
import { IDENTIFYING, NAME_TO_ID, nameBasedSubject, squatFix, unpinnedNames } from './lint-claims.js';

type Json = Record<string, unknown>;

const list = (value: unknown): string[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/** The role object out of the shapes people paste: `{data: {...}}`, `{role: {...}}` (explain), or the role. */
function roleOf(doc: Json): Json {
  for (const key of ['data', 'role'])
    if (typeof doc[key] === 'object' && doc[key] !== null && !Array.isArray(doc[key]))
      return doc[key] as Json;
  return doc;
}

export function lintVaultRole(doc: unknown): LintFinding[] {
  if (typeof doc !== 'object' || doc === null) throw new Error('not a Vault JWT role');
  const role = roleOf(doc as Json);
  const findings: LintFinding[] = [];
  const bound = (role['bound_claims'] ?? {}) as Record<string, unknown>;
  const subject = typeof role['bound_subject'] === 'string' ? role['bound_subject'] : '';
  const glob = role['bound_claims_type'] === 'glob';
  const claims = Object.keys(bound);

  if (claims.length === 0 && subject === '')
    findings.push({
      severity: 'critical',
      code: 'bound-claims-missing',
      where: 'role',
      message:
        'no bound_claims and no bound_subject: every token the configured issuer mints (on GitHub: every workflow of every repository) logs in with this role',
      fix: 'bind repository_owner_id and repository_id (GitHub) or namespace_id and project_id (GitLab): keyless credentials explain --provider vault',
    });
  else if (subject === '' && !claims.some((c) => IDENTIFYING.has(c)))
    findings.push({
      severity: 'critical',
      code: 'bound-claims-unpinned',
      where: 'role.bound_claims',
      message: `bound_claims (${claims.join(', ')}) name no repository or project: every repository's matching jobs log in`,
      fix: 'add the owner and repository ids (or namespace and project ids) to bound_claims',
    });

  if (list(role['bound_audiences']).length === 0 && role['role_type'] !== 'oidc')
    findings.push({
      severity: 'high',
      code: 'aud-missing',
      where: 'role.bound_audiences',
      message:
        'no bound_audiences: a token minted for any other audience (another cloud, a third-party service) is accepted',
      fix: 'set bound_audiences to the audience the job requests (e.g. the Vault address)',
    });

  for (const claim of claims) {
    for (const value of list(bound[claim])) {
      if (!glob || !value.includes('*')) continue;
      const everything = /^\*+$/.test(value);
      findings.push({
        severity: everything ? 'critical' : 'medium',
        code: 'claim-wildcard',
        where: `role.bound_claims["${claim}"]`,
        message: everything
          ? `bound_claims_type is glob and ${claim} is "${value}": any value matches`
          : `bound_claims_type is glob and ${claim} "${value}" admits every value it matches`,
        fix: 'use bound_claims_type "string" with the exact values (a list for several)',
      });
    }
  }
  for (const claim of unpinnedNames(claims))
    findings.push({
      severity: 'medium',
      code: 'name-based-claim',
      where: `role.bound_claims["${claim}"]`,
      message: `${claim} is a name: after a rename, transfer or deletion someone else can take it`,
      fix: squatFix(claim),
    });
  if (
    subject !== '' &&
    nameBasedSubject(subject) &&
    !claims.some((c) => Object.values(NAME_TO_ID).includes(c))
  )
    findings.push({
      severity: 'medium',
      code: 'name-based-sub',
      where: 'role.bound_subject',
      message: `bound_subject "${subject}" names the owner/repository or project path`,
      fix: 'bind the id claims in bound_claims as well (repository_id, repository_owner_id / project_id, namespace_id)',
    });
  return findings;
}
