/**
 * A fake Azure Key Vault data plane, every vault on one loopback port under `/<vault>/` (the reader's
 * URL template is `http://127.0.0.1:PORT/{vault}`): `GET /<vault>/secrets/<name>[/<version>]?api-version=`.
 * The Bearer token must be one the fake Entra issued for the Key Vault scope (another scope is a 401
 * with Key Vault's invalid-audience error), and its client must hold Key Vault Secrets User on the vault.
 */
import { randomBytes } from 'node:crypto';
import type { FakeEntra } from './entra.js';
import { takeFailure } from './jwt-trust.js';
import type { FailureSwitch } from './jwt-trust.js';
import { bearer, json, listen } from './loopback.js';

export interface FakeVaultSecret {
  /** Oldest first; the last is the current version. */
  versions: { id: string; value: string; enabled?: boolean }[];
}

export interface FakeKeyVaultVault {
  /** Client ids with the Key Vault Secrets User role. */
  readers: string[];
  secrets: Record<string, FakeVaultSecret>;
}

export interface FakeKeyVault {
  /** The reader's `url` option. */
  url: string;
  vaults: Record<string, FakeKeyVaultVault>;
  failures: FailureSwitch[];
  requests: { path: string; apiVersion?: string; scope?: string }[];
  close(): Promise<void>;
}

export const KEY_VAULT_SCOPE = 'https://vault.azure.net/.default';

export const versionId = (): string => randomBytes(16).toString('hex');

const error = (code: string, message: string, inner?: string) => ({
  error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) },
});

export async function startFakeKeyVault(
  entra: FakeEntra,
  vaults: Record<string, FakeKeyVaultVault>,
): Promise<FakeKeyVault> {
  const fake: FakeKeyVault = { url: '', vaults, failures: [], requests: [], close: async () => undefined };
  const server = await listen((req, res) => {
    const grant = entra.grants.get(bearer(req.headers) ?? '');
    const apiVersion = req.query.get('api-version') ?? undefined;
    fake.requests.push({
      path: req.path,
      ...(apiVersion ? { apiVersion } : {}),
      ...(grant ? { scope: grant.scope } : {}),
    });
    const failure = takeFailure(fake.failures, req.path);
    if (failure) return json(res, failure.status, error(failure.code ?? 'Throttled', 'try again'));
    const m = /^\/([a-z0-9-]+)\/secrets\/([A-Za-z0-9-]+)(?:\/([0-9a-f]{32}))?\/?$/.exec(req.path);
    if (req.method !== 'GET' || !m) return json(res, 404, error('NotFound', 'no such route'));
    if (!apiVersion)
      return json(res, 400, error('BadParameter', 'The request URI must contain api-version.'));
    if (!grant)
      return json(res, 401, error('Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.'));
    if (grant.scope !== KEY_VAULT_SCOPE)
      return json(
        res,
        401,
        error('Unauthorized', 'AKV10022: Invalid audience. Expected https://vault.azure.net'),
      );
    const [, vaultName, name, version] = m as unknown as [string, string, string, string | undefined];
    const vault = fake.vaults[vaultName];
    if (!vault) return json(res, 404, error('NotFound', `Vault ${vaultName} not found`));
    if (!vault.readers.includes(grant.clientId)) {
      return json(
        res,
        403,
        error(
          'Forbidden',
          `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'`,
          'ForbiddenByRbac',
        ),
      );
    }
    const secret = vault.secrets[name];
    const found = version ? secret?.versions.find((v) => v.id === version) : secret?.versions.at(-1);
    if (!found) {
      return json(
        res,
        404,
        error(
          'SecretNotFound',
          `A secret with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`,
        ),
      );
    }
    if (found.enabled === false)
      return json(
        res,
        403,
        error('Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled'),
      );
    json(res, 200, {
      value: found.value,
      id: `https://${vaultName}.vault.azure.net/secrets/${name}/${found.id}`,
      attributes: {
        enabled: true,
        created: 1767225600,
        updated: 1767225600,
        recoveryLevel: 'Recoverable+Purgeable',
      },
    });
  });
  fake.url = `${server.base}/{vault}`;
  fake.close = server.close;
  return fake;
}
