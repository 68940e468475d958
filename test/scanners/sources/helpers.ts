import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { KeylessConfig } from '../../../scanners/config/load.js';
import type { Rule } from '../../../scanners/engine/types.js';
import { walk, type WalkEntry, type WalkOptions } from '../../../scanners/sources/walk.js';

/** A rule no built-in overlaps with, so tests control exactly what is found. */
export const TEST_RULE: Rule = {
  id: 'test-token',
  title: 'Test token',
  provider: 'Test',
  severity: 'high',
  keywords: ['tkn_'],
  pattern: /tkn_[A-Za-z0-9]{32}/,
  examples: { positive: [], negative: [] },
};

export const EMPTY_CONFIG: KeylessConfig = {
  skipPaths: [],
  disabledRules: [],
  customRules: [],
  allowedValueHashes: [],
};

/** A fresh random token matching TEST_RULE (alphanumeric body, never placeholder-like). */
export function token(): string {
  let body = '';
  while (body.length < 32)
    body += randomBytes(48)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '');
  return `tkn_${body.slice(0, 32)}`;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'keyless-dir-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes `files` (root-relative path -> content) under `root`, creating directories. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

export async function collect(options: WalkOptions): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const entry of walk(options)) out.push(entry);
  return out;
}

export function filesOf(entries: WalkEntry[]): string[] {
  return entries.flatMap((e) => (e.kind === 'file' ? [e.rel] : [])).sort();
}

export function skippedOf(entries: WalkEntry[]): { path: string; reason: string }[] {
  return entries
    .flatMap((e) => (e.kind === 'skipped' ? [{ path: e.skipped.path, reason: e.skipped.reason }] : []))
    .sort((a, b) => a.path.localeCompare(b.path));
}
