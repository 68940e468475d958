import { hasWildcard } from './glob.js';

export type LintSeverity = 'critical' | 'high' | 'medium' | 'low';

export interface LintFinding {
  severity: LintSeverity;
  /** Stable id, e.g. `sub-missing`. */
  code: string;
  /** Where: `Statement[0]`, `Statement[0].Condition.StringLike["host:sub"]`. */
  where: string;
  message: string;
  fix: string;
}

type Json = Record<string, unknown>;

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

interface ConditionValue {
  operator: string;
  key: string;
  values: string[];
}

/** Every `<host>:<claim>` condition in a statement, whatever its operator. */
function conditions(statement: Json): ConditionValue[] {
  const out: ConditionValue[] = [];
  const block = (statement['Condition'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [operator, entries] of Object.entries(block))
    for (const [key, value] of Object.entries(entries ?? {}))
      out.push({ operator, key, values: asArray(value as string | string[]).map(String) });
  return out;
}

const isLike = (operator: string) => /StringLike$/.test(operator);
const isEquals = (operator: string) => /StringEquals(IgnoreCase)?$/.test(operator);

function subFindings(host: string, where: string, subs: ConditionValue[]): LintFinding[] {
  const out: LintFinding[] = [];
  const github = host === 'token.actions.githubusercontent.com' || host.endsWith('/_services/token');
  if (subs.length === 0) {
    return [
      {
        severity: 'critical',
        code: 'sub-missing',
        where,
        message: github
          ? `no condition on ${host}:sub: every workflow in every repository on GitHub can assume this role`
          : `no condition on ${host}:sub: every identity the issuer ${host} mints tokens for can assume this role`,
        fix: `add StringEquals "${host}:sub" with the exact subject of the job (keyless credentials explain prints it)`,
      },
    ];
  }
  for (const c of subs) {
    const at = `${where}.Condition.${c.operator}["${c.key}"]`;
    for (const value of c.values) {
      if (isLike(c.operator) && hasWildcard(value)) {
        const everything = /^[*?]+$/.test(value);
        const ownerWide = /^repo:[^/:]*\/\*/.test(value) || /^project_path:[^:]*\*/.test(value);
        out.push({
          severity: everything ? 'critical' : ownerWide ? 'high' : 'medium',
          code: 'sub-wildcard',
          where: at,
          message: everything
            ? `sub "${value}" matches any subject`
            : ownerWide
              ? `sub "${value}" admits every repository of the owner, on any branch, event or environment`
              : `sub "${value}" admits every branch, pull request and environment it matches`,
          fix: 'trust the exact subject with StringEquals, one value per branch or environment that deploys',
        });
      } else if (isLike(c.operator)) {
        out.push({
          severity: 'low',
          code: 'like-without-wildcard',
          where: at,
          message: `StringLike on "${value}" has no wildcard`,
          fix: 'use StringEquals: it cannot be widened by a stray * later',
        });
      }
      if (/^repo:[^@/:]+\//.test(value))
        out.push({
          severity: 'medium',
          code: 'name-based-sub',
          where: at,
          message: `sub "${value}" names the owner/repository; after a rename, transfer or deletion someone else can take the name`,
          fix:
            'trust the id-based subject (repo:OWNER@OWNER_ID/REPO@REPO_ID:..., default for repositories created after ' +
            '2026-07-15, or a sub template customized to include repository_owner_id and repository_id)',
        });
    }
  }
  return out;
}

function audFindings(host: string, where: string, auds: ConditionValue[]): LintFinding[] {
  if (auds.length === 0)
    return [
      {
        severity: 'medium',
        code: 'aud-missing',
        where,
        message: `no condition on ${host}:aud: tokens minted for any other audience (another cloud, a third-party service) are accepted`,
        fix: `add StringEquals "${host}:aud": "sts.amazonaws.com" (or the audience the job requests)`,
      },
    ];
  return auds.flatMap((c) =>
    c.values
      .filter((v) => isLike(c.operator) && hasWildcard(v))
      .map((v) => ({
        severity: 'high' as const,
        code: 'aud-wildcard',
        where: `${where}.Condition.${c.operator}["${c.key}"]`,
        message: `aud "${v}" is a wildcard`,
        fix: 'list the exact audience with StringEquals',
      })),
  );
}

/** Lints an IAM role trust policy's web-identity statements. Throws on JSON that is not a policy. */
export function lintAwsTrustPolicy(policy: unknown): LintFinding[] {
  if (typeof policy !== 'object' || policy === null || !('Statement' in policy))
    throw new Error('not an IAM policy document: no "Statement"');
  const statements = asArray((policy as Json)['Statement'] as Json | Json[]);
  const findings: LintFinding[] = [];
  statements.forEach((statement, index) => {
    const where = `Statement[${index}]`;
    if (statement['Effect'] !== 'Allow') return;
    const actions = asArray(statement['Action'] as string | string[]);
    const federated = asArray(((statement['Principal'] ?? {}) as Json)['Federated'] as string | string[]);
    const providers = federated
      .map((arn) => /:oidc-provider\/(.+)$/.exec(String(arn))?.[1])
      .filter((h) => h !== undefined);
    if (!actions.some((a) => /^sts:(AssumeRoleWithWebIdentity|\*)$|^\*$/.test(a)) || providers.length === 0)
      return;
    const all = conditions(statement);
    for (const host of providers) {
      const forHost = (claim: string) =>
        all.filter((c) => c.key.toLowerCase() === `${host}:${claim}`.toLowerCase());
      findings.push(...subFindings(host, where, forHost('sub')));
      findings.push(...audFindings(host, where, forHost('aud')));
    }
    for (const c of all)
      if (!isLike(c.operator) && !isEquals(c.operator) && /:sub$/.test(c.key))
        findings.push({
          severity: 'medium',
          code: 'sub-operator',
          where: `${where}.Condition.${c.operator}["${c.key}"]`,
          message: `${c.operator} on the subject is unusual and may not restrict it`,
          fix: 'use StringEquals on the subject',
        });
  });
  return findings;
}
