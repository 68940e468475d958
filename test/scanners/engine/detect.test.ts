import { describe, expect, it } from '@jest/globals';
import { compileRules, detect } from '../../../scanners/engine/detect.js';
import { valueHash } from '../../../scanners/engine/fingerprint.js';
import type { Rule } from '../../../scanners/engine/types.js';

const tokenRule: Rule = {
  id: 'acme-token',
  title: 'ACME token',
  provider: 'ACME',
  severity: 'high',
  keywords: ['acme_'],
  pattern: /(?<![A-Za-z0-9])acme_(?<secret>[A-Za-z0-9]{24})(?![A-Za-z0-9])/,
  examples: { positive: [], negative: [] },
};
const genericRule: Rule = {
  id: 'generic-secret',
  title: 'Generic secret',
  provider: 'generic',
  severity: 'medium',
  keywords: ['secret'],
  pattern: /secret\s*=\s*"(?<secret>[^"]{8,80})"/,
  minEntropy: 3,
  examples: { positive: [], negative: [] },
};
const keyRule: Rule = {
  id: 'pem',
  title: 'PEM',
  provider: 'PEM',
  severity: 'critical',
  keywords: ['-----begin'],
  pattern: /-----BEGIN TEST KEY-----[\s\S]{1,200}?-----END TEST KEY-----/,
  window: { before: 0, after: 400, multiline: true },
  examples: { positive: [], negative: [] },
};

const rules = compileRules([tokenRule, genericRule, keyRule]);
const SECRET = 'Q7fK2pLm9XzR4tVb8NcW1yHd';

describe('detect', () => {
  it('reports the secret group with 1-based line and columns', () => {
    const text = `line one\nconst t = "acme_${SECRET}";\n`;
    const [f, ...rest] = detect({ text, path: 'src/a.ts' }, rules);
    expect(rest).toHaveLength(0);
    expect(f?.secret).toBe(SECRET);
    expect(f?.location).toEqual({
      path: 'src/a.ts',
      startLine: 2,
      startColumn: 17,
      endLine: 2,
      endColumn: 41,
    });
    expect(f?.redacted).not.toContain(SECRET.slice(0, 8));
  });

  it('keyword matching is case-insensitive but the pattern decides', () => {
    expect(detect({ text: `ACME_${SECRET}`, path: 'a' }, rules)).toHaveLength(0);
    expect(detect({ text: `x acme_${SECRET} y`, path: 'a' }, rules)).toHaveLength(1);
  });

  it('fingerprint survives moving the secret to another line and file', () => {
    const a = detect({ text: `acme_${SECRET}`, path: 'a' }, rules)[0];
    const b = detect({ text: `\n\n\n  acme_${SECRET}`, path: 'b', startLine: 10 }, rules)[0];
    expect(a?.fingerprint).toBe(b?.fingerprint);
    expect(b?.location.startLine).toBe(13);
  });

  it('keeps the provider rule when a generic rule matches the same value', () => {
    const found = detect({ text: `secret = "acme_${SECRET}"`, path: 'a' }, rules);
    expect(found.map((f) => f.ruleId)).toEqual(['acme-token']);
  });

  it('honours keyless:allow on the line and allowed value hashes', () => {
    expect(detect({ text: `acme_${SECRET} # keyless:allow`, path: 'a' }, rules)).toHaveLength(0);
    const allowing = compileRules([tokenRule], { allowedValueHashes: [valueHash(SECRET)] });
    expect(detect({ text: `acme_${SECRET}`, path: 'a' }, allowing)).toHaveLength(0);
  });

  it('suppresses placeholders and low-entropy values', () => {
    for (const value of [
      '${API_SECRET}',
      '{{ .Values.secret }}',
      '<your-secret>',
      'changeme-now-please',
      'aaaaaaaaaaaa',
      'abcdefgh1',
    ]) {
      expect(detect({ text: `secret = "${value}"`, path: 'a' }, rules)).toHaveLength(0);
    }
    expect(detect({ text: 'secret = "Zq8#Lw2!Rt5Vn"', path: 'a' }, rules)).toHaveLength(1);
  });

  it('searches multi-line windows for block rules and reports the block span', () => {
    const text = 'x\n-----BEGIN TEST KEY-----\nAbCd\nEfGh\n-----END TEST KEY-----\n';
    const [f] = detect({ text, path: 'k' }, rules);
    expect(f?.location.startLine).toBe(2);
    expect(f?.location.endLine).toBe(5);
  });

  it('finds secrets in a long single line without scanning beyond windows', () => {
    const filler = 'var a=1;'.repeat(200_000);
    const text = `${filler}acme_${SECRET} ${filler}secret = "Zq8#Lw2!Rt5Vn"${filler}`;
    const found = detect({ text, path: 'min.js' }, rules);
    expect(found.map((f) => f.ruleId)).toEqual(['acme-token', 'generic-secret']);
    expect(found[0]?.location.startColumn).toBe(filler.length + 6);
  });

  it('runs path-scoped rules only on matching files, and path-only rules over the whole file', () => {
    const scoped: Rule = { ...tokenRule, id: 'scoped', paths: /(^|\/)\.acmerc$/ };
    const wholeFile: Rule = {
      ...tokenRule,
      id: 'master-key',
      keywords: [],
      paths: /(^|\/)master\.key$/,
      pattern: /^(?<secret>[0-9a-f]{32})\s*$/,
    };
    const compiled = compileRules([scoped, wholeFile]);
    const ids = (text: string, path: string): string[] =>
      detect({ text, path }, compiled).map((f) => f.ruleId);
    expect(ids(`acme_${SECRET}`, 'home/.acmerc')).toEqual(['scoped']);
    expect(ids(`acme_${SECRET}`, 'src/app.ts')).toEqual([]);
    expect(ids('9f86d081884c7d659a2feaa0c55ad015\n', 'config/master.key')).toEqual(['master-key']);
    expect(ids('9f86d081884c7d659a2feaa0c55ad015\n', 'config/other.key')).toEqual([]);
    expect(() => compileRules([{ ...tokenRule, keywords: [] }])).toThrow(/neither keywords nor paths/);
  });

  it('treats Mapbox public tokens as public for context-only rules', () => {
    const body = 'eyJ1IjoiYWNtZSIsImEiOiJjbG0zeHE5In0.Zq8LwRt5VnX2pQ7mK9sBdA';
    expect(detect({ text: `secret = "pk.${body}"`, path: 'map.js' }, rules)).toHaveLength(0);
    expect(detect({ text: `secret = "sk.${body}"`, path: 'map.js' }, rules)).toHaveLength(1);
  });

  it('is pure: same input, same output', () => {
    const text = `acme_${SECRET}\nsecret = "Zq8#Lw2!Rt5Vn"`;
    expect(detect({ text, path: 'a' }, rules)).toEqual(detect({ text, path: 'a' }, rules));
  });
});
