import { describe, expect, it } from '@jest/globals';

import { compileRules, detect } from '../../../scanners/engine/detect.js';
import { valueHash } from '../../../scanners/engine/fingerprint.js';
import type { Rule } from '../../../scanners/engine/types.js';
import { parseConfig } from '../../../scanners/config/load.js';
import { buildRules, sha256Hex } from '../../../scanners/config/ruleset.js';
import { emptyConfig, type KeylessConfig } from '../../../scanners/config/schema.js';
import { configIssues, lineOf } from './helpers.js';

function rule(id: string, keyword: string): Rule {
  return {
    id,
    title: `${id} title`,
    provider: 'Test',
    severity: 'high',
    keywords: [keyword],
    pattern: new RegExp(`${keyword}[a-z0-9]{24}`),
    examples: { positive: [], negative: [] },
  };
}

const BUILTIN = [
  rule('generic-password', 'pass'),
  rule('zeta-api-key', 'zeta_'),
  rule('omega-token', 'omg_'),
];
const TOKEN_BODY = '8mxsku9o26506h2qbe0a25r1faa4bbbz';

const CUSTOM = `version: 1
rules:
  disable: [zeta-api-key]
  custom:
    - id: acme-internal-token
      title: ACME internal token
      severity: critical
      keywords: [acme_]
      pattern: 'acme_(?<secret>[a-z0-9]{32})'
      flags: i
      entropy: 3
      multiline: true
`;

describe('buildRules', () => {
  it('returns the built-ins unchanged for an empty config', () => {
    expect(buildRules(BUILTIN, emptyConfig()).map((r) => r.id)).toEqual(BUILTIN.map((r) => r.id));
  });

  it('drops disabled rules and appends custom ones as Rule objects', () => {
    const rules = buildRules(BUILTIN, parseConfig(CUSTOM, '.keyless.yml'));
    expect(rules.map((r) => r.id)).toEqual(['generic-password', 'omega-token', 'acme-internal-token']);
    const custom = rules[2]!;
    expect(custom).toMatchObject({
      provider: 'custom',
      severity: 'critical',
      keywords: ['acme_'],
      minEntropy: 3,
      examples: { positive: [], negative: [] },
    });
    expect(custom.pattern.source).toBe('acme_(?<secret>[a-z0-9]{32})');
    expect(custom.pattern.flags).toBe('i');
    expect(custom.window?.multiline).toBe(true);
  });

  it('builds rules the engine runs', () => {
    const rules = buildRules(BUILTIN, parseConfig(CUSTOM, '.keyless.yml'));
    const compiled = compileRules(rules);
    const findings = detect({ text: `const token = "ACME_${TOKEN_BODY}";\n`, path: 'src/a.ts' }, compiled);
    expect(findings.map((f) => [f.ruleId, f.secret])).toEqual([['acme-internal-token', TOKEN_BODY]]);
  });

  it('reports an unknown disabled id at its line, with a suggestion', () => {
    const text = 'version: 1\nrules:\n  disable:\n    - omega-token\n    - generic-pasword\n';
    const config = parseConfig(text, '.keyless.yml');
    const issues = configIssues(() => buildRules(BUILTIN, config));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      file: '.keyless.yml',
      line: lineOf(text, 'generic-pasword'),
      column: 7,
      path: 'rules.disable[1]',
    });
    expect(issues[0]?.message).toBe('unknown rule id "generic-pasword" (did you mean "generic-password"?)');
  });

  it('reports a custom id that clashes with a built-in id', () => {
    const text = `version: 1
rules:
  custom:
    - id: omega-token
      title: Mine
      severity: low
      keywords: [mine_]
      pattern: 'mine_[a-z0-9]{20}'
`;
    const issues = configIssues(() => buildRules(BUILTIN, parseConfig(text, '.keyless.yml')));
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [lineOf(text, 'omega-token'), 'rules.custom[0].id'],
    ]);
    expect(issues[0]?.message).toContain('built-in');
  });

  it('lets a custom rule be disabled by its own id', () => {
    const text = `${CUSTOM.replace('disable: [zeta-api-key]', 'disable: [acme-internal-token]')}`;
    const ids = buildRules(BUILTIN, parseConfig(text, '.keyless.yml')).map((r) => r.id);
    expect(ids).toEqual(BUILTIN.map((r) => r.id));
  });

  it('re-checks configs built in code (no positions available)', () => {
    const config: KeylessConfig = {
      ...emptyConfig(),
      customRules: [
        { id: 'x-token', title: 'X', severity: 'low', keywords: ['X_T'], pattern: 'x_t(' },
        { id: 'x-token', title: 'X', severity: 'low', keywords: ['x_t'], pattern: 'x_t[a-z]{9}' },
      ],
    };
    const issues = configIssues(() => buildRules(BUILTIN, config));
    expect(issues.map((i) => i.path).sort()).toEqual([
      'rules.custom[0].keywords',
      'rules.custom[0].pattern',
      'rules.custom[1].id',
    ]);
    expect(issues.every((i) => i.line === undefined && i.file === 'configuration')).toBe(true);
  });
});

describe('sha256Hex', () => {
  it('hashes the UTF-8 value the way the engine checks allowed values', () => {
    for (const value of [TOKEN_BODY, 'pä$$wörd-ü', '']) {
      expect(sha256Hex(value)).toMatch(/^[0-9a-f]{64}$/);
      expect(sha256Hex(value)).toBe(valueHash(value));
    }
    // Known vector: SHA-256 of "abc".
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('suppresses a value listed in allow.values', () => {
    const text = `${CUSTOM}allow:\n  values:\n    - sha256: ${sha256Hex(TOKEN_BODY)}\n      reason: vendor test key\n`;
    const config = parseConfig(text, '.keyless.yml');
    const compiled = compileRules(buildRules(BUILTIN, config), {
      allowedValueHashes: config.allowedValueHashes,
    });
    expect(detect({ text: `acme_${TOKEN_BODY}\n`, path: 'a.txt' }, compiled)).toEqual([]);
  });
});
