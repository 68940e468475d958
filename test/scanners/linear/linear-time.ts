import { expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { compileRules, detect } from '../../../scanners/engine/detect.js';
import { builtinRules } from '../../../scanners/rules/index.js';
import type { Rule } from '../../../scanners/engine/types.js';

/**
 * Near-misses that make a backtracking regex work hardest: the rule's examples with their last
 * characters broken, its keywords packed densely, and a keyword followed by a long run of token
 * characters with no terminator — all on one line, so line clipping does not help.
 */
function adversarial(rule: Rule, size: number): string[] {
  const seeds = [
    rule.examples.positive.map((e) => e.slice(0, Math.max(1, e.length - 3)) + '\u0000').join(''),
    rule.keywords.map((k) => `${k}=${'aZ9_-.'.repeat(8)} `).join(''),
    `${rule.keywords[0] ?? ''}${'a1B2c3D4/+='.repeat(40)}`,
  ];
  return seeds.map((seed) => seed.repeat(Math.ceil(size / Math.max(1, seed.length))).slice(0, size));
}

function timeMs(run: () => void, repeat: number): number {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Doubling the input should about double the time; quadratic growth would quadruple it. */
function growth(rule: Rule): string[] {
  const compiled = compileRules([rule]);
  const path = rule.examples.path ?? 'adversarial.txt';
  const small = adversarial(rule, 1 << 20);
  const large = adversarial(rule, 2 << 20);
  const problems: string[] = [];
  small.forEach((text, i) => {
    const big = large[i] as string;
    const measure = (repeat: number): [number, number] => [
      timeMs(() => detect({ text, path }, compiled), repeat),
      timeMs(() => detect({ text: big, path }, compiled), repeat),
    ];
    const [t1, t2] = measure(1);
    // Below 60 ms the ratio is noise. A suspicious doubling is confirmed at 4 MB, where linear
    // growth gives about 4x the 1 MB time and quadratic growth 16x.
    if (t2 < 60 || t2 / t1 < 3) return;
    const huge = text.repeat(4);
    const base = timeMs(() => detect({ text, path }, compiled), 3);
    const t4 = timeMs(() => detect({ text: huge, path }, compiled), 3);
    // 4 MB in under 500 ms is fast whatever the ratio: at these sizes GC pauses and a loaded machine
    // move the ratio more than the pattern does. Catastrophic backtracking takes seconds.
    if (t4 >= 500 && t4 / base >= 8)
      problems.push(`seed ${i}: 1 MB ${base.toFixed(0)} ms -> 4 MB ${t4.toFixed(0)} ms`);
  });
  return problems;
}

/** Registers one test per rule of this shard, so the shards run in parallel jest workers. */
export function linearTimeShard(shard: number, shards: number): void {
  const rules = builtinRules.filter((_, i) => i % shards === shard);
  it.each(rules.map((r) => [r.id, r] as const))('%s grows linearly', (_id, rule: Rule) => {
    expect(growth(rule)).toEqual([]);
  });
}
