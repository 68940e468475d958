import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

import { Decompress as ZstdStream } from 'fzstd';

/**
 * Layer blobs are tar, tar+gzip or tar+zstd whatever their media type says (registries and docker
 * save disagree often enough): the first bytes decide. Output is capped, so a decompression bomb
 * stops with `DecompressionCapError` after the cap instead of filling memory or the scan's time.
 */

export type Compression = 'gzip' | 'zstd' | 'none';

export class DecompressionCapError extends Error {
  constructor(
    readonly label: string,
    readonly cap: number,
  ) {
    super(`${label}: decompressed size exceeds the ${formatBytes(cap)} cap; stopped there`);
    this.name = 'DecompressionCapError';
  }
}

export class DecompressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecompressionError';
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

type ZstdFactory = () => NodeJS.ReadWriteStream;
/** Node >= 22.15 has zstd in zlib; older versions use fzstd (pure JS). */
const nativeZstd = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;

async function* viaStream(input: AsyncIterable<Uint8Array>, factory: () => NodeJS.ReadWriteStream) {
  const source = Readable.from(input, { objectMode: false });
  const transform = factory() as NodeJS.ReadWriteStream & { destroy(error?: Error): void };
  // pipe() does not forward errors: a failing source (digest mismatch, truncated archive) must end
  // the decompressor with that error instead of leaving it waiting for more input.
  source.on('error', (error) => transform.destroy(error));
  source.pipe(transform);
  try {
    for await (const chunk of transform as AsyncIterable<Buffer>) {
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } finally {
    source.destroy();
  }
}

async function* fzstd(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const decoder = new ZstdStream((data) => {
    if (data.length > 0) out.push(data);
  });
  for await (const chunk of input) {
    decoder.push(chunk);
    const ready = out;
    out = [];
    yield* ready;
  }
  decoder.push(new Uint8Array(0), true);
  yield* out;
}

/** Re-yields `first` before the rest of the iterator. */
async function* prepend(
  first: Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  yield* first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

export interface DecompressOptions {
  label: string;
  /** Upper bound on decompressed bytes; exceeding it throws `DecompressionCapError`. */
  maxBytes: number;
  /** Receives the detected compression before the first output chunk. */
  onCompression?: (compression: Compression) => void;
}

/** The decompressed bytes of `input`, by magic number, capped at `options.maxBytes`. */
export async function* decompress(
  input: AsyncIterable<Uint8Array>,
  options: DecompressOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = input[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLength = 0;
  while (headLength < 4) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
  }
  const joined = head.length === 1 ? (head[0] as Uint8Array) : Buffer.concat(head);
  const compression = sniffCompression(joined);
  options.onCompression?.(compression);
  const raw = prepend(head, iterator);
  const stream =
    compression === 'gzip'
      ? viaStream(raw, () => zlib.createGunzip({ chunkSize: 256 * 1024 }))
      : compression === 'zstd'
        ? nativeZstd
          ? viaStream(raw, nativeZstd)
          : fzstd(raw)
        : raw;
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += chunk.length;
      if (total > options.maxBytes) {
        const allowed = chunk.length - (total - options.maxBytes);
        if (allowed > 0) yield chunk.subarray(0, allowed);
        throw new DecompressionCapError(options.label, options.maxBytes);
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof DecompressionCapError) throw error;
    const code = (error as { code?: unknown }).code;
    // Errors of the source itself (truncated archive, network) pass through unchanged.
    if (compression !== 'none' && (typeof code === 'string' ? code.startsWith('Z_') : isZstdError(error))) {
      throw new DecompressionError(
        `${options.label}: corrupt ${compression} data (${(error as Error).message})`,
      );
    }
    throw error;
  }
}

function isZstdError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'number';
}
