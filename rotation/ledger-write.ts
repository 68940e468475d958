import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';

import { formatScope, parseLedger, LEDGER_PATH, LEDGER_VERSION } from './ledger.js';
import type { LedgerEntry, RotationMethod } from './ledger.js';

const HEADER = [
  ' Keyless rotation ledger: every static secret this repository depends on, who owns it,',
  ' how old it may get and how it is rotated. Schema: docs/rotation.md. Never put a secret value here.',
].join('\n');

/** The YAML form of an entry, keys in schema order; absent fields are left out. */
export function entryToYaml(entry: Partial<LedgerEntry>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown): void => {
    if (value !== undefined) out[key] = value;
  };
  put('id', entry.id);
  put('name', entry.name);
  put('store', entry.store);
  put('scope', entry.scope ? formatScope(entry.scope) : undefined);
  put('owner', entry.owner);
  put('max-age', entry.maxAge);
  put('last-rotated', entry.lastRotated);
  put('staged-on', entry.stagedOn);
  put('rotation', entry.rotation ? rotationToYaml(entry.rotation) : undefined);
  put('status', entry.status);
  put('path', entry.path);
  put('fingerprint', entry.fingerprint);
  put('notes', entry.notes);
  return out;
}

function rotationToYaml(rotation: RotationMethod): unknown {
  if (rotation.provider === undefined && rotation.steps === undefined) return rotation.method;
  return {
    method: rotation.method,
    ...(rotation.provider !== undefined ? { provider: rotation.provider } : {}),
    ...(rotation.steps !== undefined ? { steps: rotation.steps } : {}),
  };
}

function load(text: string | undefined, file: string): Document {
  if (text === undefined || text.trim() === '') {
    const doc = parseDocument(`version: ${LEDGER_VERSION}\nentries: []\n`);
    doc.commentBefore = HEADER;
    return doc;
  }
  parseLedger(text, file); // refuse to edit a ledger that does not validate
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) throw new Error(`${file}: expected a mapping`);
  const entries = doc.get('entries', true);
  if (!isSeq(entries)) doc.set('entries', doc.createNode([]));
  return doc;
}

export interface LedgerChange {
  /** Entry to add, or whose given fields overwrite those of the entry with the same id. */
  entry: Partial<LedgerEntry> & { id: string };
}

/**
 * Applies changes to ledger text, keeping comments, key order and untouched entries as they were
 * (the `yaml` Document API edits nodes in place). `text` undefined = no ledger yet: one is created.
 */
export function applyLedgerChanges(
  text: string | undefined,
  changes: LedgerChange[],
  file = LEDGER_PATH,
): string {
  const doc = load(text, file);
  const entries = doc.get('entries', true);
  if (!isSeq(entries)) throw new Error(`${file}: entries is not a list`);
  // An empty flow sequence (`entries: []`) would otherwise stay in flow style once filled.
  if (entries.flow && entries.items.length === 0) entries.flow = false;
  for (const { entry } of changes) {
    const existing = entries.items.find(
      (item) => isMap(item) && isScalar(item.get('id', true)) && item.get('id') === entry.id,
    );
    const fields = entryToYaml(entry);
    if (isMap(existing)) {
      for (const [key, value] of Object.entries(fields)) {
        const current = existing.get(key, true);
        // Keep the node (and its comments) when only the scalar changes.
        if (isScalar(current) && (typeof value !== 'object' || value === null)) current.value = value;
        else existing.set(key, doc.createNode(value));
      }
    } else {
      const node = doc.createNode(fields);
      entries.items.push(node);
    }
  }
  const out = doc.toString({ lineWidth: 0 });
  parseLedger(out, file); // what we write must read back
  return out;
}
