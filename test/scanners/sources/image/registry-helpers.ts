import { ImageError } from '../../../../scanners/sources/image/types.js';

/** The ImageError `promise` rejects with; anything else (or success) fails the test. */
export async function caught(promise: Promise<unknown>): Promise<ImageError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ImageError) return err;
    throw err;
  }
  throw new Error('expected an ImageError');
}

export async function readAll(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return Buffer.concat(chunks);
}
