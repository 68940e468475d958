import { decompress, DecompressionCapError, DecompressionError } from './decompress.js';
import { verifyStream } from './digest.js';
import { TarError, readTar, type TarItem } from './tar.js';
import type { Descriptor, ImageSource } from './types.js';
import { ImageError } from './types.js';

/**
 * One layer blob as tar entries: raw bytes are verified against the descriptor (digest and size) while
 * they stream, decompressed by magic with a cap on the output, and read as tar. Nothing is written to
 * disk. Entries come out as soon as they are read, so what a broken layer held before the break is
 * scanned; the error then says what went wrong and names the layer.
 */

export interface LayerReadOptions {
  /** `layer 3 1a2b3c4d5e6f`, used in every message about this layer. */
  label: string;
  maxFileSize: number;
  /** Upper bound on the layer's decompressed (tar) size. */
  maxLayerSize: number;
}

export type LayerFailure = { kind: 'cap'; message: string } | { kind: 'error'; message: string };

export function shortDigest(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

export function layerLabel(index: number, digest: string): string {
  return `layer ${index} ${shortDigest(digest)}`;
}

export async function* layerEntries(
  source: ImageSource,
  descriptor: Descriptor,
  options: LayerReadOptions,
): AsyncGenerator<TarItem, void, undefined> {
  const raw = await source.openBlob(descriptor);
  const verified = verifyStream(raw, descriptor, `${options.label} (${descriptor.digest})`);
  const tar = decompress(verified, { label: options.label, maxBytes: options.maxLayerSize });
  yield* readTar(tar, { label: options.label, maxFileSize: options.maxFileSize, drain: true });
}

/** What a failure while reading a layer means for the report; undefined for bugs (rethrown). */
export function describeLayerFailure(error: unknown, label: string): LayerFailure {
  if (error instanceof DecompressionCapError) return { kind: 'cap', message: error.message };
  if (error instanceof ImageError || error instanceof TarError || error instanceof DecompressionError) {
    return {
      kind: 'error',
      message: error.message.startsWith(label) ? error.message : `${label}: ${error.message}`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'error', message: `${label}: could not be read (${message})` };
}
