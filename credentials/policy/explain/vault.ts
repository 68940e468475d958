import type { Claims, TokenShape } from './shape.js';
import { ID_REASON, str } from './shape.js';

const BOUND: Record<TokenShape['kind'], string[]> = {
  github: ['repository_owner_id', 'repository_id', 'ref', 'environment'],
  gitlab: ['namespace_id', 'project_id', 'ref_type', 'ref', 'ref_protected', 'environment'],
  other: [],
};

const USER_CLAIM: Record<TokenShape['kind'], string> = {
  github: 'repository_id',
  gitlab: 'project_id',
  other: 'sub',
};

export interface VaultExplainOptions {
  policies?: string[];
}

/** Vault/OpenBao: the JWT auth method's configuration and a role that admits exactly this job. */
export function vaultRole(
  claims: Claims,
  shape: TokenShape,
  options: VaultExplainOptions = {},
): Record<string, unknown> {
  const bound: Record<string, string> = {};
  for (const name of BOUND[shape.kind]) {
    const value = str(claims, name);
    // Binding ref_protected to "false" would only admit unprotected refs: pin it when it helps.
    if (value !== undefined && !(name === 'ref_protected' && value !== 'true')) bound[name] = value;
  }
  const role: Record<string, unknown> = {
    role_type: 'jwt',
    bound_audiences: shape.aud,
    user_claim: USER_CLAIM[shape.kind],
  };
  if (shape.kind === 'other') role['bound_subject'] = shape.sub;
  else role['bound_claims'] = bound;
  Object.assign(role, {
    bound_claims_type: 'string',
    token_policies: options.policies ?? ['<POLICY>'],
    token_ttl: '15m',
    token_max_ttl: '1h',
  });
  return {
    auth_config: { oidc_discovery_url: shape.issuer, bound_issuer: shape.issuer },
    role,
  };
}

export function vaultNotes(shape: TokenShape): string[] {
  const notes = [
    'vault write auth/jwt/config with auth_config, then vault write auth/jwt/role/<NAME> with role (same for OpenBao: bao write)',
    'bound_claims_type "string" compares exactly; "glob" would let wildcards in',
  ];
  if (shape.kind !== 'other')
    notes.push(`bound_claims and user_claim use ids (entity aliases survive renames too): ${ID_REASON}`);
  return notes;
}
