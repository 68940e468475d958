/** manifest.ts: parsing the four manifest formats, refusing others, platform selection, digests. */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  MEDIA_TYPE,
  parseManifest,
  parsePlatformSelector,
  platformFromConfig,
  selectPlatforms,
  verifyBytes,
} from '../../../../scanners/sources/image/manifest.js';
import type { ImageIndex } from '../../../../scanners/sources/image/manifest.js';
import { ImageError } from '../../../../scanners/sources/image/types.js';
import type { Descriptor, Platform } from '../../../../scanners/sources/image/types.js';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const digest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

const CONFIG = { mediaType: MEDIA_TYPE.ociConfig, digest: digest('config'), size: 321 };
const LAYER = {
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: digest('layer'),
  size: 1000,
};

function manifestDoc(mediaType?: string, config: object = CONFIG): Record<string, unknown> {
  return { schemaVersion: 2, ...(mediaType ? { mediaType } : {}), config, layers: [LAYER] };
}

function entry(platform: Platform, extra: Partial<Descriptor> = {}): Descriptor {
  return {
    mediaType: MEDIA_TYPE.ociManifest,
    digest: digest(JSON.stringify(platform)),
    size: 500,
    platform,
    ...extra,
  };
}

function failure(fn: () => unknown): ImageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImageError) return err;
    throw err;
  }
  throw new Error('expected an ImageError');
}

describe('parseManifest', () => {
  it('parses OCI and Docker manifests, by Content-Type (with parameters) or by the mediaType field', () => {
    const oci = parseManifest(
      bytes(manifestDoc(MEDIA_TYPE.ociManifest)),
      `${MEDIA_TYPE.ociManifest}; charset=utf-8`,
    );
    expect(oci).toEqual({
      kind: 'manifest',
      mediaType: MEDIA_TYPE.ociManifest,
      config: CONFIG,
      layers: [LAYER],
    });
    const docker = parseManifest(
      bytes(manifestDoc(MEDIA_TYPE.dockerManifest, { ...CONFIG, mediaType: MEDIA_TYPE.dockerConfig })),
      'application/json',
    );
    expect(docker.kind).toBe('manifest');
    expect(docker.mediaType).toBe(MEDIA_TYPE.dockerManifest);
  });

  it('parses OCI indexes and Docker manifest lists with platforms', () => {
    const manifests = [entry({ os: 'linux', architecture: 'arm64', variant: 'v8' })];
    const index = parseManifest(bytes({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests }), null);
    expect(index).toEqual({ kind: 'index', mediaType: MEDIA_TYPE.ociIndex, manifests });
    const list = parseManifest(
      bytes({ schemaVersion: 2, mediaType: MEDIA_TYPE.dockerList, manifests }),
      MEDIA_TYPE.dockerList,
    );
    expect(list.kind).toBe('index');
  });

  it('infers OCI types from the shape when neither header nor field says', () => {
    expect(parseManifest(bytes(manifestDoc()), undefined).mediaType).toBe(MEDIA_TYPE.ociManifest);
    expect(parseManifest(bytes({ schemaVersion: 2, manifests: [] }), '').mediaType).toBe(MEDIA_TYPE.ociIndex);
  });

  it.each([
    [
      'an unknown media type',
      manifestDoc(),
      'application/vnd.acme.bundle+json',
      'unsupported',
      'vnd.acme.bundle',
    ],
    ['schema1', { schemaVersion: 1, fsLayers: [] }, null, 'unsupported', 'schema1'],
    [
      'an artifact config',
      manifestDoc(undefined, { ...CONFIG, mediaType: 'application/vnd.cncf.helm.config.v1+json' }),
      null,
      'unsupported',
      'not a container image',
    ],
    [
      'a header/field mismatch',
      manifestDoc(MEDIA_TYPE.dockerManifest),
      MEDIA_TYPE.ociManifest,
      'invalid',
      'declares mediaType',
    ],
    ['schemaVersion 3', { ...manifestDoc(), schemaVersion: 3 }, null, 'invalid', 'schemaVersion must be 2'],
    [
      'a malformed digest',
      manifestDoc(undefined, { ...CONFIG, digest: 'sha256:zz' }),
      null,
      'invalid',
      'malformed digest',
    ],
    [
      'a negative size',
      manifestDoc(undefined, { ...CONFIG, size: -1 }),
      null,
      'invalid',
      'non-negative integer',
    ],
    [
      'layers missing',
      { schemaVersion: 2, config: CONFIG },
      MEDIA_TYPE.ociManifest,
      'invalid',
      'without a "layers" array',
    ],
    [
      'a bad platform',
      { schemaVersion: 2, manifests: [{ ...LAYER, platform: { os: 1 } }] },
      MEDIA_TYPE.ociIndex,
      'invalid',
      'platform needs',
    ],
  ])('refuses %s', (_name, doc, contentType, kind, message) => {
    const err = failure(() => parseManifest(bytes(doc), contentType as string | null, 'manifest of app:1'));
    expect(err.kind).toBe(kind);
    expect(err.message).toContain('manifest of app:1');
    expect(err.message).toContain(message);
  });

  it('refuses bytes that are not JSON', () => {
    expect(failure(() => parseManifest(new Uint8Array([0xff, 0xfe, 0x00]))).message).toContain(
      'not valid UTF-8 JSON',
    );
  });
});

