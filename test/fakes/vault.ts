/**
 * A fake Vault/OpenBao on loopback: JWT auth roles with bound_audiences/bound_claims (the token is
 * verified against the issuer's JWKS), KV v2 under `secret/`, KV v1 under `kv/`, dynamic
 * `database/creds/<role>` and `aws/creds/<role>` secrets with leases, and the revoke endpoints,
 * which record what they revoked. Answers and errors follow Vault's JSON shapes (`{errors: [...]}`).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { judge, readBody, takeFailure } from './jwt-trust.js';
import type { FailureSwitch } from './jwt-trust.js';

export interface FakeVaultRole {
  issuer: string;
  jwksUri: string;
  boundAudiences: string[];
  boundClaims?: Record<string, string>;
  /** Path prefixes the role's token may read: `secret/data/ci/`, `database/creds/`. */
  allow: string[];
  ttl?: number;
}

export interface FakeVaultOptions {
  mount?: string;
  /** When set, every request must carry this `X-Vault-Namespace`. */
  namespace?: string;
  roles: Record<string, FakeVaultRole>;
  /** KV v2 under `secret/`: `{ 'ci/deploy': { api_key: '...' } }`. */
  kv2?: Record<string, Record<string, string>>;
  /** KV v1 under `kv/`. */
  kv1?: Record<string, Record<string, string>>;
}

export interface FakeVault {
  address: string;
  failures: FailureSwitch[];
  /** Paths requested, in order, with the method: `POST /v1/auth/jwt/login`. */
  requests: string[];
  /** Client tokens issued (live and revoked). */
  tokens: Map<string, { role: string; revoked: boolean; leases: string[] }>;
  /** Leases issued, with the secret data they carry. */
  leases: Map<string, Record<string, string>>;
  revokedLeases: string[];
  revokedTokens: string[];
  close(): Promise<void>;
}

const rand = (n: number): string => randomBytes(n).toString('base64url');

export async function startFakeVault(options: FakeVaultOptions): Promise<FakeVault> {
  const mount = options.mount ?? 'jwt';
  const vault: FakeVault = {
    address: '',
    failures: [],
    requests: [],
    tokens: new Map(),
    leases: new Map(),
    revokedLeases: [],
    revokedTokens: [],
    close: async () => undefined,
  };
  const allowOf = new Map<string, string[]>();

  function send(res: ServerResponse, status: number, body?: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
  const fail = (res: ServerResponse, status: number, ...errors: string[]) => send(res, status, { errors });

  async function login(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const roleName = String(body.role ?? '');
    const role = options.roles[roleName];
    if (!role) return fail(res, 400, `role "${roleName}" could not be found`);
    if (typeof body.jwt !== 'string') return fail(res, 400, 'missing token');
    const verdict = await judge(body.jwt, {
      issuer: role.issuer,
      jwksUri: role.jwksUri,
      audiences: role.boundAudiences,
      ...(role.boundClaims ? { claims: role.boundClaims } : {}),
    });
    if (!verdict.ok) {
      if (verdict.reason === 'audience') {
        return fail(
          res,
          400,
          'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
        );
      }
      if (verdict.reason.startsWith('claim ')) {
        return fail(
          res,
          400,
          `error validating claims: claim "${verdict.reason.slice(6)}" does not match any associated bound claim values`,
        );
      }
      return fail(res, 400, `error validating token: ${verdict.reason}`);
    }
    const token = `hvs.${rand(24)}`;
    vault.tokens.set(token, { role: roleName, revoked: false, leases: [] });
    allowOf.set(token, role.allow);
    send(res, 200, {
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      auth: {
        client_token: token,
        accessor: rand(18),
        policies: ['default', `ci-${roleName}`],
        token_policies: ['default', `ci-${roleName}`],
        metadata: { role: roleName },
        lease_duration: role.ttl ?? 1200,
        renewable: true,
        entity_id: randomUUID(),
        token_type: 'service',
        orphan: true,
      },
    });
  }

  function read(res: ServerResponse, path: string, token: string): void {
    const allow = allowOf.get(token) ?? [];
    if (!allow.some((prefix) => path.startsWith(prefix))) return fail(res, 403, 'permission denied');
    const envelope = { request_id: randomUUID(), renewable: false, lease_id: '', lease_duration: 0 };
    const kv2 = /^secret\/data\/(.+)$/.exec(path);
    if (kv2) {
      const data = options.kv2?.[kv2[1]!];
      if (!data) return fail(res, 404);
      const metadata = {
        created_time: new Date().toISOString(),
        version: 3,
        destroyed: false,
        deletion_time: '',
      };
      return send(res, 200, { ...envelope, data: { data, metadata } });
    }
    const kv1 = /^kv\/(.+)$/.exec(path);
    if (kv1) {
      const data = options.kv1?.[kv1[1]!];
      return data ? send(res, 200, { ...envelope, lease_duration: 2764800, data }) : fail(res, 404);
    }
    const dynamic = /^(database|aws)\/creds\/([\w-]+)$/.exec(path);
    if (dynamic) {
      const data =
        dynamic[1] === 'database'
          ? { username: `v-jwt-${dynamic[2]}-${rand(6)}`, password: rand(20) }
          : { access_key: `AKIA${rand(12).toUpperCase()}`, secret_key: rand(30) };
      const leaseId = `${path}/${rand(18)}`;
      vault.leases.set(leaseId, data);
      vault.tokens.get(token)!.leases.push(leaseId);
      return send(res, 200, { ...envelope, lease_id: leaseId, lease_duration: 900, renewable: true, data });
    }
    fail(res, 404, `no handler for route "${path}". route entry not found.`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      vault.requests.push(`${req.method} ${path}`);
      const raw = await readBody(req);
      const failure = takeFailure(vault.failures, path);
      if (failure) return fail(res, failure.status, failure.code ?? 'try again later');
      if (options.namespace !== undefined && req.headers['x-vault-namespace'] !== options.namespace) {
        return fail(res, 403, 'permission denied');
      }
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      if (req.method === 'POST' && path === `/v1/auth/${mount}/login`) return login(res, body);
      if (path.startsWith('/v1/auth/') && path.endsWith('/login')) {
        return fail(res, 400, `no handler for route "${path.slice(4)}". route entry not found.`);
      }
      const token = String(req.headers['x-vault-token'] ?? '');
      const state = vault.tokens.get(token);
      if (!state || state.revoked) return fail(res, 403, 'permission denied');
      if (req.method === 'PUT' && path === '/v1/sys/leases/revoke') {
        const lease = String(body.lease_id ?? '');
        if (!vault.leases.has(lease)) return fail(res, 400, 'invalid lease ID');
        vault.revokedLeases.push(lease);
        return send(res, 204);
      }
      if (req.method === 'POST' && path === '/v1/auth/token/revoke-self') {
        state.revoked = true;
        vault.revokedTokens.push(token);
        return send(res, 204);
      }
      if (req.method === 'GET' && path.startsWith('/v1/')) return read(res, path.slice(4), token);
      fail(res, 405, 'unsupported operation');
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  vault.address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vault.close = () =>
    new Promise<void>((done, fail) => {
      server.closeAllConnections();
      server.close((error) => (error ? fail(error) : done()));
    });
  return vault;
}
