/**
 * `explain --lint FILE`: which kind of trust configuration a file holds, and its findings. JSON or
 * YAML (octo-sts policies are YAML); the kind is recognised by its fields unless given.
 */
import { parse as parseYaml } from 'yaml';

import { lintAwsTrustPolicy } from './lint-aws.js';
import type { LintFinding } from './lint-aws.js';
import { lintGcpProvider } from './lint-gcp.js';
import { lintOctoStsPolicy } from './lint-octo-sts.js';
import { lintVaultRole } from './lint-vault.js';

export const LINT_KINDS = ['aws', 'gcp', 'vault', 'octo-sts'] as const;
export type LintKind = (typeof LINT_KINDS)[number];

const LINTERS: Record<LintKind, (doc: unknown) => LintFinding[]> = {
  aws: lintAwsTrustPolicy,
  gcp: lintGcpProvider,
  vault: lintVaultRole,
  'octo-sts': lintOctoStsPolicy,
};

const has = (doc: Record<string, unknown>, ...keys: string[]): boolean => keys.some((k) => k in doc);

/** The kind of trust configuration, from the fields only that kind has; undefined when unclear. */
export function detectPolicyKind(doc: unknown): LintKind | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  if (has(d, 'Statement')) return 'aws';
  if (has(d, 'attributeCondition', 'attributeMapping') || (has(d, 'oidc') && has(d, 'name'))) return 'gcp';
  const inner = [d, d['data'], d['role']].filter(
    (x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x),
  );
  if (
    inner.some((x) => has(x, 'bound_audiences', 'bound_claims', 'bound_subject', 'user_claim', 'role_type'))
  )
    return 'vault';
  if (
    has(d, 'subject_pattern', 'claim_pattern', 'issuer_pattern') ||
    (has(d, 'issuer') && has(d, 'permissions'))
  )
    return 'octo-sts';
  return undefined;
}

export function parsePolicyText(text: string): unknown {
  // YAML 1.2 is a superset of JSON: one parser for both.
  return parseYaml(text);
}

/** Lints `doc` as `kind` (or the detected kind); throws when the kind cannot be told. */
export function lintPolicy(doc: unknown, kind?: LintKind): { kind: LintKind; findings: LintFinding[] } {
  const k = kind ?? detectPolicyKind(doc);
  if (k === undefined)
    throw new Error(
      `cannot tell which kind of trust configuration this is (${LINT_KINDS.join(', ')}): give --lint-kind`,
    );
  return { kind: k, findings: LINTERS[k](doc) };
}
