import { createHash, type Hash } from 'node:crypto';

import { isDigest } from './manifest.js';
import type { Descriptor } from './types.js';
import { ImageError } from './types.js';

/** Algorithms the scan can verify. */
const ALGORITHMS = new Set(['sha256', 'sha512']);

function hasherFor(digest: string, label: string): Hash {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (!isDigest(digest) || !ALGORITHMS.has(algorithm)) {
    throw new ImageError(`${label}: unsupported or malformed digest "${digest}"`, 'unsupported');
  }
  return createHash(algorithm);
}

/**
 * Passes `input` through while hashing and counting it; throws `ImageError` naming `label` when the
 * stream runs past the descriptor's size, ends short of it, or hashes to another digest. Everything
 * yielded before the error has been handed on already: callers keep what they found in it.
 */
export async function* verifyStream(
  input: AsyncIterable<Uint8Array>,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  label: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  const hash = hasherFor(descriptor.digest, label);
  let size = 0;
  for await (const chunk of input) {
    size += chunk.length;
    if (size > descriptor.size) {
      throw new ImageError(`${label}: blob is larger than its descriptor says (${descriptor.size} bytes)`);
    }
    hash.update(chunk);
    yield chunk;
  }
  if (size !== descriptor.size) {
    throw new ImageError(`${label}: truncated blob (got ${size} of ${descriptor.size} bytes)`, 'transient');
  }
  const actual = `${descriptor.digest.split(':')[0]}:${hash.digest('hex')}`;
  if (actual !== descriptor.digest) {
    throw new ImageError(`${label}: digest mismatch (expected ${descriptor.digest}, got ${actual})`);
  }
}
