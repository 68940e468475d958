import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { buildAutomaton, findKeywords, scanKeywords } from '../../../scanners/engine/prefilter.js';
import { KEYWORDS_WASM } from '../../../scanners/engine/wasm/keywords-module.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { assemble } from '../../../scripts/build-wasm.mjs';

const KEYWORDS = ['ghp_', 'token', 'to', 'key', 'api_key', '-----begin', 'hooks.slack.com', 'sk-'];

function hits(run: (cb: (id: number, start: number) => void) => void): string[] {
  const out: string[] = [];
  run((id, start) => out.push(`${KEYWORDS[id]}@${start}`));
  return out.sort();
}

function randomText(seed: number, length: number): string {
  const alphabet = [
    'ghp_',
    'TOKEN',
    'to',
    'k',
    'ey',
    'api_',
    'key',
    '-----BEGIN',
    ' ',
    '\n',
    'é',
    '😀',
    '中',
    'x',
    'sk-',
    'hooks.slack.com',
  ];
  let s = seed;
  let text = '';
  while (text.length < length) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    text += alphabet[s % alphabet.length];
  }
  return text;
}

describe('keyword prefilter', () => {
  const automaton = buildAutomaton(KEYWORDS);

  it('finds overlapping, case-insensitive occurrences at character offsets', () => {
    const text = 'My API_KEY and Token; 😀 ghp_x -----begin';
    expect(hits((cb) => scanKeywords(automaton, text, undefined, cb))).toEqual(
      ['api_key@3', 'key@7', 'to@15', 'token@15', 'ghp_@25', '-----begin@31'].sort(),
    );
  });

  it('the WebAssembly scan agrees with the JavaScript reference on mixed-script text', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const text = randomText(seed, 5000);
      const expected = hits((cb) => findKeywords(automaton, text, cb));
      expect(hits((cb) => scanKeywords(automaton, text, undefined, cb))).toEqual(expected);
      expect(hits((cb) => scanKeywords(automaton, text, Buffer.from(text), cb))).toEqual(expected);
    }
  });

  it('maps byte offsets correctly when the source bytes hold invalid UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('a token '),
      Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]),
      Buffer.from(' key ghp_ 😀 '),
      Buffer.from([0xf0, 0x9f]),
      Buffer.from(' api_key'),
    ]);
    const text = new TextDecoder().decode(bytes);
    const expected = hits((cb) => findKeywords(automaton, text, cb));
    expect(expected.length).toBeGreaterThan(4);
    expect(hits((cb) => scanKeywords(automaton, text, bytes, cb))).toEqual(expected);
  });

  it('resumes when more hits occur than one call buffers', () => {
    const text = 'to'.repeat(50_000);
    expect(hits((cb) => scanKeywords(automaton, text, undefined, cb))).toHaveLength(50_000);
  });

  it('embeds the module assembled from keywords.wat', async () => {
    expect(await readFile('scanners/engine/wasm/keywords.wat', 'utf8')).toContain('(func (export "scan")');
    expect(await assemble('scanners/engine/wasm/keywords.wat')).toBe(KEYWORDS_WASM);
  });
});
