import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { tarArchive, type TarEntry } from './tar-writer.js';

/**
 * Builds container images for tests, entirely in memory: layers from chosen files (with whiteouts and
 * opaque dirs), gzip/zstd/uncompressed, and writes them as OCI layouts (dir or tar), `docker save`
 * tarballs (legacy and Docker >= 25 form), with multi-platform indexes. zstd uses the `zstd` binary.
 */

export type { TarEntry } from './tar-writer.js';
export { tarArchive } from './tar-writer.js';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export type Compression = 'gzip' | 'zstd' | 'none';

export interface LayerSpec {
  /** Files of the layer; string/bytes values are regular files, or give full tar entries. */
  files?: Record<string, string | Uint8Array>;
  entries?: TarEntry[];
  /** Paths to delete (`.wh.<name>` entries) and dirs to make opaque (`.wh..wh..opq`). */
  whiteouts?: string[];
  opaque?: string[];
  compression?: Compression;
  /** Replaces the layer's uncompressed tar entirely (bad archives). */
  rawTar?: Uint8Array;
  /** Replaces the stored (compressed) blob bytes; the digest is still of these bytes unless `digest`. */
  rawBlob?: Uint8Array;
  /** Overrides the descriptor's digest / size / media type (wrong-digest, wrong-size tests). */
  digest?: string;
  size?: number;
  mediaType?: string;
}

export interface ImageSpec {
  layers: LayerSpec[];
  platform?: { os: string; architecture: string; variant?: string };
  config?: {
    Env?: string[];
    Labels?: Record<string, string>;
    Cmd?: string[];
    Entrypoint?: string[];
    history?: Array<{ created_by?: string; empty_layer?: boolean; comment?: string }>;
  };
  /** `docker` uses Docker v2 media types (manifest, config, gzip layers). */
  mediaTypes?: 'oci' | 'docker';
  /** Overrides the manifest's media type (unknown media type tests). */
  manifestMediaType?: string;
}

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Uint8Array;
}

export interface BuiltLayer extends Blob {
  /** sha256 of the uncompressed tar, as listed in the config's rootfs.diff_ids. */
  diffId: string;
  tar: Uint8Array;
}

export interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: BuiltLayer[];
  platform: { os: string; architecture: string; variant?: string };
  /** Extra blobs to store (none for plain images; indexes for nested layouts). */
}

const encoder = new TextEncoder();

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function hexOf(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

export function jsonBlob(value: unknown, mediaType: string): Blob {
  const bytes = encoder.encode(JSON.stringify(value));
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

export function zstdCompress(data: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 }));
  } catch (error) {
    throw new Error(`oci-builder: the zstd binary is needed for zstd layers: ${(error as Error).message}`);
  }
}

export function compress(tar: Uint8Array, compression: Compression): Uint8Array {
  if (compression === 'gzip') return new Uint8Array(gzipSync(tar));
  if (compression === 'zstd') return zstdCompress(tar);
  return tar;
}

/** The tar entries of a layer spec, whiteouts last (their order does not matter to readers). */
export function layerEntries(spec: LayerSpec): TarEntry[] {
  const entries: TarEntry[] = [];
  for (const [name, content] of Object.entries(spec.files ?? {})) entries.push({ name, content });
  entries.push(...(spec.entries ?? []));
  for (const path of spec.whiteouts ?? []) {
    const cut = path.lastIndexOf('/');
    entries.push({ name: `${path.slice(0, cut + 1)}.wh.${path.slice(cut + 1)}`, content: '' });
  }
  for (const dir of spec.opaque ?? [])
    entries.push({ name: `${dir.replace(/\/+$/, '')}/.wh..wh..opq`, content: '' });
  return entries;
}

export function buildLayer(spec: LayerSpec, docker = false): BuiltLayer {
  const tar = spec.rawTar ?? tarArchive(layerEntries(spec));
  const compression = spec.compression ?? 'gzip';
  const bytes = spec.rawBlob ?? compress(tar, compression);
  const mediaType =
    spec.mediaType ??
    (docker && compression === 'gzip'
      ? MEDIA.dockerLayerGzip
      : compression === 'gzip'
        ? MEDIA.ociLayerGzip
        : compression === 'zstd'
          ? MEDIA.ociLayerZstd
          : MEDIA.ociLayer);
  return {
    mediaType,
    digest: spec.digest ?? sha256(bytes),
    size: spec.size ?? bytes.length,
    bytes,
    diffId: sha256(tar),
    tar,
  };
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const docker = spec.mediaTypes === 'docker';
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = spec.layers.map((layer) => buildLayer(layer, docker));
  const { history, ...containerConfig } = spec.config ?? {};
  const config = jsonBlob(
    {
      created: '2026-01-01T00:00:00Z',
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
      config: containerConfig,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: history ?? layers.map((_, i) => ({ created_by: `/bin/sh -c #(nop) layer ${i}` })),
    },
    docker ? MEDIA.dockerConfig : MEDIA.ociConfig,
  );
  const manifestType = spec.manifestMediaType ?? (docker ? MEDIA.dockerManifest : MEDIA.ociManifest);
  const manifest = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: manifestType,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    },
    manifestType,
  );
  return { manifest, config, layers, platform };
}

