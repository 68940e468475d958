import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkLabels, lineStarts, listFiles, loadLabels } from '../../eval/labels.js';
import { hasValidCrc32Suffix } from '../../scanners/engine/validators.js';

const root = resolve(import.meta.dirname ?? '.', '../..');
const corpusDir = resolve(root, 'eval/corpus');
const labels = loadLabels(resolve(root, 'eval/labels.json'));

function labelledValues(kinds: string[]): string[] {
  const out: string[] = [];
  for (const [path, list] of Object.entries(labels)) {
    const text = readFileSync(resolve(corpusDir, path), 'utf8');
    const starts = lineStarts(text);
    for (const l of list) {
      if (!kinds.includes(l.kind)) continue;
      const off = (starts[l.line - 1] ?? 0) + l.column - 1;
      out.push(text.slice(off, off + l.length));
    }
  }
  return out;
}

describe('evaluation corpus', () => {
  it('has labels that match the committed files exactly', () => {
    expect(checkLabels(corpusDir, labels).problems).toEqual([]);
  });

  it('is as large and varied as the evaluation needs', () => {
    const refs = Object.values(labels).flat();
    expect(listFiles(corpusDir).length).toBeGreaterThanOrEqual(80);
    expect(refs.length).toBeGreaterThanOrEqual(250);
    expect(new Set(refs.map((l) => l.kind)).size).toBeGreaterThanOrEqual(60);
  });

  it('plants GitHub classic and npm tokens with a valid CRC32 suffix', () => {
    const github = labelledValues([
      'github-pat',
      'github-oauth-token',
      'github-user-to-server-token',
      'github-installation-token',
      'github-refresh-token',
    ]);
    const npm = labelledValues(['npm-token']).filter((v) => v.startsWith('npm_'));
    expect(github.length).toBeGreaterThan(5);
    expect(npm.length).toBeGreaterThan(1);
    for (const token of github) expect(hasValidCrc32Suffix(token, token.slice(0, 4))).toBe(true);
    for (const token of npm) expect(hasValidCrc32Suffix(token, 'npm_')).toBe(true);
  });
});