describe('selectPlatforms', () => {
  const amd64 = entry({ os: 'linux', architecture: 'amd64' });
  const arm64 = entry({ os: 'linux', architecture: 'arm64' });
  const armv6 = entry({ os: 'linux', architecture: 'arm', variant: 'v6' });
  const armv7 = entry({ os: 'linux', architecture: 'arm', variant: 'v7' });
  const windows = entry({ os: 'windows', architecture: 'amd64' });
  const attestation = entry(
    { os: 'unknown', architecture: 'unknown' },
    { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
  );
  const index: ImageIndex = {
    kind: 'index',
    mediaType: MEDIA_TYPE.ociIndex,
    manifests: [amd64, arm64, armv6, armv7, windows, attestation],
  };

  it('picks os/arch, applying default variants (arm64 = v8, arm = v7) and aliases', () => {
    expect(selectPlatforms(index, { os: 'linux', architecture: 'amd64' })).toEqual([amd64]);
    expect(selectPlatforms(index, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toEqual([arm64]);
    expect(selectPlatforms(index, { os: 'linux', architecture: 'aarch64' })).toEqual([arm64]);
    expect(selectPlatforms(index, { os: 'linux', architecture: 'arm' })).toEqual([armv7]);
    expect(selectPlatforms(index, { os: 'linux', architecture: 'arm', variant: 'v6' })).toEqual([armv6]);
    expect(selectPlatforms(index, { os: 'windows', architecture: 'amd64' })).toEqual([windows]);
  });

  it('returns every image for `all`, skipping attestations', () => {
    expect(selectPlatforms(index, 'all')).toEqual([amd64, arm64, armv6, armv7, windows]);
  });

  it('lists the available platforms when nothing matches', () => {
    const err = failure(() =>
      selectPlatforms(index, { os: 'linux', architecture: 'arm64', variant: 'v9' }, 'app:1'),
    );
    expect(err.kind).toBe('not-found');
    expect(err.message).toBe(
      'app:1: no image for platform linux/arm64/v9; available: linux/amd64, linux/arm64, linux/arm/v6, ' +
        'linux/arm/v7, windows/amd64 (choose one with --platform, or --platform all)',
    );
  });
});

describe('platform selector, config platform, byte verification', () => {
  it('parses --platform values', () => {
    expect(parsePlatformSelector('all')).toBe('all');
    expect(parsePlatformSelector('linux/arm64/v8')).toEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    });
    expect(parsePlatformSelector('Linux/AMD64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(() => parsePlatformSelector('amd64')).toThrow(/OS\/ARCH/);
  });

  it('reads the platform of an image config', () => {
    expect(platformFromConfig(bytes({ os: 'linux', architecture: 'arm', variant: 'v7' }))).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
    expect(platformFromConfig(new TextEncoder().encode('not json'))).toBeUndefined();
  });

  it('verifies digest and size of exact bytes', () => {
    const data = new TextEncoder().encode('{"a":1}');
    const good = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    expect(() => verifyBytes(data, good, 'config', data.length)).not.toThrow();
    expect(() => verifyBytes(data, good, 'config', data.length + 1)).toThrow(/expected 8 bytes, got 7/);
    expect(() => verifyBytes(data, digest('other'), 'config')).toThrow(/digest mismatch/);
    const sha512 = `sha512:${createHash('sha512').update(data).digest('hex')}`;
    expect(() => verifyBytes(data, sha512, 'config')).not.toThrow();
    expect(() => verifyBytes(data, 'md5:abc', 'config')).toThrow(/malformed digest/);
  });
});
