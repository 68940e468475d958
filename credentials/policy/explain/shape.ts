export type Claims = Record<string, unknown>;

export type CiKind = 'github' | 'gitlab' | 'other';

export interface TokenShape {
  kind: CiKind;
  /** `iss` without a trailing slash. */
  issuer: string;
  /** The issuer without scheme (`token.actions.githubusercontent.com`, `HOST/_services/token`): IAM's provider name. */
  host: string;
  sub: string;
  aud: string[];
  /** The `repo:O@ID/R@ID` subject GitHub gives repositories created after 2026-07-15. */
  idBasedSub: boolean;
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export function str(claims: Claims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function shapeOf(claims: Claims): TokenShape {
  const issuer = String(claims['iss'] ?? '').replace(/\/+$/, '');
  const sub = String(claims['sub'] ?? '');
  const aud = claims['aud'];
  const github =
    issuer === GITHUB_ISSUER ||
    issuer.endsWith('/_services/token') ||
    (str(claims, 'repository') !== undefined && str(claims, 'job_workflow_ref') !== undefined);
  const gitlab =
    !github && str(claims, 'project_path') !== undefined && str(claims, 'namespace_id') !== undefined;
  return {
    kind: github ? 'github' : gitlab ? 'gitlab' : 'other',
    issuer,
    host: issuer.replace(/^https?:\/\//, ''),
    sub,
    aud: Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : [],
    idBasedSub: /^repo:[^/:]+@\d+\/[^/:]+@\d+:/.test(sub),
  };
}

/** Why the generated configurations pin ids rather than names. */
export const ID_REASON =
  'ids never change and are never reused, while a name can be taken over: after a rename, transfer or ' +
  'deletion someone else can create an owner or repository/project with the old name and mint matching tokens';

/** A short name for the credential/role, from the repository or project. */
export function slug(claims: Claims, shape: TokenShape): string {
  const base = str(claims, 'repository') ?? str(claims, 'project_path') ?? shape.sub;
  return `keyless-${base.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 120);
}
