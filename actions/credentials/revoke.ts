/**
 * Post-step revocation from the handles main saved: Vault leases then the token (revoke-self), GitHub
 * installation tokens. Every handle is attempted; failures come back as messages (already scrubbed by
 * `httpJson`) for warnings — a failed revoke must not fail the job, the grant expires anyway.
 */
import { httpJson, trimSlash } from '../../credentials/providers/http.js';
import type { RetryOptions } from '../../credentials/retry.js';
import { CredentialError } from '../../credentials/types.js';
import type { RevocationHandle, VaultHandle, GithubHandle } from './state.js';

const RETRY: RetryOptions = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 };

export interface RevokeOutcome {
  revoked: string[];
  failed: string[];
}

async function revokeVault(handle: VaultHandle, outcome: RevokeOutcome): Promise<void> {
  const address = trimSlash(handle.address);
  const headers: Record<string, string> = { 'x-vault-token': handle.token };
  if (handle.namespace) headers['x-vault-namespace'] = handle.namespace;
  for (const lease of handle.leases) {
    try {
      await httpJson(
        fetch,
        {
          what: `Vault revoke lease ${lease}`,
          url: `${address}/v1/sys/leases/revoke`,
          method: 'PUT',
          headers: { ...headers },
          body: { lease_id: lease },
          secrets: [handle.token],
        },
        RETRY,
      );
      outcome.revoked.push(`Vault lease ${lease}`);
    } catch (error) {
      outcome.failed.push((error as Error).message);
    }
  }
  try {
    await httpJson(
      fetch,
      {
        what: 'Vault token revoke-self',
        url: `${address}/v1/auth/token/revoke-self`,
        method: 'POST',
        headers: { ...headers },
        secrets: [handle.token],
      },
      RETRY,
    );
    outcome.revoked.push(`Vault token (${address})`);
  } catch (error) {
    outcome.failed.push((error as Error).message);
  }
}

async function revokeGithub(handle: GithubHandle, outcome: RevokeOutcome): Promise<void> {
  try {
    await httpJson(
      fetch,
      {
        what: 'GitHub installation token revoke',
        url: `${trimSlash(handle.apiUrl)}/installation/token`,
        method: 'DELETE',
        headers: {
          authorization: `Bearer ${handle.token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        },
        secrets: [handle.token],
        explain: (status) => (status === 401 ? 'the token is already expired or revoked' : undefined),
      },
      RETRY,
    );
    outcome.revoked.push('GitHub installation token');
  } catch (error) {
    // 401: expired or already revoked — nothing left to undo.
    if (error instanceof CredentialError && /HTTP 401/.test(error.message)) return;
    outcome.failed.push((error as Error).message);
  }
}

export async function revokeHandles(handles: readonly RevocationHandle[]): Promise<RevokeOutcome> {
  const outcome: RevokeOutcome = { revoked: [], failed: [] };
  for (const handle of handles) {
    if (handle.kind === 'vault') await revokeVault(handle, outcome);
    else await revokeGithub(handle, outcome);
  }
  return outcome;
}