function descriptor(blob: Blob, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size, ...extra };
}

export interface LayoutOptions {
  /** `org.opencontainers.image.ref.name` annotation on the top-level entries. */
  tag?: string;
  /**
   * With several images: `flat` lists every manifest (with its platform) in index.json; `nested`
   * stores an image index blob that index.json points to (what skopeo/buildx write).
   */
  index?: 'flat' | 'nested';
}

/** The files of an OCI image layout, path -> bytes. */
export function ociLayoutFiles(images: BuiltImage[], options: LayoutOptions = {}): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const put = (blob: Blob): void => {
    files.set(`blobs/sha256/${hexOf(blob.digest)}`, blob.bytes);
  };
  for (const image of images) {
    put(image.manifest);
    put(image.config);
    for (const layer of image.layers) put(layer);
  }
  const annotations = options.tag
    ? { annotations: { 'org.opencontainers.image.ref.name': options.tag } }
    : {};
  const platformDescriptors = images.map((image) => descriptor(image.manifest, { platform: image.platform }));
  let manifests: Record<string, unknown>[];
  if (images.length > 1 && options.index === 'nested') {
    const inner = jsonBlob(
      { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: platformDescriptors },
      MEDIA.ociIndex,
    );
    put(inner);
    manifests = [descriptor(inner, annotations)];
  } else if (images.length > 1) {
    manifests = platformDescriptors.map((d) => ({ ...d, ...annotations }));
  } else {
    manifests = images.map((image) => descriptor(image.manifest, annotations));
  }
  files.set('oci-layout', encoder.encode(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  files.set(
    'index.json',
    encoder.encode(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests })),
  );
  return files;
}

export function writeFiles(dir: string, files: Map<string, Uint8Array>): string {
  for (const [path, bytes] of files) {
    const abs = join(dir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, bytes);
  }
  return dir;
}

export function tarOfFiles(files: Map<string, Uint8Array>): Uint8Array {
  const dirs = new Set<string>();
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return tarArchive([
    ...[...dirs].sort().map((name) => ({ name: `${name}/`, type: 'dir' as const })),
    ...[...files].map(([name, content]) => ({ name, content })),
  ]);
}

/** Writes an OCI layout directory at `dir`; returns `dir`. */
export function writeOciLayout(
  dir: string,
  images: BuiltImage | BuiltImage[],
  options: LayoutOptions = {},
): string {
  return writeFiles(dir, ociLayoutFiles(Array.isArray(images) ? images : [images], options));
}

/** An OCI layout as one tar archive. */
export function ociLayoutTar(images: BuiltImage | BuiltImage[], options: LayoutOptions = {}): Uint8Array {
  return tarOfFiles(ociLayoutFiles(Array.isArray(images) ? images : [images], options));
}

/**
 * `docker save` output. `legacy`: manifest.json + `<id>/layer.tar` (uncompressed) + `<id>.json`
 * config. `oci` (Docker >= 25): an OCI layout with uncompressed layers plus manifest.json whose paths
 * point into blobs/sha256/. Layers are always stored uncompressed, as docker does; build the image with
 * `compression: 'none'` layers to keep manifest digests consistent for the `oci` form.
 */
export function dockerSaveFiles(
  image: BuiltImage,
  form: 'legacy' | 'oci',
  tag = 'keyless-test:latest',
): Map<string, Uint8Array> {
  if (form === 'oci') {
    const files = ociLayoutFiles([image], { tag });
    const manifest = [
      {
        Config: `blobs/sha256/${hexOf(image.config.digest)}`,
        RepoTags: [tag],
        Layers: image.layers.map((l) => `blobs/sha256/${hexOf(l.digest)}`),
      },
    ];
    files.set('manifest.json', encoder.encode(JSON.stringify(manifest)));
    return files;
  }
  const files = new Map<string, Uint8Array>();
  const configName = `${hexOf(image.config.digest)}.json`;
  files.set(configName, image.config.bytes);
  const layerPaths = image.layers.map((layer) => {
    const id = hexOf(sha256(encoder.encode(`${layer.diffId}\n`)));
    files.set(`${id}/VERSION`, encoder.encode('1.0'));
    files.set(`${id}/layer.tar`, layer.tar);
    files.set(`${id}/json`, encoder.encode(JSON.stringify({ id })));
    return `${id}/layer.tar`;
  });
  const [repo, version] = tag.split(':');
  files.set(
    'manifest.json',
    encoder.encode(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layerPaths }])),
  );
  files.set(
    'repositories',
    encoder.encode(
      JSON.stringify({ [repo ?? 'x']: { [version ?? 'latest']: layerPaths.at(-1)?.split('/')[0] } }),
    ),
  );
  return files;
}

export function dockerSaveTar(image: BuiltImage, form: 'legacy' | 'oci', tag?: string): Uint8Array {
  return tarOfFiles(dockerSaveFiles(image, form, tag));
}

/** A gzip stream that inflates to `bytes` zeros (a decompression bomb), tiny on disk. */
export function gzipBomb(bytes: number): Uint8Array {
  return new Uint8Array(gzipSync(new Uint8Array(bytes), { level: 9 }));
}
