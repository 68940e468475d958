import { isAscii, isUtf8 } from 'node:buffer';

import { scanBytes, type ByteHits, type ByteTable } from './wasm/keyword-scanner.js';

/**
 * Aho–Corasick automaton over ASCII, case-insensitive. One pass over the text finds every keyword
 * occurrence, so the cost of the prefilter does not grow with the number of rules.
 */
const ASCII = 128;
/** Cells are 16-bit state numbers; a larger automaton runs in the JavaScript loop instead. */
const MAX_WASM_STATES = 1 << 16;

export interface KeywordAutomaton {
  /** Keyword id -> length. */
  lengths: number[];
  /** State -> keyword ids that end there (its own keyword first, then shorter suffixes). */
  outputs: (number[] | undefined)[];
  /** The DFA over byte classes (failure links folded in); states >= hitFrom end a keyword. */
  classes: Uint8Array;
  cells: Uint16Array | Uint32Array;
  rowBits: number;
  hitFrom: number;
  /** Set when the states fit 16-bit cells, for the WebAssembly loop. */
  wasm: ByteTable | undefined;
  /** The trie with failure links, as built; the reference scan walks it directly. */
  trie: { goto: Map<number, number>[]; fail: Int32Array; outputs: (number[] | undefined)[] };
}

/** Keyword occurrences: `ends[i]` is the UTF-16 index of the last character, `states[i]` the state. */
export interface KeywordHits {
  count: number;
  ends: Int32Array;
  states: Int32Array;
  /** The scanned bytes were all ASCII. */
  ascii: boolean;
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

export function buildAutomaton(keywords: string[]): KeywordAutomaton {
  const goto: Map<number, number>[] = [new Map()];
  const own: (number[] | undefined)[] = [undefined];
  // Only characters that occur in a keyword get a class of their own (upper and lower case
  // share one); every other byte is class 0, which leads back to the root from any state.
  const classes = new Uint8Array(256);
  const classChar: number[] = [-1];
  keywords.forEach((keyword, id) => {
    // An empty keyword would end at the root, which never reports.
    if (keyword.length === 0) return;
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const c = keyword.charCodeAt(i);
      if (c >= ASCII) throw new Error(`keyword ${JSON.stringify(keyword)} is not ASCII`);
      const folded = fold(c);
      if (classes[folded] === 0) {
        classes[folded] = classChar.length;
        if (folded >= 97 && folded <= 122) classes[folded - 32] = classChar.length;
        classChar.push(folded);
      }
      let next = goto[state]?.get(folded);
      if (next === undefined) {
        next = goto.length;
        goto.push(new Map());
        own.push(undefined);
        goto[state]?.set(folded, next);
      }
      state = next;
    }
    (own[state] ??= []).push(id);
  });

  const states = goto.length;
  const rowBits = Math.max(1, Math.ceil(Math.log2(classChar.length)));
  const delta = new Int32Array(states << rowBits);
  const fail = new Int32Array(states);
  const outputs: (number[] | undefined)[] = own.slice();
  const order: number[] = [0];
  for (let head = 0; head < order.length; head++) {
    const state = order[head] as number;
    const failRow = (fail[state] as number) << rowBits;
    if (state !== 0) {
      const inherited = outputs[fail[state] as number];
      if (inherited) outputs[state] = [...(outputs[state] ?? []), ...inherited];
    }
    for (let cls = 1; cls < classChar.length; cls++) {
      const next = goto[state]?.get(classChar[cls] as number);
      if (next === undefined) {
        delta[(state << rowBits) + cls] = state === 0 ? 0 : (delta[failRow + cls] as number);
      } else {
        delta[(state << rowBits) + cls] = next;
        fail[next] = state === 0 ? 0 : (delta[failRow + cls] as number);
        order.push(next);
      }
    }
  }

  // Renumber so that keyword-ending states come last: "is a hit" is then one comparison.
  const renumbered = new Int32Array(states);
  let next = 0;
  for (const state of order) if (!outputs[state]) renumbered[state] = next++;
  const hitFrom = next;
  for (const state of order) if (outputs[state]) renumbered[state] = next++;
  const cells =
    states <= MAX_WASM_STATES ? new Uint16Array(states << rowBits) : new Uint32Array(states << rowBits);
  const stateOutputs: (number[] | undefined)[] = new Array(states).fill(undefined);
  for (let state = 0; state < states; state++) {
    const to = (renumbered[state] as number) << rowBits;
    const from = state << rowBits;
    for (let cls = 0; cls < 1 << rowBits; cls++)
      cells[to + cls] = renumbered[delta[from + cls] as number] as number;
    stateOutputs[renumbered[state] as number] = outputs[state];
  }
  return {
    lengths: keywords.map((k) => k.length),
    outputs: stateOutputs,
    classes,
    cells,
    rowBits,
    hitFrom,
    wasm:
      cells instanceof Uint16Array
        ? { classes, cells, rowBits, hitFrom, lead: Math.max(1, ...keywords.map((k) => k.length)) - 1 }
        : undefined,
    trie: { goto, fail, outputs },
  };
}

