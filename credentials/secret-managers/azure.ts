/**
 * Azure Key Vault: `GET https://VAULT.vault.azure.net/secrets/NAME[/VERSION]?api-version=7.4` with a
 * token whose audience is Key Vault. That is a different resource from the management API, so unless
 * `azure-scope` already is the Key Vault scope, the job token is presented to Entra a second time
 * (same client assertion, scope `https://vault.azure.net/.default`); that token is only used here.
 */
import { AzureProvider } from '../providers/azure.js';
import type { AzureRequest } from '../providers/azure.js';
import { httpJson, trimSlash } from '../providers/http.js';
import type { RetryOptions } from '../retry.js';
import { CredentialError } from '../types.js';
import type { CredentialValue, Credentials, Fetch, IdentityToken } from '../types.js';
import { checkNames, selectorLines, variableName } from './selectors.js';

export const AZURE_SHAPE = 'VAULT_NAME/SECRET[/VERSION] | NAME';
const MANAGER = 'Azure Key Vault';
export const KEY_VAULT_URL = 'https://{vault}.vault.azure.net';
const API_VERSION = '7.4';

export interface AzureSecretSelector {
  line: string;
  vault: string;
  secret: string;
  version?: string;
  name: string;
}

const REF = /^([A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9])\/([A-Za-z0-9-]{1,127})(?:\/([0-9a-fA-F]{32}))?$/;

export function parseAzureSecrets(input: string | readonly string[]): AzureSecretSelector[] {
  const out = selectorLines(input, MANAGER, AZURE_SHAPE).map(({ line, ref, name }) => {
    const m = REF.exec(ref);
    if (!m)
      throw new CredentialError(
        `${MANAGER} selector "${line.slice(0, 160)}" is not ${AZURE_SHAPE}`,
        'config',
      );
    return {
      line,
      vault: m[1]!.toLowerCase(),
      secret: m[2]!,
      ...(m[3] ? { version: m[3].toLowerCase() } : {}),
      name: name ?? variableName(m[2]!),
    };
  });
  checkNames(MANAGER, out);
  return out;
}

export interface AzureKeyVaultOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
  /** Entra authority host for the Key Vault token (as the Azure provider's). */
  authorityHost?: string;
  /**
   * Vault URL with a `{vault}` placeholder. Default `https://{vault}.vault.azure.net`; sovereign
   * clouds `https://{vault}.vault.azure.cn`, `https://{vault}.vault.usgovcloudapi.net`.
   */
  url?: string;
}

/** The token scope for the vault host: `https://{vault}.vault.azure.cn` -> `https://vault.azure.cn/.default`. */
export function keyVaultScope(url: string = KEY_VAULT_URL): string {
  const suffix = /^https:\/\/\{vault\}\.([a-z0-9.-]+)\/?$/i.exec(url)?.[1];
  return `https://${suffix ?? 'vault.azure.net'}/.default`;
}

function readCause(
  status: number,
  detail: string,
  s: AzureSecretSelector,
  scope: string,
): string | undefined {
  const ref = `${s.secret}${s.version ? ` version ${s.version}` : ''}`;
  if (status === 404) return `no secret ${ref} in vault ${s.vault}`;
  if (status === 401) return `the token was refused: Key Vault wants one for ${scope}`;
  if (status === 403) {
    if (/disabled/i.test(detail)) return `secret ${s.secret} is disabled`;
    if (/network|firewall|ForbiddenByFirewall|IP/i.test(detail))
      return `vault ${s.vault}'s network rules do not admit this runner`;
    return `the identity lacks the Key Vault Secrets User role on vault ${s.vault} (or, with access policies, the Get secret permission)`;
  }
  return undefined;
}

export class AzureKeyVaultReader {
  readonly name = 'azure-key-vault';

  constructor(private readonly options: AzureKeyVaultOptions = {}) {}

  get scope(): string {
    return keyVaultScope(this.options.url);
  }

  /** A token for Key Vault: the provider's own if it was asked for that scope, else a second exchange. */
  private async accessToken(
    token: IdentityToken,
    azure: Credentials,
    request: AzureRequest,
  ): Promise<string> {
    const existing = azure.values.find((v) => v.name === 'AZURE_ACCESS_TOKEN')?.value;
    if (existing && request.scope === this.scope) return existing;
    const provider = new AzureProvider({
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.retry ? { retry: this.options.retry } : {}),
      ...(this.options.authorityHost ? { authorityHost: this.options.authorityHost } : {}),
    });
    const vault = await provider.exchange(token, { ...request, scope: this.scope });
    const value = vault.values.find((v) => v.name === 'AZURE_ACCESS_TOKEN')?.value;
    if (!value) throw new CredentialError(`${MANAGER}: Entra returned no token for ${this.scope}`);
    return value;
  }

  async read(
    token: IdentityToken,
    azure: Credentials,
    request: AzureRequest,
    selectors: readonly AzureSecretSelector[],
  ): Promise<Credentials> {
    const accessToken = await this.accessToken(token, azure, request);
    const template = trimSlash(this.options.url ?? KEY_VAULT_URL);
    const secrets = [token.raw, accessToken];
    const read = new Map<string, string>();
    const values: CredentialValue[] = [];
    for (const s of selectors) {
      const ref = `${s.vault}/${s.secret}${s.version ? `/${s.version}` : ''}`;
      let value = read.get(ref);
      if (value === undefined) {
        const base = template.replace('{vault}', s.vault);
        const path = `secrets/${s.secret}${s.version ? `/${s.version}` : ''}`;
        const out = await httpJson(
          this.options.fetch ?? fetch,
          {
            what: `${MANAGER} read ${ref}`,
            url: `${base}/${path}?api-version=${API_VERSION}`,
            method: 'GET',
            headers: { authorization: `Bearer ${accessToken}` },
            secrets,
            explain: (status, detail) => readCause(status, detail, s, this.scope),
          },
          this.options.retry,
        );
        const v = (out.json as { value?: unknown } | undefined)?.value;
        if (typeof v !== 'string')
          throw new CredentialError(`${MANAGER} read ${ref}: the answer has no value`);
        value = v;
        read.set(ref, value);
        secrets.push(value);
      }
      values.push({ name: s.name, value, secret: true });
    }
    return {
      provider: this.name,
      values,
      grant: {
        vaults: [...new Set(selectors.map((s) => s.vault))],
        secrets: [...read.keys()],
        names: values.map((v) => v.name),
        scope: this.scope,
      },
    };
  }
}
