import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ArchiveSource } from '../../../../scanners/sources/image/archive.js';
import {
  scanImage,
  type ImageScanOptions,
  type ImageScanResult,
} from '../../../../scanners/sources/image/scan.js';
import type { ImageSource, PlatformSelector } from '../../../../scanners/sources/image/types.js';
import { EMPTY_CONFIG, TEST_RULE } from '../helpers.js';

export { token, TEST_RULE } from '../helpers.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'keyless-image-'));
}

export function tempFile(bytes: Uint8Array, name = 'image.tar'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

/** Scans with the test rule only, on this thread. */
export async function scanWith(
  source: ImageSource,
  extra: Partial<ImageScanOptions> = {},
  platform: PlatformSelector = { os: 'linux', architecture: 'amd64' },
): Promise<ImageScanResult> {
  return scanImage({
    source,
    platform,
    config: EMPTY_CONFIG,
    maxFileSize: 1 << 20,
    rules: [TEST_RULE],
    ...extra,
  });
}

export async function scanArchive(
  path: string,
  extra: Partial<ImageScanOptions> = {},
): Promise<ImageScanResult> {
  const source = await ArchiveSource.open(path);
  try {
    return await scanWith(source, extra, extra.platform);
  } finally {
    await source.close();
  }
}
