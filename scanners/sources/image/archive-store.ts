import { createReadStream, lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { decompress } from './decompress.js';
import { readTar } from './tar.js';
import { ImageError } from './types.js';

/**
 * The files of an image archive, whether it is a directory (an unpacked OCI layout or docker save) or
 * a tar file (possibly gzip/zstd compressed). Paths come from the archive's own manifests, so they are
 * normalised and refused when they would leave the archive.
 */
export interface ArchiveStore {
  readonly label: string;
  has(path: string): boolean;
  size(path: string): number | undefined;
  /** Whole content of a small file (manifests, configs, index.json). */
  read(path: string): Promise<Uint8Array>;
  /** Streamed content of any file (layer blobs). */
  open(path: string): AsyncIterable<Uint8Array>;
}

/** Small files read into memory while indexing a tar archive; configs and manifests fit easily. */
const SMALL_FILE = 4 * 1024 * 1024;
const SMALL_TOTAL = 64 * 1024 * 1024;
/** Archive metadata files are JSON documents; anything this large is not one. */
const MAX_METADATA = 64 * 1024 * 1024;
/** Decompressed size bound for a compressed archive file (it holds whole images). */
const MAX_ARCHIVE = 1024 ** 4;

/** `./blobs//sha256/x` -> `blobs/sha256/x`; undefined for paths that leave the archive. */
export function archivePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return path.startsWith('/') || parts.length === 0 ? undefined : parts.join('/');
}

function checked(store: string, path: string): string {
  const normal = archivePath(path);
  if (normal === undefined)
    throw new ImageError(`${store}: refusing path ${JSON.stringify(path)} outside the archive`);
  return normal;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export class DirStore implements ArchiveStore {
  constructor(
    private readonly root: string,
    readonly label: string,
  ) {}

  private file(path: string): string | undefined {
    const normal = archivePath(path);
    if (normal === undefined) return undefined;
    const abs = join(this.root, normal);
    try {
      return lstatSync(abs).isFile() ? abs : undefined;
    } catch {
      return undefined;
    }
  }

  has(path: string): boolean {
    return this.file(path) !== undefined;
  }

  size(path: string): number | undefined {
    const abs = this.file(path);
    return abs === undefined ? undefined : lstatSync(abs).size;
  }

  async read(path: string): Promise<Uint8Array> {
    const abs = this.file(checked(this.label, path));
    if (abs === undefined) throw new ImageError(`${this.label}: missing ${path}`, 'not-found');
    if (lstatSync(abs).size > MAX_METADATA)
      throw new ImageError(`${this.label}: ${path} is too large to be metadata`);
    return new Uint8Array(await readFile(abs));
  }

  open(path: string): AsyncIterable<Uint8Array> {
    const abs = this.file(checked(this.label, path));
    if (abs === undefined) throw new ImageError(`${this.label}: missing ${path}`, 'not-found');
    return createReadStream(abs, { highWaterMark: 1 << 20 });
  }
}

interface TarMember {
  offset: number;
  size: number;
  data?: Uint8Array;
}

/** A tar file indexed once; members are then read by offset (or, if compressed, by re-reading). */
export class TarFileStore implements ArchiveStore {
  private constructor(
    private readonly file: string,
    readonly label: string,
    private readonly members: Map<string, TarMember>,
    private readonly compressed: boolean,
  ) {}

  static async open(file: string, label: string): Promise<TarFileStore> {
    const members = new Map<string, TarMember>();
    let kept = 0;
    let compressed = false;
    const stream = decompress(createReadStream(file, { highWaterMark: 1 << 20 }), {
      label,
      maxBytes: MAX_ARCHIVE,
      onCompression: (c) => (compressed = c !== 'none'),
    });
    const entries = readTar(stream, {
      label,
      wantData: (item) => item.size <= SMALL_FILE && kept + item.size <= SMALL_TOTAL,
    });
    for await (const entry of entries) {
      if (entry.type !== 'file') continue;
      const path = archivePath(entry.name);
      if (path === undefined) continue;
      const member: TarMember = { offset: entry.offset, size: entry.size };
      if (entry.data) {
        member.data = entry.data.slice();
        kept += entry.size;
      }
      members.set(path, member);
    }
    return new TarFileStore(file, label, members, compressed);
  }

  private member(path: string): TarMember {
    const member = this.members.get(checked(this.label, path));
    if (!member) throw new ImageError(`${this.label}: missing ${path}`, 'not-found');
    return member;
  }

  has(path: string): boolean {
    const normal = archivePath(path);
    return normal !== undefined && this.members.has(normal);
  }

  size(path: string): number | undefined {
    const normal = archivePath(path);
    return normal === undefined ? undefined : this.members.get(normal)?.size;
  }

  async read(path: string): Promise<Uint8Array> {
    const member = this.member(path);
    if (member.data) return member.data;
    if (member.size > MAX_METADATA)
      throw new ImageError(`${this.label}: ${path} is too large to be metadata`);
    const parts: Uint8Array[] = [];
    for await (const chunk of this.open(path)) parts.push(chunk);
    return new Uint8Array(Buffer.concat(parts));
  }

  open(path: string): AsyncIterable<Uint8Array> {
    const member = this.member(path);
    if (member.data) return once(member.data);
    if (member.size === 0) return once(new Uint8Array(0));
    if (!this.compressed) {
      return createReadStream(this.file, {
        start: member.offset,
        end: member.offset + member.size - 1,
        highWaterMark: 1 << 20,
      });
    }
    return this.slice(member);
  }

  /** A member of a compressed archive: decompress again from the start and cut out its bytes. */
  private async *slice(member: TarMember): AsyncGenerator<Uint8Array> {
    const end = member.offset + member.size;
    let position = 0;
    const stream = decompress(createReadStream(this.file, { highWaterMark: 1 << 20 }), {
      label: this.label,
      maxBytes: MAX_ARCHIVE,
    });
    for await (const chunk of stream) {
      const from = Math.max(member.offset, position);
      const to = Math.min(end, position + chunk.length);
      if (to > from) yield chunk.subarray(from - position, to - position);
      position += chunk.length;
      if (position >= end) return;
    }
  }
}
