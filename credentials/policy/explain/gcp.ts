import type { Claims, TokenShape } from './shape.js';
import { ID_REASON, str } from './shape.js';

export interface GcpExplainOptions {
  projectNumber?: string;
  poolId?: string;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Claim -> attribute pairs for the condition, ids first; only claims the token carries. */
function pinned(claims: Claims, names: string[]): Array<[string, string]> {
  return names.flatMap((name) => {
    const value = str(claims, name);
    return value === undefined ? [] : [[name, value] as [string, string]];
  });
}

const PINS: Record<TokenShape['kind'], string[]> = {
  github: ['repository_owner_id', 'repository_id', 'ref', 'environment'],
  gitlab: ['namespace_id', 'project_id', 'ref_type', 'ref', 'environment'],
  other: ['sub'],
};

/** Workload identity pool provider: attribute mapping, a condition pinning this job, and the principal. */
export function gcpProvider(
  claims: Claims,
  shape: TokenShape,
  options: GcpExplainOptions = {},
): Record<string, unknown> {
  const pins = pinned(claims, PINS[shape.kind]);
  if (shape.kind === 'gitlab' && claims['ref_protected'] === 'true') pins.push(['ref_protected', 'true']);
  const mapping: Record<string, string> = { 'google.subject': 'assertion.sub' };
  for (const [name] of pins) if (name !== 'sub') mapping[`attribute.${name}`] = `assertion.${name}`;
  const principalClaim =
    shape.kind === 'github' ? 'repository_id' : shape.kind === 'gitlab' ? 'project_id' : undefined;
  const pool = `projects/${options.projectNumber ?? '<PROJECT_NUMBER>'}/locations/global/workloadIdentityPools/${options.poolId ?? '<POOL_ID>'}`;
  const principalValue = principalClaim ? str(claims, principalClaim) : undefined;
  const config: Record<string, unknown> = {
    issuerUri: shape.issuer,
    attributeMapping: mapping,
    attributeCondition: pins.map(([name, value]) => `assertion.${name} == ${quote(value)}`).join(' && '),
    principal:
      principalClaim && principalValue
        ? `principalSet://iam.googleapis.com/${pool}/attribute.${principalClaim}/${principalValue}`
        : `principal://iam.googleapis.com/${pool}/subject/${shape.sub}`,
  };
  // The default allowed audience is the provider's own resource name; any other aud must be listed.
  if (shape.aud.length > 0 && !shape.aud.some((a) => a.startsWith('https://iam.googleapis.com/')))
    config['allowedAudiences'] = shape.aud;
  return config;
}

export function gcpNotes(shape: TokenShape): string[] {
  const notes = [
    'grant roles/iam.workloadIdentityUser (service-account impersonation) or resource roles directly to the principal',
  ];
  if (shape.kind !== 'other')
    notes.push(
      `the condition and principal use ${shape.kind === 'github' ? 'repository and owner' : 'project and namespace'} ids: ${ID_REASON}`,
    );
  return notes;
}
