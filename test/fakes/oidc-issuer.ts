/**
 * A local OpenID Connect issuer for the credentials tests: real HTTP on loopback serving
 * `/.well-known/openid-configuration` and a JWKS, RS256 and ES256 keys made with node:crypto, and
 * GitHub- and GitLab-shaped job tokens with the claims those CIs put in them (shared/FACTS.md).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type Claims = Record<string, unknown>;

export interface MintOptions {
  alg?: 'RS256' | 'ES256';
  /** Override the header `kid` (e.g. one the JWKS does not list). */
  kid?: string;
  /** Sign with this key instead of the issuer's (a forged token with a valid-looking kid). */
  signWith?: KeyObject;
}

export interface OidcIssuerOptions {
  /** Path prefix of the issuer, e.g. `/_services/token` for the GHES shape. Default: none. */
  path?: string;
  /** Where the discovery document says the JWKS is. Default `<issuer>/.well-known/jwks`. */
  jwksPath?: string;
}

export interface OidcIssuer {
  /** `http://127.0.0.1:PORT[path]` — the `iss` of every token minted here. */
  issuer: string;
  jwksUri: string;
  /** `kid` of the RS256 and ES256 keys in the JWKS. */
  kids: { RS256: string; ES256: string };
  /** Every request path served, in order (`/.well-known/openid-configuration`, ...). */
  requests: string[];
  /** When set, every endpoint answers with this status (e.g. 503) instead of its document. */
  failWith: number | undefined;
  /** `Cache-Control` sent with the discovery document and the JWKS (none when undefined). */
  cacheControl: string | undefined;
  /** A new RS256 key: added to the JWKS (the old one stays), used by RS256 mints from now on. */
  rotate(): string;
  /** Signs `claims` as given (add iss/aud/exp yourself, or use github()/gitlab()). */
  mint(claims: Claims, options?: MintOptions): string;
  /** Realistic GitHub Actions claims, `iss` = this issuer, valid for 5 minutes; `overrides` win. */
  githubClaims(overrides?: Claims): Claims;
  gitlabClaims(overrides?: Claims): Claims;
  github(overrides?: Claims, options?: MintOptions): string;
  gitlab(overrides?: Claims, options?: MintOptions): string;
  close(): Promise<void>;
}

const b64u = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function digits(count: number): string {
  let out = String(1 + (randomBytes(1)[0]! % 9));
  for (const byte of randomBytes(count - 1)) out += String(byte % 10);
  return out;
}

export function signJwt(header: Claims, claims: Claims, key: KeyObject, alg: 'RS256' | 'ES256'): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const signature =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key)
      : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(signature)}`;
}

/** A fresh RS256 private key, e.g. for `signWith` in a forged-signature test. */
export function otherRsaKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

export function githubClaims(issuer: string, overrides: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  const owner = 'northwind-labs';
  const repo = `${owner}/ledger-api`;
  return {
    jti: randomUUID(),
    sub: `repo:${repo}:environment:production`,
    environment: 'production',
    aud: 'sts.amazonaws.com',
    ref: 'refs/heads/main',
    sha: randomBytes(20).toString('hex'),
    repository: repo,
    repository_owner: owner,
    actor_id: digits(7),
    repository_visibility: 'private',
    repository_id: '812934605',
    repository_owner_id: '140297361',
    run_id: digits(10),
    run_number: '57',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    actor: 'mhernandez',
    workflow: 'deploy',
    head_ref: '',
    base_ref: '',
    event_name: 'push',
    ref_type: 'branch',
    ref_protected: 'true',
    workflow_ref: `${repo}/.github/workflows/deploy.yml@refs/heads/main`,
    workflow_sha: randomBytes(20).toString('hex'),
    job_workflow_ref: `${repo}/.github/workflows/deploy.yml@refs/heads/main`,
    job_workflow_sha: randomBytes(20).toString('hex'),
    iss: issuer,
    nbf: now - 5,
    iat: now - 5,
    exp: now + 300,
    ...overrides,
  };
}

export function gitlabClaims(issuer: string, overrides: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  const project = 'platform-team/billing-worker';
  return {
    namespace_id: '4417',
    namespace_path: 'platform-team',
    project_id: '90321',
    project_path: project,
    user_id: '2871',
    user_login: 'jtanaka',
    user_email: 'jtanaka@northwind-labs.dev',
    user_access_level: 'maintainer',
    pipeline_id: digits(9),
    pipeline_source: 'push',
    job_id: digits(10),
    ref: 'main',
    ref_type: 'branch',
    ref_path: 'refs/heads/main',
    ref_protected: 'true',
    environment: 'production',
    environment_protected: 'true',
    deployment_tier: 'production',
    environment_action: 'start',
    runner_id: 31,
    runner_environment: 'gitlab-hosted',
    sha: randomBytes(20).toString('hex'),
    project_visibility: 'private',
    ci_config_ref_uri: `gitlab.northwind-labs.dev/${project}//.gitlab-ci.yml@refs/heads/main`,
    ci_config_sha: randomBytes(20).toString('hex'),
    jti: randomUUID(),
    iss: issuer,
    iat: now - 5,
    nbf: now - 10,
    exp: now + 300,
    sub: `project_path:${project}:ref_type:branch:ref:main`,
    aud: 'https://vault.northwind-labs.dev',
    ...overrides,
  };
}

