/**
 * The fake GitHub's Actions secrets: repository and environment public keys from real libsodium key
 * pairs, writes opened with the private key (so a test sees the plaintext that arrived), listings with
 * updated_at, organization secrets shared with the repository. `start()` of the server awaits sodium.
 */
import sodium from 'libsodium-wrappers';

import { notFound, paginate, type AreaAnswer, type AreaRequest, type FakeArea } from './area.js';

export interface StoredSecret {
  value: string;
  created_at: string;
  updated_at: string;
}

interface Scope {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  secrets: Map<string, StoredSecret>;
}

export class FakeSecrets implements FakeArea {
  /** `''` is the repository; other keys are environment names. */
  private readonly scopes = new Map<string, Scope>();
  readonly environments: string[] = [];
  /** Organization secrets visible to the repository (names only, as GitHub lists them). */
  readonly organization: { name: string; updated_at: string }[] = [];
  private clock = Date.UTC(2026, 0, 10);
  private keys = 0;

  private scope(name: string): Scope {
    let scope = this.scopes.get(name);
    if (!scope) {
      const pair = sodium.crypto_box_keypair();
      scope = {
        keyId: `5681${String(++this.keys).padStart(14, '7')}`,
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
        secrets: new Map(),
      };
      this.scopes.set(name, scope);
    }
    return scope;
  }

  /** Plaintext of a secret as GitHub would hold it; `environment` undefined = repository. */
  value(name: string, environment?: string): string | undefined {
    return this.scopes.get(environment ?? '')?.secrets.get(name)?.value;
  }

  names(environment?: string): string[] {
    return [...(this.scopes.get(environment ?? '')?.secrets.keys() ?? [])];
  }

  /** Seeds a secret (for listings and promotion). */
  set(name: string, value: string, options: { environment?: string; updatedAt?: string } = {}): void {
    const at = options.updatedAt ?? this.now();
    this.scope(options.environment ?? '').secrets.set(name, { value, created_at: at, updated_at: at });
  }

  private now(): string {
    this.clock += 3_600_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  answer(request: AreaRequest): AreaAnswer | undefined {
    const { operationId, params, body } = request;
    const { owner, repo } = params;
    const envName = params['environment_name'];
    if (envName !== undefined && operationId.includes('environment') && !this.environments.includes(envName))
      return notFound();
    const scopeName = envName ?? '';
    switch (operationId) {
      case 'actions/get-repo-public-key':
      case 'actions/get-environment-public-key': {
        const scope = this.scope(scopeName);
        return [
          200,
          { key_id: scope.keyId, key: sodium.to_base64(scope.publicKey, sodium.base64_variants.ORIGINAL) },
        ];
      }
      case 'actions/create-or-update-repo-secret':
      case 'actions/create-or-update-environment-secret': {
        const scope = this.scope(scopeName);
        if (body['key_id'] !== scope.keyId) return [422, { message: 'key_id does not match the public key' }];
        let value: string;
        try {
          const sealed = sodium.from_base64(String(body['encrypted_value']), sodium.base64_variants.ORIGINAL);
          value = sodium.to_string(sodium.crypto_box_seal_open(sealed, scope.publicKey, scope.privateKey));
        } catch {
          return [422, { message: 'encrypted_value is not a sealed box for this key' }];
        }
        const name = String(params['secret_name']);
        const existing = scope.secrets.get(name);
        const at = this.now();
        scope.secrets.set(name, { value, created_at: existing?.created_at ?? at, updated_at: at });
        return existing ? [204, undefined] : [201, {}];
      }
      case 'actions/delete-repo-secret':
      case 'actions/delete-environment-secret': {
        if (!this.scope(scopeName).secrets.delete(String(params['secret_name']))) return notFound();
        return [204, undefined];
      }
      case 'actions/list-repo-secrets':
      case 'actions/list-environment-secrets': {
        const all = [...this.scope(scopeName).secrets].map(([name, s]) => ({
          name,
          created_at: s.created_at,
          updated_at: s.updated_at,
        }));
        const path = envName
          ? `/repos/${owner}/${repo}/environments/${envName}/secrets`
          : `/repos/${owner}/${repo}/actions/secrets`;
        const { items, headers } = paginate(all, request, path);
        return [200, { total_count: all.length, secrets: items }, headers];
      }
      case 'actions/list-repo-organization-secrets': {
        const all = this.organization.map((s) => ({ ...s, created_at: s.updated_at }));
        const { items, headers } = paginate(
          all,
          request,
          `/repos/${owner}/${repo}/actions/organization-secrets`,
        );
        return [200, { total_count: all.length, secrets: items }, headers];
      }
      case 'repos/get-all-environments': {
        const template = ((request.example(200)['environments'] as Record<string, unknown>[]) ?? [])[0] ?? {};
        const all = this.environments.map((name, i) => ({
          ...template,
          id: 7700 + i,
          name,
          url: `${request.url}/repos/${owner}/${repo}/environments/${name}`,
        }));
        const { items, headers } = paginate(all, request, `/repos/${owner}/${repo}/environments`);
        return [200, { total_count: all.length, environments: items }, headers];
      }
      default:
        return undefined;
    }
  }
}
