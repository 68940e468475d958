import { describe, expect, it } from '@jest/globals';

import { buildImage, writeOciLayout } from '../../../helpers/oci-builder.js';
import { buildWorkerPackage } from '../../../helpers/worker-package.js';
import { ArchiveSource } from '../../../../scanners/sources/image/archive.js';
import { scanImage } from '../../../../scanners/sources/image/scan.js';
import type { Descriptor, ImageSource } from '../../../../scanners/sources/image/types.js';
import { randomBytes } from 'node:crypto';

import { withCrc32Suffix } from '../../../../scanners/engine/validators.js';
import { EMPTY_CONFIG } from '../helpers.js';
import { scanWith, tempDir, token } from './helpers.js';

function githubToken(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return withCrc32Suffix('ghp_', [...randomBytes(30)].map((b) => alphabet[b % 62]).join(''));
}

/** Counts the blobs a scan opens, so a test can tell cached layers were not read. */
class CountingSource implements ImageSource {
  readonly opened: string[] = [];
  constructor(private readonly inner: ImageSource) {}
  resolve(...args: Parameters<ImageSource['resolve']>): ReturnType<ImageSource['resolve']> {
    return this.inner.resolve(...args);
  }
  async openBlob(descriptor: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    this.opened.push(descriptor.digest);
    return this.inner.openBlob(descriptor);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('image scan', () => {
  it('--cache: clean layers are not read again; layers with findings are; results stay the same', async () => {
    const secret = token();
    const image = buildImage({
      layers: [
        { files: { 'usr/lib/a.txt': 'clean\n', 'bin.dat': new Uint8Array([0, 0, 1]) } },
        { files: { 'app/.env': `T=${secret}\n` } },
        { files: { 'etc/x.conf': 'also clean\n' }, whiteouts: ['app/.env'] },
      ],
    });
    const dir = writeOciLayout(tempDir(), image);
    const cacheDir = tempDir();
    const run = async (): Promise<{
      source: CountingSource;
      result: Awaited<ReturnType<typeof scanWith>>;
    }> => {
      const source = new CountingSource(await ArchiveSource.open(dir));
      const result = await scanWith(source, { cache: { dir: cacheDir, toolVersion: 'test' } });
      return { source, result };
    };
    const first = await run();
    expect(first.source.opened).toHaveLength(3);
    const second = await run();
    expect(second.source.opened).toEqual([image.layers[1]?.digest]);
    expect(second.result.images[0]?.layers.map((l) => l.status)).toEqual(['cached', 'scanned', 'cached']);
    expect(second.result.findings).toEqual(first.result.findings);
    expect(second.result.findings[0]?.location.layer?.removedBy).toBe(image.layers[2]?.digest);
    expect(second.result.skipped).toEqual(first.result.skipped);
    expect(second.result.files).toBe(first.result.files);
    // Another ruleset (here: another tool version) does not reuse the entries.
    const source = new CountingSource(await ArchiveSource.open(dir));
    await scanWith(source, { cache: { dir: cacheDir, toolVersion: 'other' } });
    expect(source.opened).toHaveLength(3);
  });

  it('a layer that failed is not cached', async () => {
    const image = buildImage({ layers: [{ files: { 'a.txt': 'x' }, size: 5 }] });
    const dir = writeOciLayout(tempDir(), image);
    const cacheDir = tempDir();
    for (let i = 0; i < 2; i++) {
      const source = new CountingSource(await ArchiveSource.open(dir));
      const result = await scanWith(source, { cache: { dir: cacheDir, toolVersion: 'test' } });
      expect(result.complete).toBe(false);
      expect(source.opened).toHaveLength(1);
    }
  });

  it('scans on worker threads with the same results as on this thread', async () => {
    const workerUrl = await buildWorkerPackage(tempDir());
    const secret = githubToken();
    const image = buildImage({
      layers: [
        { files: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f/${i}.txt`, `line ${i}\n`])) },
        { files: { 'srv/.env': `T=${secret}\n` }, compression: 'zstd' },
      ],
      config: { Env: [`X=${token()}`] },
    });
    const dir = writeOciLayout(tempDir(), image);
    const here = await scanWith(await ArchiveSource.open(dir));
    const events: string[] = [];
    const source = await ArchiveSource.open(dir);
    // Worker scans use the built-in rules (rules cannot be sent to threads).
    const pooled = await scanImage({
      source,
      platform: { os: 'linux', architecture: 'amd64' },
      config: EMPTY_CONFIG,
      maxFileSize: 1 << 20,
      workers: 2,
      workerUrl,
      smallScanBytes: 0,
      onLayer: (e) => events.push(`${e.layer}:${e.state}`),
    });
    expect(pooled.findings.map((f) => [f.ruleId, f.location.path, f.location.layer?.index])).toEqual([
      ['github-pat-classic', '/srv/.env', 1],
    ]);
    expect(pooled.files).toBe(here.files);
    expect(pooled.bytes).toBe(here.bytes);
    expect(pooled.warnings).toEqual([]);
    expect(pooled.complete).toBe(true);
    expect(events).toEqual(['0:start', '0:done', '1:start', '1:done']);
  });
});
