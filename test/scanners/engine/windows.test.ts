import { describe, expect, it } from '@jest/globals';

import { buildAutomaton, findKeywords, scanKeywordBytes } from '../../../scanners/engine/prefilter.js';
import type { RuleWindow } from '../../../scanners/engine/types.js';
import { keywordWindows, planWindows } from '../../../scanners/engine/windows.js';

/**
 * The window merging as first written: hit by hit and rule by rule, scanning characters for line
 * ends (bounded by the window and the rule's previous window). The faster form must agree with it.
 */
function referenceWindows(
  text: string,
  keywords: string[],
  keywordRules: number[][],
  windows: RuleWindow[],
): Map<number, number[]> {
  const result = new Map<number, number[]>();
  const n = text.length;
  findKeywords(buildAutomaton(keywords), text, (keywordId, hit) => {
    for (const ruleIndex of keywordRules[keywordId] ?? []) {
      const window = windows[ruleIndex] as RuleWindow;
      let list = result.get(ruleIndex);
      if (!list) result.set(ruleIndex, (list = []));
      const last = list.length - 2;
      const lastEnd = last >= 0 ? (list[last + 1] as number) : -1;
      let start = Math.max(0, hit - window.before);
      if (!window.multiline && hit > lastEnd) {
        for (let j = hit - 1; j >= Math.max(start, lastEnd); j--) {
          if (text.charCodeAt(j) === 10) {
            start = j + 1;
            break;
          }
        }
      }
      const limit = Math.min(n, hit + window.after);
      let end = limit;
      if (!window.multiline) {
        for (let j = Math.max(hit, lastEnd); j < limit; j++) {
          if (text.charCodeAt(j) === 10) {
            end = j;
            break;
          }
        }
      }
      if (last >= 0 && start <= lastEnd) {
        if (end > lastEnd) list[last + 1] = end;
      } else {
        list.push(start, end);
      }
    }
  });
  return result;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff);
}

describe('keyword windows', () => {
  // Keywords that contain one another (as prefix, suffix and infix) and rules sharing them.
  const keywords = ['token', 'tok', 'ken', 'secret_key', 'key', 'api_key', 'pass', 'password', 'sword'];
  const keywordRules = [[0, 1], [2], [1], [3, 0], [3, 4], [4], [5, 1], [5, 2], [0]];
  const pieces = [...keywords, 'TOKEN', 'Key', ' ', ' ', 'x', 'abc', '=', '\n', '\n\n', 'é', '😀', '中文'];

  it('agree with the reference on random text, rules and window sizes', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = lcg(seed);
      const windows: RuleWindow[] = Array.from({ length: 6 }, () => ({
        before: random() % 40,
        after: random() % 60,
        ...(random() % 3 === 0 ? { multiline: true } : {}),
      }));
      let text = '';
      while (text.length < 3000) text += pieces[random() % pieces.length];
      const expected = referenceWindows(text, keywords, keywordRules, windows);
      const automaton = buildAutomaton(keywords);
      const plan = planWindows(automaton, keywordRules, windows);
      const { order, lists } = keywordWindows(
        text,
        scanKeywordBytes(automaton, Buffer.from(text)),
        plan,
        () => true,
      );
      expect(order).toEqual([...expected.keys()]);
      expect(order.map((rule) => lists[rule])).toEqual([...expected.values()]);
    }
  });

  it('leave out the rules the caller excludes, and ask once per rule', () => {
    const automaton = buildAutomaton(keywords);
    const windows = Array.from({ length: 6 }, () => ({ before: 5, after: 5 }));
    const plan = planWindows(automaton, keywordRules, windows);
    const asked: number[] = [];
    const text = 'token key password\nsecret_key token';
    const { order, lists } = keywordWindows(
      text,
      scanKeywordBytes(automaton, Buffer.from(text)),
      plan,
      (rule) => {
        asked.push(rule);
        return rule !== 0;
      },
    );
    expect(asked.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(order).not.toContain(0);
    expect(lists[0]).toBeNull();
    expect(order.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('clip single-line windows to the line even on a very long line', () => {
    const automaton = buildAutomaton(['key']);
    const plan = planWindows(automaton, [[0]], [{ before: 10, after: 10 }]);
    const filler = 'a'.repeat(1_000_000);
    const text = `${filler}key${filler}\nkey\n`;
    const { lists } = keywordWindows(text, scanKeywordBytes(automaton, Buffer.from(text)), plan, () => true);
    const at = filler.length;
    const second = 2 * filler.length + 4;
    expect(lists[0]).toEqual([at - 10, at + 10, second, second + 3]);
  });
});
