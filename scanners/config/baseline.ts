/*
 * Baseline file (default `.keyless-baseline.json`): findings accepted on purpose, so that only new
 * ones fail a check. It holds fingerprints (hash of rule id + secret), never secret values.
 *
 *   { "version": 1,
 *     "entries": [ { "fingerprint": "…", "ruleId": "aws-access-key-id", "path": "src/a.ts",
 *                    "reason": "rotated 2026-05, history not rewritten", "expires": "2027-01-31" } ] }
 *
 * Only the fingerprint decides a match (it survives moves and copies); ruleId and path are for the
 * reviewer. `expires` is inclusive: the entry stops suppressing at the end of that day (UTC).
 */
import { readFile } from 'node:fs/promises';

import type { BaselineEntry, Finding } from '../engine/types.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { describeIoError } from './load.js';
import { readYaml, jsonPointer, type FieldReader, type FieldRef } from './yaml-fields.js';

export const DEFAULT_BASELINE_FILE = '.keyless-baseline.json';
export const BASELINE_VERSION = 1;
const FINGERPRINT = /^[0-9a-f]{16,128}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ENTRY_KEYS = ['fingerprint', 'ruleId', 'path', 'reason', 'expires'] as const;

/** Milliseconds at which an entry expiring on `date` stops applying, or undefined for a malformed date. */
function expiryInstant(date: string): number | undefined {
  const match = ISO_DATE.exec(date);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = Date.UTC(year, month - 1, day);
  const check = new Date(start);
  // Date.UTC rolls 2027-02-30 over to March; a round trip exposes impossible dates.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return start + 24 * 60 * 60 * 1000;
}

export function isExpired(entry: BaselineEntry, now: Date): boolean {
  if (entry.expires === undefined) return false;
  const end = expiryInstant(entry.expires);
  return end === undefined || now.getTime() >= end;
}

/** JSON.parse reports an offset (Node 20) or a line and column (newer V8); turn either into a position. */
function jsonSyntaxIssue(text: string, file: string, error: Error): ConfigIssue {
  const issue: ConfigIssue = { file, message: '' };
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(error.message);
  const offset = /at position (\d+)/.exec(error.message);
  if (lineCol !== null) {
    issue.line = Number(lineCol[1]);
    issue.column = Number(lineCol[2]);
  } else if (offset !== null) {
    const before = text.slice(0, Number(offset[1]));
    issue.line = before.split('\n').length;
    issue.column = before.length - before.lastIndexOf('\n');
  }
  const reason = error.message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/ in JSON at position \d+/, '')
    .replace(/, "[^]*" is not valid JSON$/, '');
  issue.message = `invalid JSON: ${reason}`;
  return issue;
}

function readEntry(
  reader: FieldReader,
  ref: FieldRef,
  seen: Map<string, FieldRef>,
): BaselineEntry | undefined {
  const fields = reader.map(ref, ENTRY_KEYS, ['fingerprint', 'reason']);
  if (fields === undefined) return undefined;
  const before = reader.issues.length;
  const read = (key: (typeof ENTRY_KEYS)[number]): string | undefined => {
    const field = fields.get(key);
    return field && reader.string(field, { nonEmpty: true });
  };
  const fingerprint = read('fingerprint');
  const fingerprintRef = fields.get('fingerprint');
  if (fingerprint !== undefined && fingerprintRef !== undefined) {
    const first = seen.get(fingerprint.toLowerCase());
    if (!FINGERPRINT.test(fingerprint.toLowerCase())) {
      reader.fail(fingerprintRef, 'expected a fingerprint (hex) as written by `keyless baseline create`');
    } else if (first !== undefined) {
      const line = reader.position(first).line;
      reader.fail(
        fingerprintRef,
        `duplicate fingerprint, already listed at ${jsonPointer(first.path.slice(0, -1))} (line ${line})`,
      );
    } else {
      seen.set(fingerprint.toLowerCase(), fingerprintRef);
    }
  }
  const ruleId = read('ruleId');
  const path = read('path');
  const reason = read('reason');
  const expires = read('expires');
  const expiresRef = fields.get('expires');
  if (expires !== undefined && expiresRef !== undefined && expiryInstant(expires) === undefined) {
    reader.fail(expiresRef, `expected a date as YYYY-MM-DD, got ${JSON.stringify(expires)}`);
  }
  if (reader.issues.length > before || fingerprint === undefined || reason === undefined) return undefined;
  const entry: BaselineEntry = { fingerprint: fingerprint.toLowerCase(), reason };
  if (ruleId !== undefined) entry.ruleId = ruleId;
  if (path !== undefined) entry.path = path;
  if (expires !== undefined) entry.expires = expires;
  return entry;
}

