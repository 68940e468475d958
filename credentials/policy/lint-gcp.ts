/**
 * Lints a GCP workload identity pool provider (`gcloud iam workload-identity-pools providers
 * describe --format=json`, or the shape `keyless credentials explain` prints): the attribute
 * condition is the only thing standing between every token the issuer mints and the pool.
 */
import type { LintFinding } from './lint-aws.js';
import { IDENTIFYING, NAME_TO_ID, squatFix, unpinnedNames } from './lint-claims.js';

type Json = Record<string, unknown>;

/** Claims a CEL expression reads: `assertion.x`, `assertion['x']`, and `attribute.y` through the mapping. */
function claimsRead(expression: string, mapping: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const m of expression.matchAll(/assertion(?:\.(\w+)|\[\s*['"]([\w.-]+)['"]\s*\])/g))
    out.add((m[1] ?? m[2])!);
  for (const m of expression.matchAll(/attribute\.(\w+)/g)) {
    const source = mapping[`attribute.${m[1]}`];
    if (source) for (const c of claimsRead(source, {})) out.add(c);
  }
  return [...out];
}

export function lintGcpProvider(provider: unknown): LintFinding[] {
  if (typeof provider !== 'object' || provider === null)
    throw new Error('not a workload identity pool provider');
  const p = provider as Json;
  const mapping = (p['attributeMapping'] ?? {}) as Record<string, string>;
  const condition = typeof p['attributeCondition'] === 'string' ? p['attributeCondition'].trim() : '';
  const findings: LintFinding[] = [];
  if (condition === '' || condition === 'true') {
    findings.push({
      severity: 'critical',
      code: 'condition-missing',
      where: 'attributeCondition',
      message: condition
        ? 'the attribute condition is `true`: every token the issuer mints is admitted to the pool'
        : 'no attribute condition: every token the issuer mints (on GitHub: every workflow of every repository) is admitted to the pool',
      fix: 'pin the owner and repository ids (keyless credentials explain --provider gcp prints a condition for this job)',
    });
  } else {
    const read = claimsRead(condition, mapping);
    if (!read.some((c) => IDENTIFYING.has(c)))
      findings.push({
        severity: 'critical',
        code: 'condition-unpinned',
        where: 'attributeCondition',
        message: `the condition "${condition.slice(0, 120)}" reads no claim that identifies a repository or project`,
        fix: 'pin repository_owner_id and repository_id (GitHub) or namespace_id and project_id (GitLab)',
      });
    for (const claim of unpinnedNames(read))
      findings.push({
        severity: 'medium',
        code: 'name-based-claim',
        where: 'attributeCondition',
        message: `the condition trusts ${claim} (a name) without ${NAME_TO_ID[claim]}: after a rename, transfer or deletion someone else can take the name`,
        fix: squatFix(claim),
      });
    for (const m of condition.matchAll(/\.(startsWith|endsWith|contains|matches)\s*\(\s*(['"])(.*?)\2/g))
      findings.push({
        severity: m[1] === 'matches' && /^\^?\.\*\$?$/.test(m[3]!) ? 'critical' : 'medium',
        code: 'condition-wildcard',
        where: 'attributeCondition',
        message: `${m[1]}("${m[3]}") admits every value it matches (every branch, repository or environment with that prefix or pattern)`,
        fix: 'compare with == against the exact values (a list with `in [...]` for several)',
      });
    if (/\|\|/.test(condition))
      findings.push({
        severity: 'low',
        code: 'condition-or',
        where: 'attributeCondition',
        message:
          'the condition has || : check that every alternative pins a repository or project on its own',
        fix: 'prefer one && chain per trusted job, or `in [...]` on a single claim',
      });
  }
  const subject = mapping['google.subject'];
  if (subject === undefined)
    findings.push({
      severity: 'high',
      code: 'subject-mapping-missing',
      where: 'attributeMapping',
      message: 'no google.subject mapping: GCP refuses the provider, or principals cannot be told apart',
      fix: 'map google.subject to assertion.sub',
    });
  else
    for (const claim of unpinnedNames(claimsRead(subject, {})))
      findings.push({
        severity: 'low',
        code: 'name-based-subject',
        where: 'attributeMapping["google.subject"]',
        message: `google.subject comes from ${claim}: principal:// bindings then follow a name`,
        fix: `map google.subject to assertion.sub and bind principalSet://.../attribute.${NAME_TO_ID[claim]}/<ID>`,
      });
  return findings;
}
