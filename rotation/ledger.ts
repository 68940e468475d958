import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, YAMLMap } from 'yaml';

import type { SecretScope } from './types.js';

/** Where the ledger lives in a repository. */
export const LEDGER_PATH = '.keyless/rotation.yml';
export const LEDGER_VERSION = 1;

export const STORES = ['github-secret', 'gitlab-variable', 'literal', 'external'] as const;
export type Store = (typeof STORES)[number];

export const METHODS = ['generated', 'manual', 'provider-specific'] as const;
export type Method = (typeof METHODS)[number];

export const STATUSES = ['active', 'staged', 'compromised', 'retired'] as const;
export type Status = (typeof STATUSES)[number];

export interface RotationMethod {
  method: Method;
  /** provider-specific: who issues the secret (`Stripe`). */
  provider?: string;
  /** manual / provider-specific: what a human does, in order. */
  steps?: string[];
}

/** One static secret the repository depends on. YAML keys are the kebab-case forms of these fields. */
export interface LedgerEntry {
  /** `[a-z0-9-]+`, unique in the ledger. */
  id: string;
  /** The secret/variable name (`STRIPE_SECRET_KEY`) or, for literals, what it was (`Stripe secret key`). */
  name: string;
  store: Store;
  scope?: SecretScope;
  owner?: string;
  /** `90d`, `12w`, `1y`. */
  maxAge?: string;
  /** ISO date `2026-08-01` (or a full ISO timestamp). */
  lastRotated?: string;
  /**
   * Generated rotations: the day Keyless staged the value as `<NAME>_NEXT`. The change that records it
   * is merged on or after this day, and the merge promotes the value, so `lastRotated` (the same day) is
   * a lower bound of the real rotation: a secret never looks younger than it is.
   */
  stagedOn?: string;
  rotation?: RotationMethod;
  status: Status;
  /** Literals: where the value was found and the scanner's fingerprint (never the value). */
  path?: string;
  fingerprint?: string;
  notes?: string;
}

export interface Ledger {
  version: number;
  entries: LedgerEntry[];
}

