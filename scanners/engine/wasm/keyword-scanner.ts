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
    delta: number,
    out: number,
    cap: number,
  ): number;
  resumePos(): number;
  resumeState(): number;
}

/** Hit pairs buffered per call into WebAssembly; the loop resumes when the buffer fills. */
const HIT_CAP = 16384;
const PAGE = 65536;

let scanner: ScannerExports | undefined;
let loadedTable: Int32Array | undefined;

function load(): ScannerExports {
  if (!scanner) {
    const module = new WebAssembly.Module(Buffer.from(KEYWORDS_WASM, 'base64'));
    scanner = new WebAssembly.Instance(module).exports as unknown as ScannerExports;
  }
  return scanner;
}

/**
 * Runs the automaton's transition table (`table[state * 128 + byte]` = next state * 512, bit 0
 * = the state ends a keyword) over UTF-8 bytes. Calls `onState(endByte, stateIndex)` for each
 * keyword-ending position, in order.
 */
export function scanBytes(
  table: Int32Array,
  bytes: Uint8Array,
  onState: (endByte: number, state: number) => void,
): void {
  const wasm = load();
  const tableBytes = table.length * 4;
  const outAt = tableBytes;
  const textAt = outAt + HIT_CAP * 8;
  const needed = textAt + bytes.length;
  const have = wasm.memory.buffer.byteLength;
  if (needed > have) {
    wasm.memory.grow(Math.ceil((needed - have) / PAGE));
    loadedTable = undefined;
  }
  if (loadedTable !== table) {
    new Int32Array(wasm.memory.buffer, 0, table.length).set(table);
    loadedTable = table;
  }
  new Uint8Array(wasm.memory.buffer, textAt, bytes.length).set(bytes);
  const hits = new Int32Array(wasm.memory.buffer, outAt, HIT_CAP * 2);
  let pos = 0;
  let state = 0;
  while (pos < bytes.length) {
    const n = wasm.scan(textAt, pos, bytes.length, state, 0, outAt, HIT_CAP);
    for (let i = 0; i < n; i++) onState(hits[2 * i] as number, (hits[2 * i + 1] as number) >>> 9);
    pos = wasm.resumePos();
    state = wasm.resumeState();
  }
}
