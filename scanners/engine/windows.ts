import { FOLLOW_END, FOLLOW_NON_ASCII } from './anchor.js';
import type { KeywordAutomaton, KeywordHits } from './prefilter.js';
import type { RuleWindow } from './types.js';

/**
 * For a rule whose every match begins with one of its keywords (anchor.ts): keyword id -> which
 * characters may follow the keyword in a match. Undefined for other rules.
 */
export type FollowOf = (rule: number) => ((keywordId: number) => Uint8Array) | undefined;

/**
 * What a keyword-ending state means for the rules, flattened once per rule set so that the
 * per-hit loop reads typed arrays instead of nested lists and maps.
 */
export interface WindowPlan {
  hitFrom: number;
  /** `pairs[2j, 2j+2)` for j in [stateStart[s - hitFrom], stateStart[s - hitFrom + 1]). */
  stateStart: Int32Array;
  /** (keyword length - 1, rule index) for each keyword ending in the state and each of its rules. */
  pairs: Int32Array;
  before: Int32Array;
  after: Int32Array;
  multiline: Uint8Array;
  /** Keyword id of each pair. */
  pairKeyword: Int32Array;
  /** Per pair: its follow table, null for a windowed rule, undefined until the rule first has a hit. */
  follow: (Uint8Array | null | undefined)[];
  /** Per rule: 1 when anchored (its list holds hits), 0 when windowed, 255 until known. */
  anchored: Uint8Array;
  followOf: FollowOf;
  /** Rule -> its pairs. */
  rulePairs: number[][];
}

/** Works out (once) whether `rule` is anchored, filling in its pairs' follow tables. */
function resolve(plan: WindowPlan, rule: number): void {
  const followOf = plan.followOf(rule);
  plan.anchored[rule] = followOf ? 1 : 0;
  for (const j of plan.rulePairs[rule] ?? []) {
    plan.follow[j] = followOf ? followOf(plan.pairKeyword[j] as number) : null;
  }
}

export function planWindows(
  automaton: KeywordAutomaton,
  keywordRules: number[][],
  windows: RuleWindow[],
  followOf: FollowOf = () => undefined,
): WindowPlan {
  const { hitFrom, outputs, lengths } = automaton;
  const stateStart = new Int32Array(outputs.length - hitFrom + 1);
  const pairs: number[] = [];
  const pairKeyword: number[] = [];
  const rulePairs: number[][] = windows.map(() => []);
  for (let state = hitFrom; state < outputs.length; state++) {
    stateStart[state - hitFrom] = pairs.length / 2;
    // The order is the order hits were handled in before: keywords longest first, then rules.
    for (const id of outputs[state] ?? []) {
      for (const rule of keywordRules[id] ?? []) {
        rulePairs[rule]?.push(pairKeyword.length);
        pairKeyword.push(id);
        pairs.push((lengths[id] as number) - 1, rule);
      }
    }
  }
  stateStart[outputs.length - hitFrom] = pairs.length / 2;
  return {
    hitFrom,
    stateStart,
    pairs: Int32Array.from(pairs),
    before: Int32Array.from(windows, (w) => w.before),
    after: Int32Array.from(windows, (w) => w.after),
    multiline: Uint8Array.from(windows, (w) => (w.multiline ? 1 : 0)),
    pairKeyword: Int32Array.from(pairKeyword),
    follow: new Array<undefined>(pairKeyword.length).fill(undefined),
    anchored: new Uint8Array(windows.length).fill(255),
    followOf,
    rulePairs,
  };
}

/**
 * Per windowed rule, merged [start, end) windows; per anchored rule (plan.anchored), the hits that
 * may begin a match as (hit, start, end) triples, start and end bounding the hit's own window. And
 * the rules in the order their first window opened.
 */
export interface RuleWindows {
  order: number[];
  lists: (number[] | null | undefined)[];
}

/**
 * Windows around keyword hits, merged per rule as they arrive in text order. For single-line
 * rules a window is clipped to the hit's line; a hit that falls inside the rule's previous window
 * only extends that window's end. `include(rule)` is asked once per rule that has a hit; rules it
 * refuses get no windows.
 *
 * The hit's line is found once for all its rules, with native searches: the next newline is
 * remembered until a hit lies beyond it, so each line with hits is searched once and lines
 * without hits not at all, which keeps the work linear even on a minified 50 MB line.
 */
export function keywordWindows(
  text: string,
  hits: KeywordHits,
  plan: WindowPlan,
  include: (rule: number) => boolean,
): RuleWindows {
  const { hitFrom, stateStart, pairs, before, after, multiline, follow } = plan;
  const { ends, states } = hits;
  const n = text.length;
  const lists: (number[] | null | undefined)[] = new Array(before.length);
  const order: number[] = [];
  // The current line is [lineStart, lineEnd), lineEnd being its newline (or the text's end).
  let lineStart = 0;
  let lineEnd = -1;
  for (let i = 0; i < hits.count; i++) {
    const end = ends[i] as number;
    const row = (states[i] as number) - hitFrom;
    const stop = stateStart[row + 1] as number;
    for (let j = stateStart[row] as number; j < stop; j++) {
      const hit = end - (pairs[2 * j] as number);
      const rule = pairs[2 * j + 1] as number;
      let list = lists[rule];
      if (list === undefined) {
        list = lists[rule] = include(rule) ? [] : null;
        if (list) order.push(rule);
      }
      if (list === null) continue;
      let table = follow[j];
      if (table === undefined) {
        resolve(plan, rule);
        table = follow[j] as Uint8Array | null;
      }
      if (table) {
        // The character after the keyword must be one a match can have there.
        const next = end + 1 < n ? text.charCodeAt(end + 1) : -1;
        if (table[next === -1 ? FOLLOW_END : next < 128 ? next : FOLLOW_NON_ASCII] === 0) continue;
      }
      let start = hit - (before[rule] as number);
      let close = hit + (after[rule] as number);
      if (multiline[rule] === 0) {
        if (hit > lineEnd || hit < lineStart) {
          lineEnd = text.indexOf('\n', hit);
          if (lineEnd === -1) lineEnd = n;
          lineStart = hit === 0 ? 0 : text.lastIndexOf('\n', hit - 1) + 1;
        }
        if (start < lineStart) start = lineStart;
        if (close > lineEnd) close = lineEnd;
      } else {
        if (start < 0) start = 0;
        if (close > n) close = n;
      }
      if (table) {
        list.push(hit, start, close);
        continue;
      }
      const last = list.length - 1;
      if (last > 0 && start <= (list[last] as number)) {
        if (close > (list[last] as number)) list[last] = close;
      } else {
        list.push(start, close);
      }
    }
  }
  return { order, lists };
}
