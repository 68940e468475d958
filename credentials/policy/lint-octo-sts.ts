/**
 * Lints an octo-sts trust policy (`.github/chainguard/<identity>.sts.yaml`). Its patterns are
 * regular expressions matched against the whole claim, so `.*` admits every value.
 */
import type { LintFinding, LintSeverity } from './lint-aws.js';
import { ID_CLAIMS, nameBasedSubject } from './lint-claims.js';

type Json = Record<string, unknown>;

const EVERYTHING = /^\^?(\.\*|\.\+|\[\\s\\S\]\*)\$?$/;
/** Permissions that let a stolen token change who can do what, or run code on the next push. */
const SENSITIVE = ['administration', 'secrets', 'workflows', 'members', 'organization_administration'];

function patternFinding(where: string, what: string, pattern: string): LintFinding | undefined {
  if (!/\.[*+]/.test(pattern)) return undefined;
  const everything = EVERYTHING.test(pattern);
  const ownerWide = /^\^?repo:[^/:@]+(@\d+)?\/\.[*+]/.test(pattern);
  const severity: LintSeverity = everything ? 'critical' : ownerWide ? 'high' : 'medium';
  return {
    severity,
    code: `${what}-wildcard`,
    where,
    message: everything
      ? `${where} "${pattern}" matches any ${what}`
      : ownerWide
        ? `${where} "${pattern}" admits every repository of the owner, on any branch, event or environment`
        : `${where} "${pattern}" admits every ${what} it matches`,
    fix: `use ${what === 'subject' ? 'subject' : 'a literal value'} with the exact value (escape . in literals), or a pattern with no .* / .+`,
  };
}

export function lintOctoStsPolicy(doc: unknown): LintFinding[] {
  if (typeof doc !== 'object' || doc === null) throw new Error('not an octo-sts trust policy');
  const policy = doc as Json;
  const findings: LintFinding[] = [];
  const subject = typeof policy['subject'] === 'string' ? policy['subject'] : undefined;
  const subjectPattern =
    typeof policy['subject_pattern'] === 'string' ? policy['subject_pattern'] : undefined;
  const claimPattern = (policy['claim_pattern'] ?? {}) as Record<string, unknown>;

  if (subject === undefined && subjectPattern === undefined)
    findings.push({
      severity: 'critical',
      code: 'subject-missing',
      where: 'policy',
      message: 'no subject and no subject_pattern: every token the issuer mints gets this identity',
      fix: 'add subject with the exact subject of the job (keyless credentials explain --provider github)',
    });
  if (subjectPattern !== undefined) {
    const f = patternFinding('subject_pattern', 'subject', subjectPattern);
    if (f) findings.push(f);
  }
  const issuerPattern = policy['issuer_pattern'];
  if (typeof issuerPattern === 'string' && /\.[*+]/.test(issuerPattern))
    findings.push({
      severity: 'high',
      code: 'issuer-wildcard',
      where: 'issuer_pattern',
      message: `issuer_pattern "${issuerPattern}" trusts tokens of issuers it was not written for`,
      fix: 'use issuer with the exact issuer URL',
    });
  for (const [claim, value] of Object.entries(claimPattern)) {
    if (typeof value !== 'string') continue;
    const f = patternFinding(`claim_pattern.${claim}`, 'value', value);
    if (f)
      findings.push({ ...f, severity: f.severity === 'critical' ? 'medium' : 'low', code: 'claim-wildcard' });
  }
  const sub = subject ?? subjectPattern?.replace(/^\^/, '');
  if (sub !== undefined && nameBasedSubject(sub) && !Object.keys(claimPattern).some((c) => ID_CLAIMS.has(c)))
    findings.push({
      severity: 'medium',
      code: 'name-based-sub',
      where: subject !== undefined ? 'subject' : 'subject_pattern',
      message: `the subject names the owner/repository: after a rename, transfer or deletion someone else can take the name`,
      fix: 'add claim_pattern entries for repository_owner_id and repository_id (the ids of the trusted repository)',
    });
  const permissions = (policy['permissions'] ?? {}) as Record<string, unknown>;
  for (const name of SENSITIVE)
    if (permissions[name] === 'write' || permissions[name] === 'admin')
      findings.push({
        severity: 'low',
        code: 'permission-sensitive',
        where: `permissions.${name}`,
        message: `${name}: ${String(permissions[name])} lets a leaked token change access, secrets or workflows`,
        fix: `grant ${name} only to an identity used by the one job that needs it`,
      });
  return findings;
}
