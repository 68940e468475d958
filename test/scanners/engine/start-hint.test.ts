import { describe, expect, it } from '@jest/globals';

import { firstCharacters, requiredCharacters, withStartHint } from '../../../scanners/engine/start-hint.js';
import { builtinRules } from '../../../scanners/rules/index.js';

function chars(source: string, flags = ''): string | undefined {
  const ranges = firstCharacters(source, flags);
  if (!ranges) return undefined;
  let out = '';
  for (let i = 0; i < ranges.length; i += 2) {
    for (let c = ranges[i] as number; c <= (ranges[i + 1] as number); c++) out += String.fromCharCode(c);
  }
  return out;
}

/** Every match of a global scan: index, text and groups. */
function matches(regex: RegExp, text: string): string[] {
  const out: string[] = [];
  regex.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = regex.exec(text)) !== null) {
    out.push(`${m.index}:${JSON.stringify([...m])}:${JSON.stringify(m.groups ?? null)}`);
    if (m[0].length === 0) regex.lastIndex++;
  }
  return out;
}

function lcg(seed: number): () => number {
  let s = seed;
  // The low bits of this generator cycle quickly; only the high ones are used.
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) >>> 12;
}

describe('start hints', () => {
  it('reads the first characters through groups, alternatives, optional parts and assertions', () => {
    expect(chars('abc')).toBe('a');
    expect(chars('a?b*c')).toBe('abc');
    expect(chars('(?:x|y)z|[0-2]')).toBe('012xy');
    expect(chars('(?<![A-Za-z])(?=q)p')).toBe('p');
    expect(chars('^\\b(?<name>k{0,2})\\.')).toBe('.k');
    expect(chars('\\x41\\u0042', '')).toBe('A');
    expect(chars('[\\d-]x')).toBe('-0123456789');
    expect(chars('[\\w-]')).toHaveLength(64);
    expect(chars('[^\\w]')).toBeUndefined();
    expect(chars('a{2}|b{0}c')).toBe('abc');
    expect(chars('ab', 'i')).toBe('Aa');
    expect(chars('k', 'i')).toBe('Kk');
  });

  it('gives up where the first character is unknown or the pattern can match nothing', () => {
    expect(chars('a*')).toBeUndefined();
    expect(chars('(?=a)')).toBeUndefined();
    expect(chars('(a)\\1b')).toBe('a');
    expect(chars('(a)?\\1b')).toBeUndefined();
    expect(chars('.x')).toBeUndefined();
    expect(chars('[^a]')).toBeUndefined();
    expect(chars('\\sx')).toBe(
      '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff',
    );
    expect(chars('ab', 'u')).toBeUndefined();
    expect(chars('(?i:a)b')).toBeUndefined();
    expect(withStartHint('a*', '', true)).toBe('a*');
    expect(withStartHint('(?<=x)a*', '')).toBe('(?<=x)a*');
  });

  it('adds the hint only where a positive lookbehind can come first', () => {
    expect(withStartHint('(?:(?<=[a-z])P|p)ass', '')).toBe('(?=[\\u0050\\u0070])(?:(?:(?<=[a-z])P|p)ass)');
    expect(withStartHint('^(?:(?<=bot)|x)\\d', 'm')).toMatch(/^\(\?=\[/);
    // V8 scans these well by itself.
    expect(withStartHint('(?:(?<![a-z])P|p)ass', '')).toBe('(?:(?<![a-z])P|p)ass');
    expect(withStartHint('pass(?<=s)', '')).toBe('pass(?<=s)');
    expect(withStartHint('(?!(?<=a))b', '')).toBe('(?!(?<=a))b');
    expect(withStartHint('(?<=a)b', '', true)).toBe(withStartHint('(?<=a)b', ''));
    const hinted = builtinRules.filter(
      (r) => withStartHint(r.pattern.source, r.pattern.flags) !== r.pattern.source,
    );
    expect(hinted.map((r) => r.id)).toContain('generic-password');
  });

  it('knows characters every match contains', () => {
    expect(requiredCharacters('a;b=(?:x|y)', '')).toEqual([';', '=', 'a']);
    expect(requiredCharacters('(?:a@|b@c)[:]', '')).toEqual([':', '@']);
    expect(requiredCharacters('x?y*z{0,3}(?=q)(?<=r)\\bw', '')).toEqual(['w']);
    expect(requiredCharacters('ab=', 'i')).toEqual(['=']);
    expect(requiredCharacters('(?<q>["\']?)v\\k<q>', '')).toEqual(['v']);
    expect(requiredCharacters('(.)\\1', '')).toEqual([]);
    expect(requiredCharacters('\\x3d[;][^;]', '')).toEqual([';', '=']);
    expect(requiredCharacters('a/b:c@d', '')).toHaveLength(3);
  });

  it('finds exactly the matches of the plain pattern, on random patterns and texts', () => {
    const atoms = [
      'a',
      'b',
      'c',
      'A',
      '.',
      '[ab]',
      '[^a]',
      '[a-c]',
      '\\d',
      '\\w',
      '\\s',
      '\\b',
      '^',
      '$',
      '-',
      '\\x61',
      '[\\d-]',
    ];
    const alphabet = ['a', 'b', 'c', 'A', 'B', '1', '-', ' ', '\n', 'é', 'K', '\u212a'];
    let hinted = 0;
    let withRequired = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const random = lcg(seed);
      const pick = <T>(list: T[]): T => list[random() % list.length] as T;
      const term = (depth: number): string => {
        const r = random() % 12;
        let t: string;
        if (depth < 2 && r === 0) t = `(?:${alt(depth + 1)})`;
        else if (depth < 2 && r === 1) t = `(a${alt(depth + 1)})`;
        else if (depth < 2 && r === 2) t = `(?=${alt(depth + 1)})`;
        else if (depth < 2 && r === 3) t = `(?<!${alt(depth + 1)})`;
        else if (depth < 2 && r === 4) t = `(?<n${seed}_${depth}_${random() % 1000}>${alt(depth + 1)})`;
        else t = pick(atoms);
        const q = random() % 8;
        // Groups get at most a `?`: repeated groups of repeated atoms would backtrack for ages.
        if (t.startsWith('(?:') || t.startsWith('(?<n') || t.startsWith('(a')) {
          if (q === 0) t += '?';
        } else if (!/^(?:\\b|\^|\$|\(\?[=<])/.test(t)) {
          if (q === 0) t += '?';
          else if (q === 1) t += '*';
          else if (q === 2) t += '+?';
          else if (q === 3) t += '{0,2}';
          else if (q === 4) t += '{1,2}';
        }
        return t;
      };
      const seq = (depth: number): string =>
        Array.from({ length: 1 + (random() % 3) }, () => term(depth)).join('');
      const alt = (depth: number): string =>
        random() % 4 === 0 ? `${seq(depth)}|${seq(depth)}` : seq(depth);
      const source = alt(0) + (random() % 5 === 0 ? '\\1' : '');
      const flags = pick(['', 'i', 'm', 's', 'im']);
      let plain: RegExp;
      try {
        plain = new RegExp(source, `${flags}g`);
      } catch {
        continue;
      }
      const hint = withStartHint(source, flags, true);
      if (hint !== source) hinted++;
      const withHint = new RegExp(hint, `${flags}g`);
      const required = requiredCharacters(source, flags);
      if (required.length > 0) withRequired++;
      for (let t = 0; t < 4; t++) {
        const text = Array.from({ length: 40 }, () => pick(alphabet)).join('');
        expect(matches(withHint, text)).toEqual(matches(plain, text));
        plain.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = plain.exec(text)) !== null) {
          for (const c of required) expect(m[0]).toContain(c);
          if (m[0].length === 0) plain.lastIndex++;
        }
      }
    }
    expect(hinted).toBeGreaterThan(150);
    expect(withRequired).toBeGreaterThan(100);
  });

  it('leaves every built-in rule finding the same matches in its examples', () => {
    const examples = builtinRules.flatMap((r) => [...r.examples.positive, ...r.examples.negative]);
    const random = lcg(99);
    for (const rule of builtinRules) {
      const flags = rule.pattern.flags.replace(/[gyd]/g, '');
      const hint = withStartHint(rule.pattern.source, flags, true);
      const plain = new RegExp(rule.pattern.source, `${flags}g`);
      const withHint = new RegExp(hint, `${flags}g`);
      // Its own examples, and others around them.
      const texts = [...rule.examples.positive, ...rule.examples.negative];
      for (let i = 0; i < 4; i++) {
        const around = Array.from({ length: 3 }, () => examples[random() % examples.length]);
        texts.push([...around, ...texts.slice(0, 2)].join(i % 2 ? '\n' : ' '));
      }
      const required = requiredCharacters(rule.pattern.source, flags);
      for (const text of texts) {
        expect(matches(withHint, text)).toEqual(matches(plain, text));
        for (const m of text.matchAll(plain)) for (const c of required) expect(m[0]).toContain(c);
      }
    }
  });
});
