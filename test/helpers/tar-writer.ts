/**
 * A small tar writer for tests: ustar headers, long names as PAX (default) or GNU `L`/`K` records, and
 * any raw type flag, so tests can build exactly the archive shapes a reader must handle.
 */

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  /** Stored as given: `app/.env`, `./etc/x`, `../../evil`, `/abs/path` are all allowed on purpose. */
  name: string;
  type?: TarEntryType;
  content?: string | Uint8Array;
  linkname?: string;
  mode?: number;
  mtime?: number;
  /** How names/link names that do not fit ustar fields are written. */
  longNames?: 'pax' | 'gnu';
  /** Extra PAX records (key -> value) written before this entry, even when not needed. */
  pax?: Record<string, string>;
}

const BLOCK = 512;
const TYPE_FLAGS: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const encoder = new TextEncoder();

function bytesOf(content: string | Uint8Array | undefined): Uint8Array {
  if (content === undefined) return new Uint8Array(0);
  return typeof content === 'string' ? encoder.encode(content) : content;
}

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`tar-writer: "${value}" does not fit ${length} bytes`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0'));
}

/** A ustar header; names must already fit (prefix/name split is done here). */
export function tarHeader(fields: {
  name: string;
  typeflag: string;
  size: number;
  linkname?: string;
  mode?: number;
  mtime?: number;
}): Uint8Array {
  const block = new Uint8Array(BLOCK);
  let name = fields.name;
  let prefix = '';
  if (encoder.encode(name).length > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0) throw new Error(`tar-writer: name too long for ustar: ${name}`);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, fields.mode ?? (fields.typeflag === '5' ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime ?? 1_700_000_000);
  block.fill(0x20, 148, 156);
  writeString(block, 156, 1, fields.typeflag);
  writeString(block, 157, 100, fields.linkname ?? '');
  writeString(block, 257, 6, 'ustar');
  writeString(block, 263, 2, '00');
  writeString(block, 345, 155, prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function padded(data: Uint8Array): Uint8Array[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, new Uint8Array(BLOCK - rest)];
}

function paxRecords(records: Record<string, string>): Uint8Array {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    let length = encoder.encode(body).length;
    // The length field counts its own digits.
    let total = length + String(length).length;
    if (String(total).length !== String(length).length) total = length + String(total).length;
    length = total;
    text += `${length}${body}`;
  }
  return encoder.encode(text);
}

function fitsUstar(name: string): boolean {
  const bytes = encoder.encode(name).length;
  if (bytes <= 100) return true;
  const cut = name.lastIndexOf('/', 155);
  return cut > 0 && encoder.encode(name.slice(cut + 1)).length <= 100 && bytes <= 256;
}

function entryBlocks(entry: TarEntry): Uint8Array[] {
  const type = entry.type ?? 'file';
  const data = type === 'file' ? bytesOf(entry.content) : new Uint8Array(0);
  const linkname = entry.linkname ?? '';
  const out: Uint8Array[] = [];
  let name = entry.name;
  let link = linkname;
  const pax: Record<string, string> = { ...entry.pax };
  const longName = !fitsUstar(name);
  const longLink = encoder.encode(linkname).length > 100;
  if (entry.longNames === 'gnu') {
    if (longName) {
      const body = encoder.encode(`${name}\0`);
      out.push(tarHeader({ name: '././@LongLink', typeflag: 'L', size: body.length }), ...padded(body));
      name = name.slice(0, 99);
    }
    if (longLink) {
      const body = encoder.encode(`${linkname}\0`);
      out.push(tarHeader({ name: '././@LongLink', typeflag: 'K', size: body.length }), ...padded(body));
      link = linkname.slice(0, 99);
    }
  } else {
    if (longName) {
      pax['path'] = name;
      name = name.slice(0, 99);
    }
    if (longLink) {
      pax['linkpath'] = linkname;
      link = linkname.slice(0, 99);
    }
  }
  if (Object.keys(pax).length > 0) {
    const body = paxRecords(pax);
    out.push(tarHeader({ name: 'PaxHeader', typeflag: 'x', size: body.length }), ...padded(body));
  }
  out.push(
    tarHeader({
      name,
      typeflag: TYPE_FLAGS[type],
      size: data.length,
      linkname: link,
      ...(entry.mode !== undefined ? { mode: entry.mode } : {}),
      ...(entry.mtime !== undefined ? { mtime: entry.mtime } : {}),
    }),
    ...padded(data),
  );
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A complete tar archive (with the two zero end blocks). */
export function tarArchive(entries: readonly TarEntry[]): Uint8Array {
  return concat([...entries.flatMap(entryBlocks), new Uint8Array(BLOCK * 2)]);
}
