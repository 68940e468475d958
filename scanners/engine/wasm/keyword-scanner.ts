import { KEYWORDS_WASM } from './keywords-module.js';

// The ES2023 lib has no WebAssembly types; these are the few members used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

interface ScannerExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(
    text: number,
    pos: number,
    len: number,
    state: number,
    rowShift: number,
    hitFrom: number,
    out: number,
    cap: number,
  ): number;
  scan4(text: number, lanes: number, steps: number, rowShift: number, hitFrom: number, out: number): number;
  units(text: number, from: number, to: number): number;
  resumePos(): number;
  resumeState(): number;
}

/** The automaton as the WebAssembly loop reads it. */
export interface ByteTable {
  /** byte -> class; bytes in no keyword (and all bytes >= 128) are class 0, which leads to the root. */
  classes: Uint8Array;
  /** `cells[(state << rowBits) + class]` = next state. */
  cells: Uint16Array;
  rowBits: number;
  /** States numbered at or above this end at least one keyword. */
  hitFrom: number;
  /** Longest keyword length - 1: how far before its segment a lane must start. */
  lead: number;
}

/** Where keywords end: the position of the last byte and the state reached, in text order. */
export interface ByteHits {
  count: number;
  pos: Int32Array;
  states: Int32Array;
  /** With `countUnits`: the UTF-16 index of each last byte's character. */
  units?: Int32Array;
}

/** Hit pairs buffered per call into WebAssembly; the loops resume when the buffer fills. */
const HIT_CAP = 16384;
const LANES = 4;
/** Below this many bytes one lane does all the work. */
const MIN_LANE_BYTES = 4096;
const PAGE = 65536;
// Fixed addresses: the loops reach these tables through load offsets (see keywords.wat).
const CLASSES_AT = 0;
const LANES_AT = 256;
const TABLE_AT = 512;

let scanner: ScannerExports | undefined;
let loadedTable: ByteTable | undefined;
const laneHits: HitList[] = [];

function load(): ScannerExports {
  if (!scanner) {
    const module = new WebAssembly.Module(Buffer.from(KEYWORDS_WASM, 'base64'));
    scanner = new WebAssembly.Instance(module).exports as unknown as ScannerExports;
  }
  return scanner;
}

/** One lane's hits, in order. The lists are reused from text to text; results are copied out. */
class HitList {
  pos = new Int32Array(1024);
  states = new Int32Array(1024);
  count = 0;

  push(pos: number, state: number): void {
    if (this.count === this.pos.length) {
      const grownPos = new Int32Array(this.count * 2);
      grownPos.set(this.pos);
      this.pos = grownPos;
      const grownStates = new Int32Array(this.count * 2);
      grownStates.set(this.states);
      this.states = grownStates;
    }
    this.pos[this.count] = pos;
    this.states[this.count++] = state;
  }
}

/**
 * Runs the automaton over UTF-8 bytes and returns where keywords end. `countUnits` asks for
 * UTF-16 positions as well (exact for valid UTF-8).
 */
export function scanBytes(table: ByteTable, bytes: Uint8Array, countUnits: boolean): ByteHits {
  const wasm = load();
  const outAt = TABLE_AT + table.cells.length * 2;
  const textAt = outAt + HIT_CAP * 8;
  const needed = textAt + bytes.length;
  const have = wasm.memory.buffer.byteLength;
  if (needed > have) {
    wasm.memory.grow(Math.ceil((needed - have) / PAGE));
    loadedTable = undefined;
  }
  const memory = wasm.memory.buffer;
  if (loadedTable !== table) {
    const classes = new Uint8Array(memory, CLASSES_AT, 256);
    // The loop adds the class to a row's byte offset, so classes are stored doubled.
    for (let b = 0; b < 256; b++) classes[b] = (table.classes[b] as number) * 2;
    new Uint16Array(memory, TABLE_AT, table.cells.length).set(table.cells);
    loadedTable = table;
  }
  new Uint8Array(memory, textAt, bytes.length).set(bytes);
  const out = new Int32Array(memory, outAt, HIT_CAP * 2);
  const rowShift = table.rowBits + 1;
  const { hitFrom } = table;
  const length = bytes.length;

  // Lane k scans [start, end) and reports hits from `from` on; it starts `lead` bytes early, from
  // the root, so that it is in the right state when its segment begins.
  const lanes = length >= MIN_LANE_BYTES ? LANES : 1;
  const segment = Math.ceil(length / lanes);
  const found: HitList[] = [];
  const from: number[] = [];
  const ends: number[] = [];
  const record = new Int32Array(memory, LANES_AT, LANES * 2);
  for (let k = 0; k < lanes; k++) {
    from.push(k * segment);
    ends.push(Math.min(length, (k + 1) * segment));
    const list = (laneHits[k] ??= new HitList());
    list.count = 0;
    found.push(list);
    record[2 * k] = Math.max(0, k * segment - (k > 0 ? table.lead : 0));
    record[2 * k + 1] = 0;
  }
  if (lanes === LANES) {
    for (;;) {
      // Each step writes at most one pair per lane.
      let steps = HIT_CAP / LANES;
      for (let k = 0; k < LANES; k++)
        steps = Math.min(steps, (ends[k] as number) - (record[2 * k] as number));
      if (steps <= 0) break;
      const n = wasm.scan4(textAt, LANES_AT, steps, rowShift, hitFrom, outAt);
      for (let i = 0; i < 2 * n; i += 2) {
        const pos = (out[i] as number) - textAt;
        const tagged = out[i + 1] as number;
        const lane = tagged >>> 16;
        // Hits in a lane's lead-in belong to the previous lane.
        if (pos >= (from[lane] as number)) (found[lane] as HitList).push(pos, tagged & 0xffff);
      }
    }
  }
  // What the lockstep loop left of each lane (all of it for short texts), one lane at a time.
  for (let k = 0; k < lanes; k++) {
    let pos = record[2 * k] as number;
    let state = record[2 * k + 1] as number;
    const end = ends[k] as number;
    const list = found[k] as HitList;
    const reportFrom = from[k] as number;
    while (pos < end) {
      const n = wasm.scan(textAt, pos, end, state, rowShift, hitFrom, outAt, HIT_CAP);
      for (let i = 0; i < 2 * n; i += 2) {
        if ((out[i] as number) >= reportFrom) list.push(out[i] as number, out[i + 1] as number);
      }
      pos = wasm.resumePos();
      state = wasm.resumeState();
    }
  }

  let hits: ByteHits;
  if (lanes === 1) {
    const [list] = found as [HitList];
    hits = {
      count: list.count,
      pos: list.pos.slice(0, list.count),
      states: list.states.slice(0, list.count),
    };
  } else {
    let count = 0;
    for (const list of found) count += list.count;
    hits = { count, pos: new Int32Array(count), states: new Int32Array(count) };
    let at = 0;
    for (const list of found) {
      hits.pos.set(list.pos.subarray(0, list.count), at);
      hits.states.set(list.states.subarray(0, list.count), at);
      at += list.count;
    }
  }
  if (countUnits) {
    const units = new Int32Array(hits.count);
    let byte = 0;
    let unit = 0;
    for (let i = 0; i < hits.count; i++) {
      const end = hits.pos[i] as number;
      unit += wasm.units(textAt, byte, end);
      byte = end;
      units[i] = unit;
    }
    hits.units = units;
  }
  return hits;
}
