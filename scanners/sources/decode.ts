/** How many leading bytes are inspected for a NUL byte when deciding that a file is binary. */
export const SNIFF_BYTES = 8192;

export type Decoded =
  | { kind: 'text'; text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; utf8?: Uint8Array }
  | { kind: 'binary' };

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function hasUtf16Bom(head: Uint8Array): 'le' | 'be' | undefined {
  if (head.length < 2) return undefined;
  if (head[0] === 0xff && head[1] === 0xfe) return 'le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'be';
  return undefined;
}

/**
 * True when the first bytes look binary: a NUL byte within the sniff window. UTF-16 text is full of NUL
 * bytes, so a UTF-16 byte-order mark wins over the sniff.
 */
export function looksBinary(head: Uint8Array): boolean {
  if (hasUtf16Bom(head)) return false;
  return head.subarray(0, SNIFF_BYTES).indexOf(0) !== -1;
}

/**
 * The UTF-8 text in `bytes` without its BOM, or undefined for UTF-16 (by its BOM) and binary data.
 * Lets a caller look at UTF-8 bytes before (or instead of) decoding them.
 */
export function utf8Body(bytes: Uint8Array): Uint8Array | undefined {
  if (hasUtf16Bom(bytes) || looksBinary(bytes)) return undefined;
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/**
 * Bytes -> text. UTF-16 needs a BOM (without one it is indistinguishable from binary by the NUL sniff).
 * Everything else is UTF-8; invalid sequences become U+FFFD so the rest of the file is still scanned.
 */
export function decode(bytes: Uint8Array): Decoded {
  const bom = hasUtf16Bom(bytes);
  if (bom === 'le')
    return { kind: 'text', text: decodeUtf16(bytes.subarray(2), false), encoding: 'utf-16le' };
  if (bom === 'be') return { kind: 'text', text: decodeUtf16(bytes.subarray(2), true), encoding: 'utf-16be' };
  const body = utf8Body(bytes);
  if (!body) return { kind: 'binary' };
  return decodeUtf8Body(body);
}

/** Decodes what `utf8Body` returned (a BOM in it is text, not a marker). */
export function decodeUtf8Body(body: Uint8Array): Decoded & { kind: 'text' } {
  // The bytes go along: the keyword scan runs over UTF-8 and need not re-encode the text.
  return { kind: 'text', text: utf8.decode(body), encoding: 'utf-8', utf8: body };
}

function decodeUtf16(body: Uint8Array, bigEndian: boolean): string {
  // An odd trailing byte cannot form a code unit; dropping it is what a lenient decoder does anyway.
  const even = body.subarray(0, body.length - (body.length % 2));
  const units = Buffer.from(even.buffer, even.byteOffset, even.byteLength);
  if (!bigEndian) return units.toString('utf16le');
  // Node has no utf16be codec without full ICU; swap into a copy so the caller's buffer is untouched.
  const swapped = Buffer.from(units);
  swapped.swap16();
  return swapped.toString('utf16le');
}
