import type { Rule } from '../engine/types.js';

/** Identity helper so rule files get type checking and a single place to add defaults later. */
export function defineRules(rules: Rule[]): Rule[] {
  return rules;
}