/**
 * The same loop as the WebAssembly one, in JavaScript: for automata too large for 16-bit cells,
 * and as a second implementation the tests hold the WebAssembly loop to.
 */
export function scanBytesJs(automaton: KeywordAutomaton, bytes: Uint8Array, countUnits: boolean): ByteHits {
  const { classes, cells, rowBits, hitFrom } = automaton;
  const pos: number[] = [];
  const states: number[] = [];
  const units: number[] = [];
  let state = 0;
  let unit = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    unit += ((c & 0xc0) !== 0x80 ? 1 : 0) + (c >= 0xf0 ? 1 : 0);
    state = cells[(state << rowBits) + (classes[c] as number)] as number;
    if (state >= hitFrom) {
      pos.push(i);
      states.push(state);
      units.push(unit - 1);
    }
  }
  const hits: ByteHits = { count: pos.length, pos: Int32Array.from(pos), states: Int32Array.from(states) };
  if (countUnits) hits.units = Int32Array.from(units);
  return hits;
}

const segmentDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Keyword occurrences in UTF-8 bytes, with positions in UTF-16 code units of the text those bytes
 * decode to (invalid sequences counting as the U+FFFD a lenient decoder makes of them).
 */
export function scanKeywordBytes(
  automaton: KeywordAutomaton,
  bytes: Uint8Array,
  engine: 'wasm' | 'js' = 'wasm',
): KeywordHits {
  const ascii = isAscii(bytes);
  const valid = ascii || isUtf8(bytes);
  const countUnits = !ascii && valid;
  const found =
    engine === 'wasm' && automaton.wasm
      ? scanBytes(automaton.wasm, bytes, countUnits)
      : scanBytesJs(automaton, bytes, countUnits);
  const { count, states } = found;
  if (valid) return { count, ends: found.units ?? found.pos, states, ascii };
  // Invalid sequences decode to a number of U+FFFD that byte counting cannot know: decode the
  // bytes between consecutive hits. Hits end on ASCII bytes, so every segment starts and ends
  // on a character boundary and decodes as it did within the whole text.
  const ends = new Int32Array(count);
  let byte = 0;
  let units = 0;
  for (let i = 0; i < count; i++) {
    const endByte = found.pos[i] as number;
    if (endByte > byte) {
      units += segmentDecoder.decode(bytes.subarray(byte, endByte)).length;
      byte = endByte;
    }
    ends[i] = units;
  }
  return { count, ends, states, ascii };
}

/** Calls `onHit(keywordId, start)` for every occurrence in `hits`, in order of the occurrence's end. */
export function forEachKeyword(
  automaton: KeywordAutomaton,
  hits: KeywordHits,
  onHit: (keywordId: number, start: number) => void,
): void {
  const { outputs, lengths } = automaton;
  for (let i = 0; i < hits.count; i++) {
    const end = hits.ends[i] as number;
    for (const id of outputs[hits.states[i] as number] ?? []) onHit(id, end - (lengths[id] as number) + 1);
  }
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
  forEachKeyword(automaton, scanKeywordBytes(automaton, utf8 ?? Buffer.from(text, 'utf8')), onHit);
}

/**
 * Pure-JavaScript reference over UTF-16 code units, walking the trie and its failure links rather
 * than the DFA; the tests hold the byte scans to it.
 * Calls `onHit(keywordId, start)` for every occurrence, in order of the occurrence's end.
 * Non-ASCII characters reset the automaton, as no keyword contains one.
 */
export function findKeywords(
  automaton: KeywordAutomaton,
  text: string,
  onHit: (keywordId: number, start: number) => void,
): void {
  const { goto, fail, outputs } = automaton.trie;
  const { lengths } = automaton;
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= ASCII) {
      state = 0;
      continue;
    }
    const folded = fold(c);
    let next = goto[state]?.get(folded);
    while (next === undefined && state !== 0) {
      state = fail[state] as number;
      next = goto[state]?.get(folded);
    }
    state = next ?? 0;
    for (const id of outputs[state] ?? []) onHit(id, i - (lengths[id] as number) + 1);
  }
}
