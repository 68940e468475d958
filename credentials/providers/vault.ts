/**
 * Vault and OpenBao: JWT login (`POST /v1/auth/<mount>/login {role, jwt}`), reads of the listed
 * paths with the client token, and a `revoke` that revokes every lease and then the token itself.
 * A failure after login revokes what was already obtained before reporting.
 */
import { httpJson } from './http.js';
import type { HttpCall } from './http.js';
import { trimSlash } from './http.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { CredentialProvider, CredentialValue, Credentials, Fetch, IdentityToken } from '../types.js';
import { parseSelectors, pickField } from './vault-selectors.js';
import type { VaultSelector } from './vault-selectors.js';

export interface VaultRequest {
  /** `https://vault.example.internal:8200` */
  address: string;
  /** Vault Enterprise / HCP / OpenBao namespace, sent as `X-Vault-Namespace`. */
  namespace?: string;
  /** Auth mount path. Default `jwt`. */
  mount?: string;
  role: string;
  /** Expected `aud` (the role's bound_audiences). Default: the address. */
  audience?: string;
  /** `PATH FIELD | NAME` selectors (see vault-selectors.ts), as lines or one string. */
  secrets: string | string[];
  /** Also export the client token as VAULT_TOKEN (plus VAULT_ADDR / VAULT_NAMESPACE). Default false. */
  exportToken?: boolean;
}

export interface VaultProviderOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
}

interface Session {
  address: string;
  headers: Record<string, string>;
  token: string;
  leases: string[];
}

function loginCause(
  status: number,
  detail: string,
  request: VaultRequest,
  mount: string,
): string | undefined {
  if (/role .*(not found|could not be found)|invalid role/i.test(detail)) {
    return `no JWT role "${request.role}" at auth/${mount}: create it (\`keyless credentials explain\` prints one)`;
  }
  if (/aud|claim|bound|subject/i.test(detail)) {
    return "the role's bound_audiences/bound_claims do not match this token: run `keyless credentials explain`";
  }
  if (/no handler|unsupported path|route/i.test(detail) || status === 404) {
    return `no auth method is mounted at auth/${mount} (or the namespace is wrong)`;
  }
  if (status === 403)
    return 'permission denied: check the namespace and that the JWT auth method trusts this issuer';
  return undefined;
}

function readCause(status: number, path: string): string | undefined {
  if (status === 403) return `the role's token policies do not allow reading ${path}`;
  if (status === 404) {
    return `nothing at ${path}${/^secret\/(?!data\/)/.test(path) ? ' (KV v2 reads go through secret/data/<name>)' : ''}`;
  }
  return undefined;
}

export class VaultProvider implements CredentialProvider<VaultRequest> {
  readonly name = 'vault';

  constructor(private readonly options: VaultProviderOptions = {}) {}

  defaultAudience(request: VaultRequest): string {
    return request.audience ?? trimSlash(request.address);
  }

  private get fetch(): Fetch {
    return this.options.fetch ?? fetch;
  }

  private send(call: HttpCall) {
    return httpJson(this.fetch, call, this.options.retry);
  }

  async exchange(token: IdentityToken, request: VaultRequest): Promise<Credentials> {
    const selectors = parseSelectors(request.secrets);
    const mount = (request.mount ?? 'jwt').replace(/^\/+|\/+$/g, '');
    const address = trimSlash(request.address);
    const headers: Record<string, string> = request.namespace
      ? { 'x-vault-namespace': request.namespace }
      : {};
    const login = await this.send({
      what: `Vault JWT login (auth/${mount}, role ${request.role})`,
      url: `${address}/v1/auth/${mount}/login`,
      method: 'POST',
      headers,
      body: { role: request.role, jwt: token.raw },
      secrets: [token.raw],
      explain: (status, detail) => loginCause(status, detail, request, mount),
    });
    const auth = (
      login.json as { auth?: { client_token?: unknown; lease_duration?: unknown; policies?: unknown } }
    )?.auth;
    if (typeof auth?.client_token !== 'string' || auth.client_token === '') {
      throw new CredentialError(`Vault JWT login (auth/${mount}): the answer has no auth.client_token`);
    }
    const session: Session = { address, headers, token: auth.client_token, leases: [] };
    let expiresAt =
      typeof auth.lease_duration === 'number' && auth.lease_duration > 0 ? auth.lease_duration : undefined;

    const values: CredentialValue[] = [];
    try {
      const byPath = new Map<string, VaultSelector[]>();
      for (const s of selectors) byPath.set(s.path, [...(byPath.get(s.path) ?? []), s]);
      for (const [path, wanted] of byPath) {
        const read = await this.send({
          what: `Vault read ${path}`,
          url: `${address}/v1/${path}`,
          method: 'GET',
          headers: { ...headers, 'x-vault-token': session.token },
          secrets: [token.raw, session.token],
          explain: (status) => readCause(status, path),
        });
        const body = read.json as { lease_id?: unknown; lease_duration?: unknown } | undefined;
        if (typeof body?.lease_id === 'string' && body.lease_id !== '') session.leases.push(body.lease_id);
        if (typeof body?.lease_duration === 'number' && body.lease_duration > 0) {
          expiresAt = Math.min(expiresAt ?? Infinity, body.lease_duration);
        }
        for (const s of wanted) {
          const value = pickField(read.json, s.field);
          if (value === undefined || value === null) {
            throw new CredentialError(`Vault read ${path}: no field "${s.field}"`, 'config');
          }
          values.push({
            name: s.name,
            value: typeof value === 'string' ? value : JSON.stringify(value),
            secret: true,
          });
        }
      }
    } catch (error) {
      await this.revokeSession(session).catch(() => undefined);
      throw error;
    }

    if (request.exportToken) {
      values.push({ name: 'VAULT_TOKEN', value: session.token, secret: true });
      values.push({ name: 'VAULT_ADDR', value: address, secret: false });
      if (request.namespace)
        values.push({ name: 'VAULT_NAMESPACE', value: request.namespace, secret: false });
    }
    return {
      provider: this.name,
      values,
      ...(expiresAt === undefined ? {} : { expiresAt: new Date(Date.now() + expiresAt * 1000) }),
      grant: {
        address,
        role: request.role,
        mount: `auth/${mount}`,
        paths: [...new Set(selectors.map((s) => s.path))],
        ...(request.namespace ? { namespace: request.namespace } : {}),
        ...(Array.isArray(auth.policies) ? { policies: auth.policies.map(String) } : {}),
        ...(session.leases.length ? { leases: [...session.leases] } : {}),
      },
      revoke: () => this.revokeSession(session),
    };
  }

  /** Every lease, then the token; all are attempted even when one fails. */
  private async revokeSession(session: Session): Promise<void> {
    const failed: string[] = [];
    const headers = { ...session.headers, 'x-vault-token': session.token };
    for (const lease of session.leases) {
      try {
        await this.send({
          what: `Vault revoke lease ${lease}`,
          url: `${session.address}/v1/sys/leases/revoke`,
          method: 'PUT',
          headers,
          body: { lease_id: lease },
          secrets: [session.token],
        });
      } catch (error) {
        failed.push((error as Error).message);
      }
    }
    try {
      await this.send({
        what: 'Vault token revoke-self',
        url: `${session.address}/v1/auth/token/revoke-self`,
        method: 'POST',
        headers,
        secrets: [session.token],
      });
    } catch (error) {
      failed.push((error as Error).message);
    }
    if (failed.length > 0) throw new CredentialError(`Vault revocation incomplete: ${failed.join('; ')}`);
  }
}
