import { describe, expect, it } from '@jest/globals';
import { compileRules, detect } from '../../scanners/engine/detect.js';
import { builtinRules } from '../../scanners/rules/index.js';
import type { Rule } from '../../scanners/engine/types.js';

const all = compileRules(builtinRules);
const ruleIds = (text: string, compiled = all, path = 'example.txt'): string[] =>
  detect({ text, path }, compiled).map((f) => f.ruleId);

describe('built-in rules', () => {
  it('has at least 150 rules with unique ids', () => {
    expect(builtinRules.length).toBeGreaterThanOrEqual(150);
    const ids = builtinRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(builtinRules.map((r) => [r.id, r] as const))('%s is well-formed', (_id, rule: Rule) => {
    expect(rule.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    // Keyword-less rules must be scoped to the files they read whole.
    expect(rule.keywords.length > 0 || rule.paths !== undefined).toBe(true);
    for (const k of rule.keywords) {
      expect(k).toBe(k.toLowerCase());
      expect(k.length).toBeGreaterThanOrEqual(2);
    }
    expect(rule.examples.positive.length).toBeGreaterThanOrEqual(2);
    expect(rule.examples.negative.length).toBeGreaterThanOrEqual(2);
    expect(rule.title.length).toBeGreaterThan(3);
  });

  it.each(builtinRules.map((r) => [r.id, r] as const))('%s finds its true examples', (_id, rule: Rule) => {
    const alone = compileRules([rule]);
    for (const example of rule.examples.positive) {
      expect({ example: rule.id, alone: ruleIds(example, alone, rule.examples.path) }).toEqual({
        example: rule.id,
        alone: expect.arrayContaining([rule.id]),
      });
      expect({ example: rule.id, all: ruleIds(example, all, rule.examples.path) }).toEqual({
        example: rule.id,
        all: expect.arrayContaining([rule.id]),
      });
    }
  });

  it.each(builtinRules.map((r) => [r.id, r] as const))('%s ignores its false examples', (_id, rule: Rule) => {
    for (const example of rule.examples.negative) {
      expect({ example, ids: ruleIds(example, all, rule.examples.path) }).toEqual({
        example,
        ids: expect.not.arrayContaining([rule.id]),
      });
    }
  });
});
