import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

import {
  buildImage,
  dockerSaveTar,
  ociLayoutTar,
  writeFiles,
  dockerSaveFiles,
  writeOciLayout,
  type ImageSpec,
} from '../../../helpers/oci-builder.js';
import { ArchiveSource } from '../../../../scanners/sources/image/archive.js';
import { scanArchive, tempDir, tempFile, token } from './helpers.js';

function spec(secret: string, compression: 'gzip' | 'zstd' | 'none' = 'gzip'): ImageSpec {
  return {
    layers: [
      { files: { 'etc/os-release': 'NAME=test\n', 'app/readme.txt': 'hello\n' }, compression },
      { files: { 'app/.env': `DEBUG=1\nAPI_TOKEN=${secret}\n` }, compression },
    ],
  };
}

describe('image archives', () => {
  const forms: Array<[string, (secret: string) => string]> = [
    ['OCI layout directory', (s) => writeOciLayout(tempDir(), buildImage(spec(s)), { tag: 'v1' })],
    ['OCI layout tarball', (s) => tempFile(ociLayoutTar(buildImage(spec(s))))],
    ['OCI layout tarball, zstd layers', (s) => tempFile(ociLayoutTar(buildImage(spec(s, 'zstd'))))],
    ['docker save (legacy)', (s) => tempFile(dockerSaveTar(buildImage(spec(s, 'none')), 'legacy'))],
    ['docker save (Docker >= 25)', (s) => tempFile(dockerSaveTar(buildImage(spec(s, 'none')), 'oci'))],
    [
      'docker save, unpacked directory',
      (s) => writeFiles(tempDir(), dockerSaveFiles(buildImage(spec(s, 'none')), 'legacy')),
    ],
  ];

  it.each(forms)('%s: finds the secret with its path, line and layer', async (_name, make) => {
    const secret = token();
    const result = await scanArchive(make(secret));
    expect(result.complete).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding?.location.path).toBe('/app/.env');
    expect(finding?.location.startLine).toBe(2);
    expect(finding?.location.layer?.index).toBe(1);
    expect(finding?.location.layer?.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(finding?.location.layer?.imageDigest).toBe(result.images[0]?.digest);
    expect(finding?.location.layer?.removedBy).toBeUndefined();
    expect(result.files).toBe(3);
    expect(result.images[0]?.layers.map((l) => l.status)).toEqual(['scanned', 'scanned']);
  });

  it('a gzip-compressed docker save tarball is read too', async () => {
    const { gzipSync } = await import('node:zlib');
    const secret = token();
    const tar = dockerSaveTar(buildImage(spec(secret, 'none')), 'legacy');
    const result = await scanArchive(tempFile(new Uint8Array(gzipSync(tar)), 'image.tar.gz'));
    expect(result.findings.map((f) => f.location.path)).toEqual(['/app/.env']);
  });

  it('legacy layer ids are the diff_ids and are verified', async () => {
    const image = buildImage(spec(token(), 'none'));
    const source = await ArchiveSource.open(tempFile(dockerSaveTar(image, 'legacy')));
    const [resolved] = await source.resolve({ os: 'linux', architecture: 'amd64' });
    expect(resolved?.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.diffId));
    expect(resolved?.digest).toBe(image.config.digest);
  });

  it('multi-platform layouts: default linux/amd64, a chosen platform, or all', async () => {
    const amd = buildImage({ ...spec(token()), platform: { os: 'linux', architecture: 'amd64' } });
    const arm = buildImage({
      ...spec(token()),
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    for (const index of ['flat', 'nested'] as const) {
      const dir = writeOciLayout(tempDir(), [amd, arm], { index });
      const byDefault = await scanArchive(dir);
      expect(byDefault.images.map((i) => i.digest)).toEqual([amd.manifest.digest]);
      const chosen = await scanArchive(dir, { platform: { os: 'linux', architecture: 'arm64' } });
      expect(chosen.images.map((i) => i.digest)).toEqual([arm.manifest.digest]);
      const all = await scanArchive(dir, { platform: 'all' });
      expect(all.images).toHaveLength(2);
      expect(all.findings).toHaveLength(2);
      await expect(scanArchive(dir, { platform: { os: 'linux', architecture: 's390x' } })).rejects.toThrow(
        /linux\/s390x.*available: linux\/amd64, linux\/arm64\/v8/,
      );
    }
  });

  it('refuses what is not an image archive, naming what it expected', async () => {
    const dir = tempDir();
    await expect(scanArchive(dir)).rejects.toThrow(/not an image archive.*oci-layout.*manifest\.json/);
    await expect(scanArchive(join(dir, 'missing'))).rejects.toThrow(/no such file/);
  });

  it('an unknown manifest media type is a clear error', async () => {
    const image = buildImage({ ...spec(token()), manifestMediaType: 'application/vnd.example.weird+json' });
    await expect(scanArchive(writeOciLayout(tempDir(), image))).rejects.toThrow(/unsupported media type/);
  });

  it('legacy manifest paths leaving the archive are refused', async () => {
    const image = buildImage(spec(token(), 'none'));
    const files = dockerSaveFiles(image, 'legacy');
    const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Array<{
      Layers: string[];
    }>;
    (manifest[0] as { Layers: string[] }).Layers[0] = '../../etc/passwd';
    files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    await expect(scanArchive(writeFiles(tempDir(), files))).rejects.toThrow(/missing|outside/);
  });
});
