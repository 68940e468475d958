/**
 * What main hands to the post step through the runner's `GITHUB_STATE` (one JSON value, never logged):
 * how to revoke what was granted, which files to delete, which variables to empty. Main saves it
 * before exporting anything, so a main that fails half-way still leaves post enough to clean up.
 */
import type { Credentials } from '../../credentials/types.js';

export const STATE_NAME = 'keyless-credentials';

/** A Vault session the post step revokes: every lease, then the client token. */
export interface VaultHandle {
  kind: 'vault';
  address: string;
  namespace?: string;
  token: string;
  leases: string[];
}

/** A GitHub installation token from an octo-sts style STS, revoked with `DELETE /installation/token`. */
export interface GithubHandle {
  kind: 'github';
  apiUrl: string;
  token: string;
}

export type RevocationHandle = VaultHandle | GithubHandle;

export interface PostState {
  revoke: RevocationHandle[];
  /** Credential files written under RUNNER_TEMP. */
  files: string[];
  /** Variables exported to later steps. */
  env: string[];
  /** The private AZURE_CONFIG_DIR of an `az login`: post runs `az logout` in it (it is in `files` too). */
  azureConfigDir?: string;
}

export const emptyState = (): PostState => ({ revoke: [], files: [], env: [] });

export function parseState(text: string): PostState {
  if (text.trim() === '') return emptyState();
  const raw = JSON.parse(text) as Partial<PostState>;
  return {
    revoke: Array.isArray(raw.revoke) ? raw.revoke : [],
    files: Array.isArray(raw.files) ? raw.files.filter((f) => typeof f === 'string') : [],
    env: Array.isArray(raw.env) ? raw.env.filter((f) => typeof f === 'string') : [],
    ...(typeof raw.azureConfigDir === 'string' ? { azureConfigDir: raw.azureConfigDir } : {}),
  };
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The serializable part of a grant's `revoke`: the closure cannot cross into the post process, so the
 * handle is rebuilt from the grant and the values (the Vault client token travels as `VAULT_TOKEN`).
 */
export function revocationHandle(
  credentials: Credentials,
  githubApiUrl: string,
): RevocationHandle | undefined {
  if (credentials.provider === 'vault') {
    const token = credentials.values.find((v) => v.name === 'VAULT_TOKEN')?.value;
    const address = credentials.grant['address'];
    if (!token || typeof address !== 'string') return undefined;
    const namespace = credentials.grant['namespace'];
    return {
      kind: 'vault',
      address,
      token,
      leases: asList(credentials.grant['leases']),
      ...(typeof namespace === 'string' ? { namespace } : {}),
    };
  }
  if (credentials.provider === 'github') {
    const token = credentials.values.find((v) => v.secret)?.value;
    return token ? { kind: 'github', apiUrl: githubApiUrl, token } : undefined;
  }
  return undefined;
}
