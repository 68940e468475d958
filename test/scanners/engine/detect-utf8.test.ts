import { describe, expect, it } from '@jest/globals';

import { compileRules, detect, detectUtf8 } from '../../../scanners/engine/detect.js';
import type { Rule } from '../../../scanners/engine/types.js';
import { builtinRules } from '../../../scanners/rules/index.js';

const compiled = compileRules(builtinRules);
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff);
}

/** Rule examples (true and false) between multi-byte text, line breaks and broken UTF-8. */
function mixedBytes(seed: number): Buffer {
  const random = lcg(seed);
  const examples = builtinRules.flatMap((r) => [...r.examples.positive, ...r.examples.negative]);
  const filler = [' ', '\n', 'é', '😀 ', '中文 ', 'plain words ', '=', '"', '\t'];
  const junk = [[0xff], [0xf0, 0x9f], [0xc3], [0xed, 0xa0, 0x80], [0x80, 0x80]];
  const parts: Buffer[] = [];
  for (let i = 0; i < 120; i++) {
    const r = random();
    if (r % 5 === 0) parts.push(Buffer.from(examples[r % examples.length] as string));
    else if (r % 11 === 1) parts.push(Buffer.from(junk[r % junk.length] as number[]));
    else parts.push(Buffer.from(filler[r % filler.length] as string));
  }
  return Buffer.concat(parts);
}

describe('detectUtf8', () => {
  it('finds what detect finds in the decoded text, on valid and broken UTF-8', () => {
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const bytes = mixedBytes(seed);
      const text = decoder.decode(bytes);
      const expected = detect({ text, path: 'src/config.env', utf8: bytes }, compiled);
      expect(detectUtf8(bytes, { path: 'src/config.env' }, compiled)).toEqual(expected);
      // The bytes are only a shortcut: re-encoding the text must give the same findings.
      expect(detect({ text, path: 'src/config.env' }, compiled)).toEqual(expected);
      total += expected.length;
      // All-ASCII text takes a different decoder.
      const ascii = text.replace(/[^\x00-\x7f]/g, '');
      expect(detectUtf8(Buffer.from(ascii), { path: 'a.env' }, compiled)).toEqual(
        detect({ text: ascii, path: 'a.env' }, compiled),
      );
    }
    expect(total).toBeGreaterThan(40);
  });

  it('keeps the fragment fields and line numbering', () => {
    const [example] = builtinRules.flatMap((r) => r.examples.positive);
    const bytes = Buffer.from(`first\n${example}\n`);
    const commit = { sha: 'a'.repeat(40) };
    const found = detectUtf8(bytes, { path: 'x.txt', startLine: 10, commit }, compiled);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.location).toMatchObject({ path: 'x.txt', commit });
    expect(found[0]?.location.startLine).toBeGreaterThanOrEqual(11);
  });

  it('runs path-only rules on text without any keyword', () => {
    const wholeFile: Rule = {
      id: 'master-key',
      title: 'Master key',
      provider: 'ACME',
      severity: 'high',
      keywords: [],
      paths: /(^|\/)master\.key$/,
      pattern: /^(?<secret>[0-9a-f]{32})\s*$/,
      examples: { positive: [], negative: [] },
    };
    const rules = compileRules([wholeFile]);
    const bytes = Buffer.from('9f86d081884c7d659a2feaa0c55ad015\n');
    expect(detectUtf8(bytes, { path: 'config/master.key' }, rules).map((f) => f.ruleId)).toEqual([
      'master-key',
    ]);
    expect(detectUtf8(bytes, { path: 'config/other.key' }, rules)).toEqual([]);
  });

  it('skips windows without a required character without losing findings', () => {
    const unchecked = compileRules(builtinRules);
    for (const rule of unchecked.rules) rule.required = [];
    const checked = compileRules(builtinRules);
    for (let seed = 41; seed <= 70; seed++) {
      const bytes = mixedBytes(seed);
      const fragment = { path: 'deploy/app.env' };
      expect(detectUtf8(bytes, fragment, checked)).toEqual(detectUtf8(bytes, fragment, unchecked));
    }
    // The check was in force: the rules that ran worked out their required characters.
    expect(checked.rules.filter((r) => (r.required ?? []).length > 0).length).toBeGreaterThan(20);
  });
});
