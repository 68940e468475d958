import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { KeylessConfig } from '../config/load.js';
import type { Rule } from '../engine/types.js';

/**
 * Identifies everything that decides what a scan finds: the enabled rules (including their validator
 * code, so a fixed checksum routine invalidates old results), allowed values, the size limit and the
 * tool version. Anything cached under one key is meaningless under another.
 */
export function rulesetKey(
  rules: Rule[],
  config: KeylessConfig,
  maxFileSize: number,
  toolVersion: string,
): string {
  const hash = createHash('sha256');
  const add = (value: string): void => {
    hash.update(value);
    hash.update('\0');
  };
  add(toolVersion);
  add(String(maxFileSize));
  for (const value of [...config.allowedValueHashes].sort()) add(value);
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    add(rule.id);
    add(rule.pattern.source);
    add(rule.pattern.flags);
    add(rule.keywords.join(','));
    add(rule.paths ? `${rule.paths.source}/${rule.paths.flags}` : '');
    add(JSON.stringify(rule.window ?? null));
    add(String(rule.minEntropy ?? ''));
    add(rule.suppress ?? '');
    add(rule.validate ? rule.validate.toString() : '');
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Ids of content (git blobs, image layers) already scanned clean under one ruleset. Only clean ids are
 * kept: content with findings is scanned again each time, so no secret — not even its position — is
 * ever written to the cache.
 */
export class CleanCache {
  private readonly known: Set<string>;
  private readonly added = new Set<string>();

  private constructor(
    private readonly file: string,
    known: Set<string>,
  ) {
    this.known = known;
  }

  /** Opens (creating the directory) the cache of `kind` for `key`; an unreadable file is an empty cache. */
  static async open(dir: string, kind: string, key: string): Promise<CleanCache> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${kind}-${key}.txt`);
    let known = new Set<string>();
    try {
      const text = await readFile(file, 'utf8');
      known = new Set(text.split('\n').filter((line) => /^[0-9a-z:]+$/.test(line)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') known = new Set();
    }
    return new CleanCache(file, known);
  }

  has(id: string): boolean {
    return this.known.has(id) || this.added.has(id);
  }

  get size(): number {
    return this.known.size + this.added.size;
  }

  add(id: string): void {
    if (!this.known.has(id)) this.added.add(id);
  }

  /** Writes atomically, so a scan killed mid-write leaves the previous cache intact. */
  async save(): Promise<void> {
    if (this.added.size === 0) return;
    const all = [...this.known, ...this.added].sort();
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${all.join('\n')}\n`);
    await rename(temp, this.file);
  }
}
