/**
 * A streaming tar reader for image layers and image archives: ustar, PAX (`path`, `linkpath`, `size`)
 * and GNU long names (`L`/`K`). Entry names are data: they are returned as found and never touch the
 * filesystem. File contents up to a cap come back as one buffer each; larger ones are skipped while
 * streaming, so memory stays bounded by the cap whatever the archive holds.
 */

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TarItem {
  /** The entry name as stored (after PAX/GNU overrides); not normalised. */
  name: string;
  type: TarEntryType;
  /** Bytes of content (0 for header-only types). */
  size: number;
  linkname: string;
  /** Offset of the content in the (uncompressed) stream, for callers that index archives. */
  offset: number;
  /** The content of a regular file when `wantData` said so (default: files within `maxFileSize`). */
  data?: Uint8Array;
}

export interface TarReadOptions {
  /** Names the stream in errors: `layer 2 sha256:1a2b…`, `archive image.tar`. */
  label: string;
  /** Files larger than this are skipped (no `data`); default: no file data at all. */
  maxFileSize?: number;
  /** Overrides the size rule: return true to get the content of this file. */
  wantData?: (item: TarItem) => boolean;
  /** After the end-of-archive marker, read the rest of the stream (so digests can be checked). */
  drain?: boolean;
}

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

const BLOCK = 512;
/** PAX and GNU long-name records larger than this are not names but an attack on memory. */
const MAX_META_SIZE = 1 << 20;
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

const utf8 = new TextDecoder('utf-8');

/** A FIFO of chunks; takes views when a range sits in one chunk and copies only across chunks. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // Plain views, never Buffers: Buffer#slice does not copy, and file contents handed out here may be
    // copied with slice() and transferred to a worker, which would detach the whole chunk.
    this.chunks.push(
      Object.getPrototypeOf(chunk) === Uint8Array.prototype
        ? chunk
        : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
    this.length += chunk.length;
  }

  take(n: number): Uint8Array {
    const first = this.chunks[0] as Uint8Array;
    if (first.length - this.head >= n) {
      const view = first.subarray(this.head, this.head + n);
      this.advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    this.copyInto(out, 0, n);
    return out;
  }

  copyInto(target: Uint8Array, offset: number, n: number): void {
    let done = 0;
    while (done < n) {
      const first = this.chunks[0] as Uint8Array;
      const count = Math.min(n - done, first.length - this.head);
      target.set(first.subarray(this.head, this.head + count), offset + done);
      done += count;
      this.advance(count);
    }
  }

  skip(n: number): void {
    let left = n;
    while (left > 0) {
      const first = this.chunks[0] as Uint8Array;
      const count = Math.min(left, first.length - this.head);
      left -= count;
      this.advance(count);
    }
  }

  private advance(n: number): void {
    this.head += n;
    this.length -= n;
    if (this.head === (this.chunks[0] as Uint8Array).length) {
      this.chunks.shift();
      this.head = 0;
    }
  }
}

function field(block: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && block[end] !== 0) end++;
  return utf8.decode(block.subarray(offset, end));
}

/** Octal (NUL/space padded) or GNU base-256 (high bit set) numbers. */
export function parseNumber(block: Uint8Array, offset: number, length: number): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = field(block, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return Number.NaN;
  return parseInt(text, 8);
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function checksumOk(block: Uint8Array): boolean {
  const stored = parseNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** `len key=value\n` records; unknown keys are ignored. */
export function parsePax(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    let space = pos;
    while (space < data.length && data[space] !== 0x20) space++;
    const length = Number(utf8.decode(data.subarray(pos, space)));
    if (!Number.isInteger(length) || length <= 0 || pos + length > data.length) break;
    const record = utf8.decode(data.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Entries of a tar stream, in order. Throws `TarError` on a bad header or a truncated stream. */
export async function* readTar(
  source: AsyncIterable<Uint8Array>,
  options: TarReadOptions,
): AsyncGenerator<TarItem, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const queue = new ByteQueue();
  let position = 0;
  let ended = false;
  const fill = async (n: number): Promise<boolean> => {
    while (queue.length < n) {
      if (ended) return false;
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        return false;
      }
      queue.push(next.value);
    }
    return true;
  };
  const truncated = (what: string): TarError =>
    new TarError(`${options.label}: truncated archive (${what} cut off at byte ${position + queue.length})`);
  const skip = async (n: number, what: string): Promise<void> => {
    let left = n;
    while (left > 0) {
      if (queue.length === 0 && !(await fill(1))) throw truncated(what);
      const count = Math.min(left, queue.length);
      queue.skip(count);
      position += count;
      left -= count;
    }
  };
  const read = async (n: number, what: string): Promise<Uint8Array> => {
    if (queue.length >= n) {
      position += n;
      return queue.take(n);
    }
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      if (queue.length === 0 && !(await fill(1))) throw truncated(what);
      const count = Math.min(n - done, queue.length);
      queue.copyInto(out, done, count);
      done += count;
      position += count;
    }
    return out;
  };

  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      if (!(await fill(BLOCK))) {
        // A stream ending cleanly between entries is accepted (some writers omit the end marker);
        // one ending inside a header is not.
        if (queue.length > 0) throw truncated('header');
        return;
      }
      const headerOffset = position;
      const block = await read(BLOCK, 'header');
      if (isZeroBlock(block)) break;
      if (!checksumOk(block)) {
        throw new TarError(`${options.label}: bad tar header checksum at byte ${headerOffset}`);
      }
      const flag = String.fromCharCode(block[156] as number);
      let size = parseNumber(block, 124, 12);
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new TarError(`${options.label}: invalid entry size in the header at byte ${headerOffset}`);
      }
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (size > MAX_META_SIZE) {
          throw new TarError(
            `${options.label}: oversized ${flag} record (${size} bytes) at byte ${headerOffset}`,
          );
        }
        const data = await read(size, `${flag} record`);
        await skip(padding(size), 'padding');
        // Global PAX headers hold defaults such as mtime; names and sizes come per entry.
        if (flag === 'x') pax = parsePax(data);
        else if (flag === 'L') longName = field(data, 0, data.length);
        else if (flag === 'K') longLink = field(data, 0, data.length);
        continue;
      }
      const magic = field(block, 257, 6);
      const prefix = magic === 'ustar' ? field(block, 345, 155) : '';
      const baseName = field(block, 0, 100);
      const name = pax.get('path') ?? longName ?? (prefix !== '' ? `${prefix}/${baseName}` : baseName);
      const linkname = pax.get('linkpath') ?? longLink ?? field(block, 157, 100);
      const paxSize = pax.get('size');
      if (paxSize !== undefined) {
        size = Number(paxSize);
        if (!Number.isSafeInteger(size) || size < 0) {
          throw new TarError(`${options.label}: invalid PAX size for the entry at byte ${headerOffset}`);
        }
      }
      pax = new Map();
      longName = undefined;
      longLink = undefined;
      if (HEADER_ONLY.has(flag)) size = 0;
      const type = TYPES[flag] ?? 'other';
      const item: TarItem = { name, type, size, linkname, offset: position };
      const want =
        type === 'file' && (options.wantData ? options.wantData(item) : size <= (options.maxFileSize ?? -1));
      if (want) item.data = await read(size, `content of ${JSON.stringify(name)}`);
      else await skip(size, `content of ${JSON.stringify(name)}`);
      await skip(padding(size), 'padding');
      yield item;
    }
    if (options.drain) {
      while (await fill(1)) {
        position += queue.length;
        queue.skip(queue.length);
      }
    }
  } finally {
    if (!ended) await iterator.return?.();
  }
}
