/**
 * The fake GitHub's organization Actions secrets: one organization public key from a real libsodium key
 * pair, writes opened with the private key, and each secret's visibility and selected repositories kept,
 * so a test can prove a write never widened who may read a secret.
 */
import sodium from 'libsodium-wrappers';

import { notFound, paginate, type AreaAnswer, type AreaRequest, type FakeArea } from './area.js';

export type OrgVisibility = 'all' | 'private' | 'selected';

export interface StoredOrgSecret {
  value: string;
  visibility: OrgVisibility;
  /** Repository ids; only meaningful for `selected`. */
  selected: number[];
  created_at: string;
  updated_at: string;
}

export class FakeOrgSecrets implements FakeArea {
  readonly secrets = new Map<string, StoredOrgSecret>();
  readonly keyId = '3380' + '4129576011';
  private pair: { publicKey: Uint8Array; privateKey: Uint8Array } | undefined;
  private clock = Date.UTC(2026, 1, 3);

  private keys(): { publicKey: Uint8Array; privateKey: Uint8Array } {
    this.pair ??= sodium.crypto_box_keypair();
    return this.pair;
  }

  /** Seeds a secret as an administrator would have made it. */
  set(
    name: string,
    value: string,
    options: { visibility?: OrgVisibility; selected?: number[]; updatedAt?: string } = {},
  ): void {
    const at = options.updatedAt ?? this.now();
    this.secrets.set(name, {
      value,
      visibility: options.visibility ?? 'selected',
      selected: options.selected ?? [],
      created_at: at,
      updated_at: at,
    });
  }

  private now(): string {
    this.clock += 3_600_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  answer(request: AreaRequest): AreaAnswer | undefined {
    const { operationId, params, body } = request;
    const name = String(params['secret_name'] ?? '');
    const org = String(params['org'] ?? '');
    switch (operationId) {
      case 'actions/get-org-public-key':
        return [
          200,
          {
            key_id: this.keyId,
            key: sodium.to_base64(this.keys().publicKey, sodium.base64_variants.ORIGINAL),
          },
        ];
      case 'actions/get-org-secret': {
        const secret = this.secrets.get(name);
        if (!secret) return notFound();
        return [
          200,
          {
            name,
            created_at: secret.created_at,
            updated_at: secret.updated_at,
            visibility: secret.visibility,
            ...(secret.visibility === 'selected'
              ? {
                  selected_repositories_url: `${request.url}/orgs/${org}/actions/secrets/${name}/repositories`,
                }
              : {}),
          },
        ];
      }
      case 'actions/list-selected-repos-for-org-secret': {
        const secret = this.secrets.get(name);
        if (!secret) return notFound();
        if (secret.visibility !== 'selected') return [409, { message: 'visibility is not selected' }];
        const template = (request.example(200)['repositories'] as Record<string, unknown>[])[0] ?? {};
        const all = secret.selected.map((id) => ({ ...template, id, name: `repo-${id}` }));
        const { items, headers } = paginate(
          all,
          request,
          `/orgs/${org}/actions/secrets/${name}/repositories`,
        );
        return [200, { total_count: all.length, repositories: items }, headers];
      }
      case 'actions/create-or-update-org-secret': {
        if (body['key_id'] !== this.keyId) return [422, { message: 'key_id does not match the public key' }];
        const visibility = body['visibility'] as OrgVisibility;
        const ids = body['selected_repository_ids'];
        // GitHub accepts repository ids only together with `selected`.
        if (ids !== undefined && visibility !== 'selected')
          return [422, { message: 'selected_repository_ids needs visibility selected' }];
        let value: string;
        try {
          const sealed = sodium.from_base64(String(body['encrypted_value']), sodium.base64_variants.ORIGINAL);
          const { publicKey, privateKey } = this.keys();
          value = sodium.to_string(sodium.crypto_box_seal_open(sealed, publicKey, privateKey));
        } catch {
          return [422, { message: 'encrypted_value is not a sealed box for this key' }];
        }
        const existing = this.secrets.get(name);
        const at = this.now();
        this.secrets.set(name, {
          value,
          visibility,
          selected: visibility === 'selected' ? ((ids as number[] | undefined) ?? []) : [],
          created_at: existing?.created_at ?? at,
          updated_at: at,
        });
        return existing ? [204, undefined] : [201, {}];
      }
      case 'actions/delete-org-secret':
        if (!this.secrets.delete(name)) return notFound();
        return [204, undefined];
      default:
        return undefined;
    }
  }
}
