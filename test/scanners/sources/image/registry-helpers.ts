import { ImageError } from '../../../../scanners/sources/image/types.js';
import { caught as caughtAs } from '../../../helpers/caught.js';

/** The ImageError `promise` rejects with; anything else (or success) fails the test. */
export const caught = (promise: Promise<unknown>): Promise<ImageError> => caughtAs(promise, ImageError);

export async function readAll(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return Buffer.concat(chunks);
}
