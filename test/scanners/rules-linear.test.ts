import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { compileRules, detect } from '../../scanners/engine/detect.js';
import { builtinRules } from '../../scanners/rules/index.js';
import type { Rule } from '../../scanners/engine/types.js';

/**
 * Near-misses that make a backtracking regex work hardest: the rule's keywords packed densely, its
 * examples with their last characters broken, and long runs of token characters with no terminator.
 */
function adversarial(rule: Rule, size: number): string[] {
  const broken = rule.examples.positive.map((e) => e.slice(0, Math.max(1, e.length - 3)) + '\u0000');
  const keywords = rule.keywords.join(' ');
  const seeds = [
    broken.join(''),
    rule.keywords.map((k) => `${k}=${'aZ9_-.'.repeat(8)}`).join(''),
    keywords + ' ',
    `${rule.keywords[0] ?? ''}${'a1B2c3D4/+='.repeat(40)}`,
  ];
  return seeds.map((seed) => seed.repeat(Math.ceil(size / Math.max(1, seed.length))).slice(0, size));
}

function timeMs(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('rules run in linear time', () => {
  it.each(builtinRules.map((r) => [r.id, r] as const))('%s', (_id, rule: Rule) => {
    const compiled = compileRules([rule]);
    const small = adversarial(rule, 1 << 20);
    const large = adversarial(rule, 2 << 20);
    small.forEach((text, i) => {
      const t1 = timeMs(() => detect({ text, path: 'a' }, compiled));
      const t2 = timeMs(() => detect({ text: large[i] as string, path: 'a' }, compiled));
      // Doubling the input should about double the time; quadratic growth would quadruple it.
      // Below 40 ms the ratio is noise, and such a rule is fast enough whatever its growth.
      expect({
        seed: i,
        t2: t2 < 40 ? 'fast' : t2 / t1 < 3.2 ? 'linear' : `${t1.toFixed(1)}ms -> ${t2.toFixed(1)}ms`,
      }).toEqual({
        seed: i,
        t2: expect.stringMatching(/^(fast|linear)$/),
      });
    });
  });
});
