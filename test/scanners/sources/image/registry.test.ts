/**
 * Pulls from a real docker-registry (anonymous) over loopback: single-platform OCI and Docker schema2
 * images, a multi-platform index, digest pinning, and the not-found cases.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, writeOciLayout } from '../../../helpers/oci-builder.js';
import type { BuiltImage } from '../../../helpers/oci-builder.js';
import { ensureTestDeps, startRegistry } from '../../../helpers/registry.js';
import type { RunningRegistry } from '../../../helpers/registry.js';
import { openRegistryImage } from '../../../../scanners/sources/image/registry/source.js';
import { MEDIA_TYPE } from '../../../../scanners/sources/image/manifest.js';
import type { ImageSource } from '../../../../scanners/sources/image/types.js';
import { caught, readAll } from './registry-helpers.js';

let registry: RunningRegistry;
let work: string;
let single: BuiltImage;
const platforms: BuiltImage[] = [];
const opened: ImageSource[] = [];

function open(reference: string): ImageSource {
  const source = openRegistryImage({ reference, timeoutMs: 10_000, retry: { attempts: 2, baseDelayMs: 10 } });
  opened.push(source);
  return source;
}

beforeAll(async () => {
  ensureTestDeps();
  registry = await startRegistry('anonymous');
  work = mkdtempSync(join(tmpdir(), 'keyless-registry-test-'));

  single = buildImage({
    layers: [{ files: { 'etc/motd': 'first layer\n' } }, { files: { 'app/config.yml': 'level: debug\n' } }],
    config: { Env: ['PATH=/usr/bin'] },
  });
  writeOciLayout(join(work, 'single'), single, { tag: 'v1' });
  await registry.push(join(work, 'single'), 'v1', 'team/app:v1');
  await registry.push(join(work, 'single'), 'v1', 'team/app-docker:v1', { format: 'v2s2' });

  for (const platform of [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
  ]) {
    platforms.push(
      buildImage({ layers: [{ files: { 'arch.txt': `${platform.architecture}\n` } }], platform }),
    );
  }
  writeOciLayout(join(work, 'multi'), platforms, { tag: 'v2', index: 'nested' });
  await registry.push(join(work, 'multi'), 'v2', 'team/multi:v2', { all: true });
  await registry.push(join(work, 'multi'), 'v2', 'team/multi-docker:v2', { all: true, format: 'v2s2' });
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await registry?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('RegistrySource against a real registry (anonymous)', () => {
  it('pulls a single-platform OCI image: verified manifest digest, config bytes, layer blobs', async () => {
    const source = open(`${registry.host}/team/app:v1`);
    const images = await source.resolve({ os: 'linux', architecture: 'amd64' });
    expect(images).toHaveLength(1);
    const image = images[0]!;
    expect(image.reference).toBe(`${registry.host}/team/app:v1`);
    expect(image.digest).toBe(single.manifest.digest);
    expect(image.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(image.config.digest).toBe(single.config.digest);
    expect(Buffer.from(image.configBytes).equals(Buffer.from(single.config.bytes))).toBe(true);
    expect(image.layers.map((l) => l.digest)).toEqual(single.layers.map((l) => l.digest));
    for (const [i, layer] of image.layers.entries()) {
      const bytes = await readAll(await source.openBlob(layer));
      expect(bytes.equals(Buffer.from(single.layers[i]!.bytes))).toBe(true);
    }
  });

  it('pulls a Docker schema2 manifest (skopeo --format v2s2) with its Docker media types', async () => {
    const source = open(`${registry.host}/team/app-docker:v1`);
    const [image] = await source.resolve('all');
    expect(image!.config.mediaType).toBe(MEDIA_TYPE.dockerConfig);
    expect(image!.layers).toHaveLength(2);
    expect(image!.layers[0]!.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
    // Converted manifest: a different digest than the OCI one, but still what the registry serves.
    expect(image!.digest).not.toBe(single.manifest.digest);
    const pinned = await open(`${registry.host}/team/app-docker@${image!.digest}`).resolve('all');
    expect(pinned[0]!.digest).toBe(image!.digest);
  });

  it('selects linux/amd64 from a multi-platform index by default', async () => {
    const [image] = await open(`${registry.host}/team/multi:v2`).resolve({
      os: 'linux',
      architecture: 'amd64',
    });
    expect(image!.digest).toBe(platforms[0]!.manifest.digest);
    expect(image!.platform).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it('matches arm64 with or without its default v8 variant, and arm/v7 exactly', async () => {
    const source = open(`${registry.host}/team/multi:v2`);
    const [bare] = await source.resolve({ os: 'linux', architecture: 'arm64' });
    const [withVariant] = await source.resolve({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    const [arm] = await source.resolve({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(bare!.digest).toBe(platforms[1]!.manifest.digest);
    expect(withVariant!.digest).toBe(platforms[1]!.manifest.digest);
    expect(arm!.digest).toBe(platforms[2]!.manifest.digest);
    const layer = await readAll(await source.openBlob(bare!.layers[0]!));
    expect(layer.equals(Buffer.from(platforms[1]!.layers[0]!.bytes))).toBe(true);
  });

  it('returns every platform for `all`', async () => {
    const images = await open(`${registry.host}/team/multi:v2`).resolve('all');
    expect(images.map((i) => i.digest).sort()).toEqual(platforms.map((p) => p.manifest.digest).sort());
    expect(images.map((i) => i.config.digest).sort()).toEqual(platforms.map((p) => p.config.digest).sort());
  });

  it('reads a Docker manifest list (skopeo --all --format v2s2)', async () => {
    const source = open(`${registry.host}/team/multi-docker:v2`);
    const top = await source.resolve('all');
    expect(top).toHaveLength(3);
    const [arm] = await source.resolve({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(arm!.platform).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(arm!.config.mediaType).toBe(MEDIA_TYPE.dockerConfig);
    const arch = await readAll(await source.openBlob(arm!.layers[0]!));
    expect(arch.length).toBe(arm!.layers[0]!.size);
  });

  it('names the available platforms when the requested one is missing', async () => {
    const err = await caught(
      open(`${registry.host}/team/multi:v2`).resolve({ os: 'linux', architecture: 's390x' }),
    );
    expect(err.kind).toBe('not-found');
    expect(err.message).toContain('linux/s390x');
    expect(err.message).toContain('linux/amd64, linux/arm64/v8, linux/arm/v7');
  });

  it('pulls by digest, and a digest the registry does not hold is not found', async () => {
    const [image] = await open(`${registry.host}/team/app@${single.manifest.digest}`).resolve('all');
    expect(image!.digest).toBe(single.manifest.digest);
    expect(image!.reference).toBe(`${registry.host}/team/app@${single.manifest.digest}`);

    const wrong = `sha256:${'0f'.repeat(32)}`;
    const err = await caught(open(`${registry.host}/team/app@${wrong}`).resolve('all'));
    expect(err.kind).toBe('not-found');
    expect(err.message).toContain(`manifest ${wrong}`);
  });

  it('reports a missing tag or repository as not found, naming both', async () => {
    const tag = await caught(open(`${registry.host}/team/app:nope`).resolve('all'));
    expect(tag.kind).toBe('not-found');
    expect(tag.message).toContain('tag "nope" not found in repository "team/app"');
    expect(tag.message).toContain('MANIFEST_UNKNOWN');
    const repo = await caught(open(`${registry.host}/team/absent:v1`).resolve('all'));
    expect(repo.kind).toBe('not-found');
    expect(repo.message).toContain('repository "team/absent"');
  });

  it('reports a missing blob as not found', async () => {
    const source = open(`${registry.host}/team/app:v1`);
    const missing = { mediaType: single.layers[0]!.mediaType, digest: `sha256:${'3c'.repeat(32)}`, size: 10 };
    const err = await caught(source.openBlob(missing));
    expect(err.kind).toBe('not-found');
    expect(err.message).toContain(missing.digest);
  });
});