function send(res: ServerResponse, status: number, body: unknown, cacheControl?: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(cacheControl !== undefined ? { 'cache-control': cacheControl } : {}),
  });
  res.end(JSON.stringify(body));
}

export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  let rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kids = { RS256: b64u(randomBytes(12)), ES256: b64u(randomBytes(12)) };
  const prefix = options.path ?? '';
  const jwksPath = `${prefix}${options.jwksPath ?? '/.well-known/jwks'}`;
  const jwk = (key: KeyObject, kid: string, alg: string): JsonWebKey => ({
    ...key.export({ format: 'jwk' }),
    kid,
    alg,
    use: 'sig',
  });
  const jwks = {
    keys: [jwk(rsa.publicKey, kids.RS256, 'RS256'), jwk(ec.publicKey, kids.ES256, 'ES256')],
  };
  const rotate = (): string => {
    rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    kids.RS256 = b64u(randomBytes(12));
    jwks.keys.push(jwk(rsa.publicKey, kids.RS256, 'RS256'));
    return kids.RS256;
  };

  const state = { base: '' };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    issuer.requests.push(path);
    if (issuer.failWith !== undefined) return send(res, issuer.failWith, { error: 'unavailable' });
    if (path === `${prefix}/.well-known/openid-configuration`) {
      return send(
        res,
        200,
        {
          issuer: issuer.issuer,
          jwks_uri: issuer.jwksUri,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
          claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository'],
          scopes_supported: ['openid'],
        },
        issuer.cacheControl,
      );
    }
    if (path === jwksPath) return send(res, 200, jwks, issuer.cacheControl);
    send(res, 404, { error: 'not found' });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const mint = (claims: Claims, opts: MintOptions = {}): string => {
    const alg = opts.alg ?? 'RS256';
    const key = opts.signWith ?? (alg === 'RS256' ? rsa.privateKey : ec.privateKey);
    return signJwt({ typ: 'JWT', alg, kid: opts.kid ?? kids[alg] }, claims, key, alg);
  };

  const issuer: OidcIssuer = {
    issuer: `${state.base}${prefix}`,
    jwksUri: `${state.base}${jwksPath}`,
    kids,
    requests: [],
    failWith: undefined,
    cacheControl: undefined,
    rotate,
    mint,
    githubClaims: (overrides) => githubClaims(issuer.issuer, overrides),
    gitlabClaims: (overrides) => gitlabClaims(issuer.issuer, overrides),
    github: (overrides, opts) => mint(githubClaims(issuer.issuer, overrides), opts),
    gitlab: (overrides, opts) => mint(gitlabClaims(issuer.issuer, overrides), opts),
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
  return issuer;
}
