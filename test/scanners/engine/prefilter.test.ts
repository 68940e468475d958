import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import {
  buildAutomaton,
  findKeywords,
  forEachKeyword,
  scanKeywordBytes,
  scanKeywords,
} from '../../../scanners/engine/prefilter.js';
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

  it('the JavaScript byte loop agrees with the WebAssembly one, hit for hit', () => {
    for (let seed = 21; seed <= 30; seed++) {
      const bytes = Buffer.from(randomText(seed, 4000));
      const js = scanKeywordBytes(automaton, bytes, 'js');
      const wasm = scanKeywordBytes(automaton, bytes, 'wasm');
      expect(js.count).toBeGreaterThan(100);
      expect([...wasm.ends]).toEqual([...js.ends]);
      expect([...wasm.states]).toEqual([...js.states]);
    }
  });

  it('finds keywords that straddle the segments long texts are cut into', () => {
    // Long texts are scanned in four segments; put the longest keyword across every cut.
    for (const length of [4096, 5001, 20_003]) {
      const segment = Math.ceil(length / 4);
      for (let shift = -16; shift <= 1; shift++) {
        const chars = Array.from({ length }, (_, i): string => (i % 97 === 0 ? '\n' : 'x'));
        for (let k = 1; k < 4; k++) chars.splice(k * segment + shift, 15, ...'HOOKS.slack.com');
        const text = chars.join('').slice(0, length);
        const expected = hits((cb) => findKeywords(automaton, text, cb));
        expect(expected.filter((h) => h.startsWith('hooks.slack.com'))).toHaveLength(3);
        expect(hits((cb) => scanKeywords(automaton, text, undefined, cb))).toEqual(expected);
      }
    }
  });

  it('keeps one class per keyword character and folds case', () => {
    // Letters of the keywords, digits none: 'x' occurs in no keyword and shares the root's class.
    expect(automaton.classes['T'.charCodeAt(0)]).toBe(automaton.classes['t'.charCodeAt(0)]);
    expect(automaton.classes['x'.charCodeAt(0)]).toBe(0);
    expect(automaton.classes[0xc3]).toBe(0);
    expect(automaton.classes['_'.charCodeAt(0)]).toBeGreaterThan(0);
    const distinct = new Set(KEYWORDS.join('')).size;
    expect(1 << automaton.rowBits).toBeGreaterThanOrEqual(distinct + 1);
    expect(1 << automaton.rowBits).toBeLessThan(2 * (distinct + 1));
  });

  it('runs automata too large for 16-bit cells in JavaScript, with the same hits', () => {
    let s = 7;
    const random = (): number => (s = (s * 1103515245 + 12345) & 0x7fffffff);
    const many = Array.from({ length: 12000 }, () =>
      Array.from({ length: 9 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789_-'[random() % 38]).join(''),
    );
    const big = buildAutomaton(many);
    expect(big.wasm).toBeUndefined();
    const text = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? many[i % many.length] : 'é x')).join(
      ' ',
    );
    const out: string[] = [];
    const ref: string[] = [];
    scanKeywords(big, text, undefined, (id, start) => out.push(`${id}@${start}`));
    findKeywords(big, text, (id, start) => ref.push(`${id}@${start}`));
    expect(ref.length).toBeGreaterThan(400);
    expect(out).toEqual(ref);
  });

  it('reports hits in order of their end, longest keyword first at one end', () => {
    const order: string[] = [];
    const a = buildAutomaton(['secret_key', 'key', 'et_k']);
    forEachKeyword(a, scanKeywordBytes(a, Buffer.from('a SECRET_KEY b')), (id, start) =>
      order.push(`${id}@${start}`),
    );
    expect(order).toEqual(['2@6', '0@2', '1@9']);
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
    // Overlong forms, surrogates and stray bytes that look like 4-byte leads, between hits.
    for (let seed = 31; seed <= 40; seed++) {
      const parts: Buffer[] = [];
      let s = seed;
      for (let i = 0; i < 400; i++) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        const junk = [[0xf0, 0x9f], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff], [0xf8, 0x88, 0x80], [0x80]];
        parts.push(
          s % 3 === 0 ? Buffer.from(junk[s % junk.length] as number[]) : Buffer.from(randomText(s, 8)),
        );
      }
      const mixed = Buffer.concat(parts);
      const decoded = new TextDecoder().decode(mixed);
      expect(hits((cb) => scanKeywords(automaton, decoded, mixed, cb))).toEqual(
        hits((cb) => findKeywords(automaton, decoded, cb)),
      );
    }
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
