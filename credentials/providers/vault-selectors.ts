/**
 * Which Vault values to export, one selector a line: `PATH FIELD | NAME` (`| NAME` optional, default
 * the field upper-cased). `database/creds/app username | DB_USER`, `secret/data/ci token | DEPLOY`.
 * Values are found in KV v2 (`data.data`), KV v1 and dynamic engines (`data`).
 */
import { CredentialError } from '../types.js';

export interface VaultSelector {
  /** API path without `/v1/`: `secret/data/ci/deploy`, `database/creds/readonly`. */
  path: string;
  field: string;
  name: string;
}

const PATH = /^[\w.-]+(\/[\w.@:-]+)*$/;
const FIELD = /^[\w.-]+$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function defaultName(field: string): string {
  const name = field.replace(/[^A-Za-z0-9_]+/g, '_').toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** Parses selectors given as lines (`;` also separates, as in a one-line CI input). */
export function parseSelectors(input: string | readonly string[]): VaultSelector[] {
  const lines =
    typeof input === 'string' ? input.split(/[\n;]/) : input.flatMap((line) => line.split(/[\n;]/));
  const out: VaultSelector[] = [];
  const names = new Set<string>();
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [left = '', right] = line.split('|').map((part) => part.trim());
    const words = left.split(/\s+/);
    const path = words[0]?.replace(/^\/+|\/+$/g, '').replace(/^v1\//, '') ?? '';
    const field = words[1] ?? '';
    if (words.length !== 2 || !PATH.test(path) || !FIELD.test(field)) {
      throw new CredentialError(
        `Vault selector "${line.slice(0, 120)}" is not "PATH FIELD | NAME"`,
        'config',
      );
    }
    const name = right || defaultName(field);
    if (!NAME.test(name))
      throw new CredentialError(`Vault selector "${line}": "${name}" is not a variable name`, 'config');
    if (names.has(name)) throw new CredentialError(`Vault selector: ${name} is exported twice`, 'config');
    names.add(name);
    out.push({ path, field, name });
  }
  if (out.length === 0)
    throw new CredentialError('Vault: no secrets selected (PATH FIELD | NAME, one a line)', 'config');
  return out;
}

/** The field's value in a read response: KV v2 nests under `data.data`; KV v1 and dynamic engines do not. */
export function pickField(body: unknown, field: string): unknown {
  const data = (body as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const nested = record.data;
  if (typeof nested === 'object' && nested !== null && typeof record.metadata === 'object') {
    return (nested as Record<string, unknown>)[field];
  }
  return record[field];
}