/** Pure: validates baseline JSON text. `fileName` is only used in error messages. */
export function parseBaseline(text: string, fileName: string): BaselineEntry[] {
  try {
    JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError([jsonSyntaxIssue(text.replace(/^\uFEFF/, ''), fileName, error as Error)]);
  }
  // Valid JSON is valid YAML; the YAML parser keeps the positions JSON.parse discards.
  const reader = readYaml(text, fileName, jsonPointer, 'invalid JSON');
  const root = reader.map(reader.root(), ['version', 'entries'], ['version', 'entries']);
  const entries: BaselineEntry[] = [];
  const versionRef = root?.get('version');
  const version = versionRef && reader.number(versionRef);
  if (versionRef && version !== undefined && version !== BASELINE_VERSION) {
    reader.fail(versionRef, `unsupported version ${version}; this Keyless reads version ${BASELINE_VERSION}`);
  }
  const entriesRef = root?.get('entries');
  const seen = new Map<string, FieldRef>();
  for (const item of (entriesRef && reader.list(entriesRef)) ?? []) {
    const entry = readEntry(reader, item, seen);
    if (entry !== undefined) entries.push(entry);
  }
  reader.throwIfIssues();
  return entries;
}

export async function loadBaseline(path: string, displayName: string = path): Promise<BaselineEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { file: displayName, message: `cannot read the baseline: ${describeIoError(error)}` },
    ]);
  }
  return parseBaseline(text, displayName);
}

export interface BaselineResult {
  kept: Finding[];
  suppressed: Finding[];
  /** Live entries that suppressed at least one finding. */
  matched: number;
  /** Live entries that matched no finding (fixed, or not part of this scan). */
  stale: BaselineEntry[];
  /** Entries past their date; they suppress nothing. matched + stale + expired = all entries. */
  expired: BaselineEntry[];
}

/** Pure. Only fingerprints decide; an expired entry leaves its findings in `kept`. */
export function applyBaseline(findings: Finding[], entries: BaselineEntry[], now: Date): BaselineResult {
  const live = new Map<string, BaselineEntry>();
  const expired: BaselineEntry[] = [];
  for (const entry of entries) {
    if (isExpired(entry, now)) expired.push(entry);
    else if (!live.has(entry.fingerprint)) live.set(entry.fingerprint, entry);
  }
  const used = new Set<BaselineEntry>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    const entry = live.get(finding.fingerprint);
    if (entry === undefined) {
      kept.push(finding);
    } else {
      used.add(entry);
      suppressed.push(finding);
    }
  }
  const stale = entries.filter((entry) => !isExpired(entry, now) && !used.has(entry));
  return { kept, suppressed, matched: used.size, stale, expired };
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  const key = (e: BaselineEntry): string[] => [e.path ?? '', e.ruleId ?? '', e.fingerprint];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) {
    const [x, y] = [ka[i] ?? '', kb[i] ?? ''];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * One entry per distinct fingerprint among `findings`, located at its first occurrence. Entries of
 * `existing` keep their reason and expiry; existing entries whose finding is gone are dropped.
 * `reason` is required only when a new entry is created.
 */
export function createBaseline(
  findings: Finding[],
  reason: string,
  existing: BaselineEntry[] = [],
): BaselineEntry[] {
  const previous = new Map(existing.map((entry) => [entry.fingerprint, entry]));
  const ordered = [...findings].sort(
    (a, b) =>
      compareEntries(
        { fingerprint: a.fingerprint, ruleId: a.ruleId, path: a.location.path, reason: '' },
        { fingerprint: b.fingerprint, ruleId: b.ruleId, path: b.location.path, reason: '' },
      ) || a.location.startLine - b.location.startLine,
  );
  const entries = new Map<string, BaselineEntry>();
  for (const finding of ordered) {
    if (entries.has(finding.fingerprint)) continue;
    const old = previous.get(finding.fingerprint);
    if (old === undefined && reason.trim() === '') {
      throw new ConfigError([
        { file: DEFAULT_BASELINE_FILE, message: 'a reason is required for new baseline entries' },
      ]);
    }
    // Only identifiers are copied: the file is committed and must not carry the secret.
    const entry: BaselineEntry = {
      fingerprint: finding.fingerprint,
      ruleId: finding.ruleId,
      path: finding.location.path,
      reason: old?.reason ?? reason.trim(),
    };
    if (old?.expires !== undefined) entry.expires = old.expires;
    entries.set(finding.fingerprint, entry);
  }
  return [...entries.values()].sort(compareEntries);
}

/** Stable JSON: entries sorted by path, rule id, fingerprint; fixed key order; trailing newline. */
export function serializeBaseline(entries: BaselineEntry[]): string {
  const sorted = [...entries].sort(compareEntries).map((entry) => {
    const out: Record<string, string> = { fingerprint: entry.fingerprint };
    if (entry.ruleId !== undefined) out['ruleId'] = entry.ruleId;
    if (entry.path !== undefined) out['path'] = entry.path;
    out['reason'] = entry.reason;
    if (entry.expires !== undefined) out['expires'] = entry.expires;
    return out;
  });
  return `${JSON.stringify({ version: BASELINE_VERSION, entries: sorted }, null, 2)}\n`;
}