export class LedgerError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}:${line}: ${field}: ${problem}`);
    this.name = 'LedgerError';
  }
}

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const DURATION = /^(\d+)([dwy])$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, y: 365 };

/** `90d` -> 90; `12w` -> 84; `1y` -> 365; anything else -> undefined. */
export function durationDays(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * (UNIT_DAYS[m[2] as string] as number) : undefined;
}

/** `repository`, `organization`, `project`, `environment:NAME`, `group:PATH`. */
export function parseScope(text: string): SecretScope | undefined {
  const [kind, ...rest] = text.split(':');
  const arg = rest.join(':');
  if (rest.length === 0 && (kind === 'repository' || kind === 'organization' || kind === 'project'))
    return { kind };
  if (kind === 'environment' && arg) return { kind, environment: arg };
  if (kind === 'group' && arg) return { kind, group: arg };
  return undefined;
}

export function formatScope(scope: SecretScope): string {
  if (scope.kind === 'environment') return `environment:${scope.environment}`;
  if (scope.kind === 'group') return `group:${scope.group}`;
  return scope.kind;
}

const ENTRY_KEYS = new Set([
  'id',
  'name',
  'store',
  'scope',
  'owner',
  'max-age',
  'last-rotated',
  'staged-on',
  'rotation',
  'status',
  'path',
  'fingerprint',
  'notes',
]);

/** Parses and validates ledger text; every problem names the file, line and field. */
export function parseLedger(text: string, file = LEDGER_PATH): Ledger {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined, fallback = 1): number =>
    node?.range ? counter.linePos(node.range[0]).line : fallback;
  const first = doc.errors[0];
  if (first) {
    const line = counter.linePos(first.pos[0]).line;
    throw new LedgerError(file, line, 'yaml', first.message.split('\n')[0] ?? 'invalid YAML');
  }
  if (doc.contents === null) return { version: LEDGER_VERSION, entries: [] };
  const root = doc.contents;
  if (!isMap(root))
    throw new LedgerError(file, lineOf(root), '(root)', 'expected a mapping with version and entries');
  const fail = (node: Node | null | undefined, field: string, problem: string): never => {
    throw new LedgerError(file, lineOf(node, lineOf(root)), field, problem);
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'version' && key !== 'entries')
      fail(pair.key as Node, key || '(key)', 'unknown key (expected version, entries)');
  }
  const versionNode = root.get('version', true) as Node | undefined;
  if (!versionNode) fail(root, 'version', `missing (expected ${LEDGER_VERSION})`);
  const version: unknown = isScalar(versionNode) ? versionNode.value : undefined;
  if (version !== LEDGER_VERSION)
    fail(
      versionNode,
      'version',
      `unsupported version ${String(version ?? '?')} (expected ${LEDGER_VERSION})`,
    );
  const entriesNode = root.get('entries', true);
  if (entriesNode === undefined || (isScalar(entriesNode) && entriesNode.value === null))
    return { version: LEDGER_VERSION, entries: [] };
  if (!isSeq(entriesNode)) return fail(entriesNode, 'entries', 'expected a list of entries');
  const seen = new Map<string, number>();
  const entries = entriesNode.items.map((item, index) => {
    if (!isMap(item)) return fail(item as Node, `entries[${index}]`, 'expected a mapping');
    const entry = readEntry(item, index, fail);
    const line = lineOf(item);
    const earlier = seen.get(entry.id);
    if (earlier !== undefined)
      fail(item, `entries[${index}].id`, `duplicate id "${entry.id}" (first on line ${earlier})`);
    seen.set(entry.id, line);
    return entry;
  });
  return { version: LEDGER_VERSION, entries };
}

type Fail = (node: Node | null | undefined, field: string, problem: string) => never;

function readEntry(map: YAMLMap, index: number, fail: Fail): LedgerEntry {
  const at = `entries[${index}]`;
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!ENTRY_KEYS.has(key))
      fail(
        pair.key as Node,
        `${at}.${key || '(key)'}`,
        `unknown field (expected one of ${[...ENTRY_KEYS].join(', ')})`,
      );
  }
  const text = (key: string, required: boolean): string | undefined => {
    const node = map.get(key, true);
    if (node === undefined) return required ? fail(map, `${at}.${key}`, 'missing') : undefined;
    // Dates are read as strings: the ledger is YAML 1.2 core, so 2026-08-01 is not a timestamp object.
    if (!isScalar(node) || node.value === null || typeof node.value === 'object' || String(node.value) === '')
      return fail(node, `${at}.${key}`, 'expected a non-empty string');
    return String(node.value);
  };
  const oneOf = <T extends string>(
    key: string,
    allowed: readonly T[],
    value: string | undefined,
  ): T | undefined => {
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    return fail(map.get(key, true) as Node, `${at}.${key}`, `"${value}" is not one of ${allowed.join(', ')}`);
  };
  const id = text('id', true) as string;
  if (!ID_PATTERN.test(id)) fail(map.get('id', true) as Node, `${at}.id`, `"${id}" must match [a-z0-9-]+`);
  const entry: LedgerEntry = {
    id,
    name: text('name', true) as string,
    store: oneOf('store', STORES, text('store', true)) as Store,
    status: oneOf('status', STATUSES, text('status', false)) ?? 'active',
  };
  const scope = text('scope', false);
  if (scope !== undefined) {
    const parsed = parseScope(scope);
    if (!parsed)
      fail(
        map.get('scope', true) as Node,
        `${at}.scope`,
        `"${scope}" is not repository, organization, project, environment:NAME or group:PATH`,
      );
    entry.scope = parsed as SecretScope;
  }
  const maxAge = text('max-age', false);
  if (maxAge !== undefined && durationDays(maxAge) === undefined)
    fail(
      map.get('max-age', true) as Node,
      `${at}.max-age`,
      `"${maxAge}" is not a duration such as 90d, 12w or 1y`,
    );
  const lastRotated = text('last-rotated', false);
  if (lastRotated !== undefined && (!DATE.test(lastRotated) || Number.isNaN(Date.parse(lastRotated))))
    fail(
      map.get('last-rotated', true) as Node,
      `${at}.last-rotated`,
      `"${lastRotated}" is not an ISO date (2026-08-01)`,
    );
  const stagedOn = text('staged-on', false);
  if (stagedOn !== undefined && (!DATE.test(stagedOn) || Number.isNaN(Date.parse(stagedOn))))
    fail(
      map.get('staged-on', true) as Node,
      `${at}.staged-on`,
      `"${stagedOn}" is not an ISO date (2026-08-01)`,
    );
  for (const [key, field] of [
    ['owner', 'owner'],
    ['path', 'path'],
    ['fingerprint', 'fingerprint'],
    ['notes', 'notes'],
  ] as const) {
    const value = text(key, false);
    if (value !== undefined) entry[field] = value;
  }
  if (maxAge !== undefined) entry.maxAge = maxAge;
  if (lastRotated !== undefined) entry.lastRotated = lastRotated;
  if (stagedOn !== undefined) entry.stagedOn = stagedOn;
  const rotation = map.get('rotation', true);
  if (rotation !== undefined) entry.rotation = readRotation(rotation, `${at}.rotation`, fail);
  return entry;
}

function readRotation(node: unknown, at: string, fail: Fail): RotationMethod {
  // Shorthand: `rotation: generated`.
  if (isScalar(node) && typeof node.value === 'string') {
    if ((METHODS as readonly string[]).includes(node.value)) return { method: node.value as Method };
    return fail(node, `${at}`, `"${node.value}" is not one of ${METHODS.join(', ')}`);
  }
  if (!isMap(node))
    return fail(node as Node, at, 'expected a method name or a mapping with method, provider, steps');
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!['method', 'provider', 'steps'].includes(key))
      fail(pair.key as Node, `${at}.${key}`, 'unknown field (expected method, provider, steps)');
  }
  const methodNode = node.get('method', true);
  const method = isScalar(methodNode) ? String(methodNode.value) : undefined;
  if (method === undefined) return fail(node, `${at}.method`, 'missing');
  if (!(METHODS as readonly string[]).includes(method))
    fail(methodNode as Node, `${at}.method`, `"${method}" is not one of ${METHODS.join(', ')}`);
  const result: RotationMethod = { method: method as Method };
  const provider = node.get('provider', true);
  if (provider !== undefined) {
    if (!isScalar(provider) || typeof provider.value !== 'string')
      fail(provider as Node, `${at}.provider`, 'expected a string');
    result.provider = String((provider as { value: unknown }).value);
  }
  const steps = node.get('steps', true);
  if (steps !== undefined) {
    if (!isSeq(steps)) return fail(steps as Node, `${at}.steps`, 'expected a list of strings');
    result.steps = steps.items.map((step, i) =>
      isScalar(step) && typeof step.value === 'string' && step.value !== ''
        ? step.value
        : fail(step as Node, `${at}.steps[${i}]`, 'expected a non-empty string'),
    );
  }
  if (method === 'provider-specific' && result.provider === undefined)
    fail(node, `${at}.provider`, 'missing (required for provider-specific)');
  return result;
}
