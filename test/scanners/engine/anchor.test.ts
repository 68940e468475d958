import { describe, expect, it } from '@jest/globals';

import { FOLLOW_END, FOLLOW_NON_ASCII, keywordAnchors } from '../../../scanners/engine/anchor.js';
import { compileRules, detect } from '../../../scanners/engine/detect.js';
import type { Rule } from '../../../scanners/engine/types.js';
import { builtinRules } from '../../../scanners/rules/index.js';

/** The characters a follow table lets through, as a string (ASCII only), plus markers for the rest. */
function follows(source: string, flags: string, keywords: string[], keyword: string): string | undefined {
  const table = keywordAnchors(source, flags, keywords)?.get(keyword);
  if (!table) return undefined;
  let out = '';
  for (let c = 0; c < 128; c++) if (table[c]) out += String.fromCharCode(c);
  if (table[FOLLOW_NON_ASCII]) out += '<non-ascii>';
  if (table[FOLLOW_END]) out += '<end>';
  return out;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) >>> 8;
}

describe('keyword anchors', () => {
  it('finds patterns whose every match begins with a keyword, and what may follow it', () => {
    expect(follows('token[=:]\\w+', '', ['token'], 'token')).toBe(':=');
    expect(follows('(?<![a-z])tok(?:en)?=', 'i', ['tok'], 'tok')).toBe('=Ee');
    expect(follows('api[_.-]?key=', '', ['api_key', 'api-key', 'api.key', 'apikey'], 'api_key')).toBe('=');
    expect(follows('api[_.-]?key=', '', ['api_key', 'api-key', 'api.key', 'apikey'], 'apikey')).toBe('=');
    // The match may end right after the keyword: anything may follow, or nothing.
    expect(follows('sk(?:_\\w+)?', '', ['sk'], 'sk')).toHaveLength(128 + '<non-ascii><end>'.length);
    expect(follows('ab\\s', '', ['ab'], 'ab')).toContain('<non-ascii>');
  });

  it('gives no anchors when a match can begin elsewhere', () => {
    // `api.key` is not a keyword, so a match can begin without one.
    expect(keywordAnchors('api[_.-]?key=', '', ['api_key', 'api-key', 'apikey'])).toBeUndefined();
    expect(keywordAnchors('x?token=', '', ['token'])).toBeUndefined();
    expect(keywordAnchors('[a-z]oken=', '', ['token'])).toBeUndefined();
    // Case-sensitive keyword letters in a case-insensitive pattern still match both cases.
    expect(keywordAnchors('Token=', 'i', ['token'])).toBeDefined();
    // A backreference after the keyword may begin with anything.
    expect(follows('(a)\\1', '', ['a'], 'a')).toHaveLength(128 + '<non-ascii><end>'.length);
    expect(keywordAnchors('(a)\\1b', '', ['ab'])).toBeUndefined();
    expect(keywordAnchors('a?(b)\\1', '', ['ab'])).toBeUndefined();
    expect(keywordAnchors('tok', 'u', ['tok'])).toBeUndefined();
  });

  // Their keywords are narrowed to the word followed by what may follow it in a match (`auth=`, not
  // `author`): being anchored proves that no match lost its keyword.
  it('anchors the generic assignment rules and the rules with narrowed keywords', () => {
    const ids = [
      'generic-password',
      'generic-secret',
      'generic-token',
      'generic-api-key',
      'generic-credential',
      'twilio-api-key-sid',
    ];
    for (const id of ids) {
      const rule = builtinRules.find((r) => r.id === id) as Rule;
      expect(keywordAnchors(rule.pattern.source, rule.pattern.flags, rule.keywords)).toBeDefined();
    }
  });
});

describe('anchored detection', () => {
  const anchored = compileRules(builtinRules);
  const windowed = compileRules(builtinRules, { anchor: false });
  const examples = builtinRules.flatMap((r) => [...r.examples.positive, ...r.examples.negative]);

  it('finds what window searches find, on rule examples run together', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = lcg(seed);
      const glue = [' ', '\n', '; ', '=', '"', ' pass ', 'author ', 'password', 'token:', '\t', 'é'];
      let text = '';
      while (text.length < 4000) {
        const r = random();
        text += r % 3 === 0 ? (glue[r % glue.length] as string) : (examples[r % examples.length] as string);
      }
      const fragment = { text, path: 'config/settings.env' };
      expect(detect(fragment, anchored)).toEqual(detect(fragment, windowed));
    }
  });

  it('does not look again inside a match, and tries keywords that begin at one place once', () => {
    const rule: Rule = {
      id: 'test-pair',
      title: 'pair',
      provider: 'Test',
      severity: 'high',
      keywords: ['pair', 'pairkey'],
      pattern: /pair(?:key)?=(?<secret>[a-z0-9]{12}(?:;pair=[a-z0-9]{12})?)/,
      examples: { positive: [], negative: [] },
    };
    const text = 'pairkey=k3j9x8q2m7w4;pair=p5n2v8c4z7r1 pair=t6b3h9s2k8w5';
    const found = (options: { anchor?: boolean }): string[] =>
      detect({ text, path: 'a.txt' }, compileRules([rule], options)).map((f) => f.secret);
    expect(found({})).toEqual(found({ anchor: false }));
    expect(found({})).toHaveLength(2);
  });
});
