/**
 * Which secrets to read from a cloud secret manager, one selector a line: `REFERENCE | NAME`. The
 * reference's shape is the manager's own (parsed by each reader); `| NAME` is the variable the value
 * is exported as, by default derived from the reference. Lines may also be separated by `;`.
 */
import { CredentialError } from '../types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SelectorLine {
  /** The line as given, for messages (references are identifiers, never values). */
  line: string;
  ref: string;
  /** The explicit `| NAME`, if any. */
  name?: string;
}

/** `prod/db-credentials` -> `PROD_DB_CREDENTIALS`, `3scale` -> `_3SCALE`. */
export function variableName(text: string): string {
  const name = text
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

export function selectorLines(
  input: string | readonly string[],
  manager: string,
  shape: string,
): SelectorLine[] {
  const lines = typeof input === 'string' ? [input] : input;
  const out: SelectorLine[] = [];
  for (const raw of lines.flatMap((l) => l.split(/[\n;]/))) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const bar = line.indexOf('|');
    const ref = (bar === -1 ? line : line.slice(0, bar)).trim();
    const name = bar === -1 ? undefined : line.slice(bar + 1).trim();
    if (ref === '' || /\s/.test(ref) || (name !== undefined && name === ''))
      throw new CredentialError(`${manager} selector "${line.slice(0, 160)}" is not "${shape}"`, 'config');
    out.push({ line, ref, ...(name !== undefined ? { name } : {}) });
  }
  if (out.length === 0)
    throw new CredentialError(`${manager}: no secrets selected (${shape}, one a line)`, 'config');
  return out;
}

/** Checks every exported name is a variable name and none is exported twice. */
export function checkNames(manager: string, selectors: readonly { line: string; name: string }[]): void {
  const seen = new Set<string>();
  for (const s of selectors) {
    if (!NAME.test(s.name)) {
      throw new CredentialError(
        `${manager} selector "${s.line.slice(0, 160)}": "${s.name}" is not a variable name (add | NAME)`,
        'config',
      );
    }
    if (seen.has(s.name)) throw new CredentialError(`${manager}: ${s.name} is exported twice`, 'config');
    seen.add(s.name);
  }
}
