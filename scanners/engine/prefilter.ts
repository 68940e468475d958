import { scanBytes } from './wasm/keyword-scanner.js';

/**
 * Aho–Corasick automaton over ASCII, case-insensitive. One pass over the text finds every keyword
 * occurrence, so the cost of the prefilter does not grow with the number of rules.
 */
const ALPHABET = 128;

export interface KeywordAutomaton {
  /** delta[state * 128 + char] -> next state (full DFA, failure links folded in). */
  delta: Int32Array;
  /** For each state, the keyword ids that end here (including via failure links), or undefined. */
  outputs: (number[] | undefined)[];
  lengths: number[];
  /** The same DFA encoded for the WebAssembly loop: next state * 512, bit 0 = ends a keyword. */
  wasmTable: Int32Array;
}

export function buildAutomaton(keywords: string[]): KeywordAutomaton {
  const goto: Map<number, number>[] = [new Map()];
  const outputs: (number[] | undefined)[] = [undefined];
  keywords.forEach((keyword, id) => {
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      if (c >= ALPHABET) throw new Error(`keyword ${JSON.stringify(keyword)} is not ASCII`);
      const folded = c >= 65 && c <= 90 ? c + 32 : c;
      let next = goto[state]?.get(folded);
      if (next === undefined) {
        next = goto.length;
        goto.push(new Map());
        outputs.push(undefined);
        goto[state]?.set(folded, next);
      }
      state = next;
    }
    (outputs[state] ??= []).push(id);
  });

  const delta = new Int32Array(goto.length * ALPHABET);
  const fail = new Int32Array(goto.length);
  const queue: number[] = [];
  for (let c = 0; c < ALPHABET; c++) {
    const next = goto[0]?.get(c);
    if (next !== undefined) {
      delta[c] = next;
      fail[next] = 0;
      queue.push(next);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as number;
    const inherited = outputs[fail[state] as number];
    if (inherited) outputs[state] = [...(outputs[state] ?? []), ...inherited];
    for (let c = 0; c < ALPHABET; c++) {
      const next = goto[state]?.get(c);
      const viaFail = delta[(fail[state] as number) * ALPHABET + c] as number;
      if (next === undefined) {
        delta[state * ALPHABET + c] = viaFail;
      } else {
        delta[state * ALPHABET + c] = next;
        fail[next] = viaFail;
        queue.push(next);
      }
    }
  }
  // Upper-case letters share the lower-case transitions.
  for (let s = 0; s < goto.length; s++) {
    for (let c = 65; c <= 90; c++) delta[s * ALPHABET + c] = delta[s * ALPHABET + c + 32] as number;
  }
  const wasmTable = new Int32Array(delta.length);
  for (let i = 0; i < delta.length; i++) {
    const next = delta[i] as number;
    wasmTable[i] = (next << 9) | (outputs[next] ? 1 : 0);
  }
  return { delta, outputs, lengths: keywords.map((k) => k.length), wasmTable };
}

/**
 * Keyword occurrences as character offsets, found over the text's UTF-8 bytes by the WebAssembly
 * loop. `utf8` may be passed when the source already holds the exact encoding of `text`.
 */
export function scanKeywords(
  automaton: KeywordAutomaton,
  text: string,
  utf8: Uint8Array | undefined,
  onHit: (keywordId: number, start: number) => void,
): void {
  const bytes = utf8 ?? Buffer.from(text, 'utf8');
  const { outputs, lengths } = automaton;
  const report = (endChar: number, state: number): void => {
    for (const id of outputs[state] ?? []) onHit(id, endChar - (lengths[id] as number) + 1);
  };
  if (bytes.length === text.length) {
    scanBytes(automaton.wasmTable, bytes, report);
    return;
  }
  // Multi-byte characters: convert byte offsets to UTF-16 offsets by decoding the bytes between
  // consecutive hits. Hits end on ASCII bytes, so every segment starts and ends on a character
  // boundary, and invalid sequences decode to as many U+FFFD as they did in the whole text.
  let byte = 0;
  let units = 0;
  scanBytes(automaton.wasmTable, bytes, (endByte, state) => {
    if (endByte > byte) {
      units += segmentDecoder.decode(bytes.subarray(byte, endByte)).length;
      byte = endByte;
    }
    report(units, state);
  });
}

const segmentDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Pure-JavaScript form of the same scan, over UTF-16 code units; kept as the reference the
 * WebAssembly loop is tested against.
 * Calls `onHit(keywordId, start)` for every occurrence, in order of the occurrence's end.
 * Non-ASCII characters reset the automaton, as no keyword contains one.
 */
export function findKeywords(
  automaton: KeywordAutomaton,
  text: string,
  onHit: (keywordId: number, start: number) => void,
): void {
  const { delta, outputs, lengths } = automaton;
  let state = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    state = c < ALPHABET ? (delta[state * ALPHABET + c] as number) : 0;
    if (state !== 0) {
      const out = outputs[state];
      if (out !== undefined) {
        for (const id of out) onHit(id, i - (lengths[id] as number) + 1);
      }
    }
  }
}
