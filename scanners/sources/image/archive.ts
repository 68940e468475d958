import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import { DirStore, TarFileStore, type ArchiveStore } from './archive-store.js';
import {
  digestOf,
  isDigest,
  MEDIA_TYPE,
  parseManifest,
  platformFromConfig,
  selectPlatforms,
  verifyBytes,
} from './manifest.js';
import type { Descriptor, ImageSource, PlatformSelector, ResolvedImage } from './types.js';
import { ImageError } from './types.js';

/**
 * Images from archives, detected from their content: OCI layouts (`oci-layout` + `index.json` +
 * `blobs/`, as a directory or a tar; Docker >= 25 `docker save` is one of these with a manifest.json
 * added) and legacy `docker save` tarballs (manifest.json + `<id>/layer.tar` + `<id>.json`). In the
 * legacy form layers are identified by their diff_id (sha256 of the uncompressed tar) from the config,
 * which is what their bytes hash to, so they are verified like any blob.
 */

const LEGACY_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';
const INDEX_TYPES = new Set<string>([MEDIA_TYPE.ociIndex, MEDIA_TYPE.dockerList]);
/** Nested indexes deeper than this are a loop or an attack, not an image. */
const MAX_INDEX_DEPTH = 4;

function blobPath(digest: string): string {
  if (!isDigest(digest)) throw new ImageError(`malformed digest "${digest}"`);
  return `blobs/${digest.replace(':', '/')}`;
}

function json(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ImageError(`${what}: not valid JSON`);
  }
}

export class ArchiveSource implements ImageSource {
  /** Legacy docker save: blob digest -> member path (layers and configs are not under blobs/). */
  private readonly paths = new Map<string, string>();

  private constructor(
    private readonly store: ArchiveStore,
    private readonly reference: string,
  ) {}

  /** Opens a FILE (tar, tar.gz, tar.zst) or a DIR as an image archive. */
  static async open(path: string): Promise<ArchiveSource> {
    if (!existsSync(path)) throw new ImageError(`${path}: no such file or directory`, 'not-found');
    const label = basename(path) || path;
    const store = statSync(path).isDirectory()
      ? new DirStore(path, label)
      : await TarFileStore.open(path, label).catch((error: unknown) => {
          throw error instanceof ImageError
            ? error
            : new ImageError(`${label}: not a readable image archive (${(error as Error).message})`);
        });
    return new ArchiveSource(store, path);
  }

  async resolve(platform: PlatformSelector): Promise<ResolvedImage[]> {
    const { store } = this;
    if (store.has('index.json') && (store.has('oci-layout') || !store.has('manifest.json'))) {
      return this.resolveLayout(platform);
    }
    if (store.has('manifest.json')) return this.resolveLegacy();
    throw new ImageError(
      `${store.label}: not an image archive: expected an OCI layout (oci-layout, index.json, blobs/) ` +
        'or docker save output (manifest.json)',
      'invalid',
    );
  }

  async openBlob(descriptor: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    const path = this.paths.get(descriptor.digest) ?? blobPath(descriptor.digest);
    if (!this.store.has(path)) {
      throw new ImageError(
        `${this.store.label}: blob ${descriptor.digest} is missing from the archive`,
        'not-found',
      );
    }
    return this.store.open(path);
  }

  async close(): Promise<void> {}

  private async readBlob(descriptor: Descriptor, what: string): Promise<Uint8Array> {
    const path = blobPath(descriptor.digest);
    if (!this.store.has(path))
      throw new ImageError(`${what}: blob ${descriptor.digest} is missing`, 'not-found');
    const bytes = await this.store.read(path);
    verifyBytes(bytes, descriptor.digest, what, descriptor.size);
    return bytes;
  }

  private async resolveLayout(selector: PlatformSelector): Promise<ResolvedImage[]> {
    const label = this.store.label;
    const top = parseManifest(await this.store.read('index.json'), null, `${label}: index.json`);
    if (top.kind !== 'index') throw new ImageError(`${label}: index.json is not an image index`);
    const manifests: Descriptor[] = [];
    const expand = async (entries: Descriptor[], depth: number, tag?: string): Promise<void> => {
      for (const entry of entries) {
        const name = entry.annotations?.['org.opencontainers.image.ref.name'] ?? tag;
        if (!INDEX_TYPES.has(entry.mediaType)) {
          const annotations = {
            ...entry.annotations,
            ...(name ? { 'org.opencontainers.image.ref.name': name } : {}),
          };
          manifests.push({ ...entry, annotations });
          continue;
        }
        if (depth >= MAX_INDEX_DEPTH) throw new ImageError(`${label}: image indexes nested too deep`);
        const what = `${label}: index ${entry.digest}`;
        const inner = parseManifest(await this.readBlob(entry, what), entry.mediaType, what);
        if (inner.kind !== 'index') throw new ImageError(`${what}: expected an index, found a manifest`);
        await expand(inner.manifests, depth + 1, name);
      }
    };
    await expand(top.manifests, 0);
    // A layout holding one image (docker save, one tag) is scanned whatever its platform; a choice
    // between several is made by platform, and entries without one (several tags) are all scanned.
    const chosen =
      manifests.length <= 1 || manifests.every((m) => m.platform === undefined)
        ? manifests
        : selectPlatforms({ kind: 'index', mediaType: MEDIA_TYPE.ociIndex, manifests }, selector, label);
    if (chosen.length === 0) throw new ImageError(`${label}: the layout lists no images`, 'not-found');
    const images: ResolvedImage[] = [];
    for (const descriptor of chosen) {
      const what = `${label}: manifest ${descriptor.digest}`;
      const manifest = parseManifest(await this.readBlob(descriptor, what), descriptor.mediaType, what);
      if (manifest.kind !== 'manifest') throw new ImageError(`${what}: expected a manifest`);
      const configBytes = await this.readBlob(manifest.config, `${what}: config`);
      const tag = descriptor.annotations?.['org.opencontainers.image.ref.name'];
      const platform = descriptor.platform ?? platformFromConfig(configBytes);
      images.push({
        reference: tag ? `${this.reference} (${tag})` : this.reference,
        digest: descriptor.digest,
        ...(platform ? { platform } : {}),
        config: manifest.config,
        configBytes,
        layers: manifest.layers,
      });
    }
    return images;
  }

  private async resolveLegacy(): Promise<ResolvedImage[]> {
    const label = this.store.label;
    const entries = json(await this.store.read('manifest.json'), `${label}: manifest.json`);
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new ImageError(`${label}: manifest.json lists no images`);
    }
    const images: ResolvedImage[] = [];
    for (const [i, entry] of entries.entries()) {
      const what = `${label}: manifest.json[${i}]`;
      const { Config, Layers, RepoTags } = (entry ?? {}) as Record<string, unknown>;
      if (
        typeof Config !== 'string' ||
        !Array.isArray(Layers) ||
        !Layers.every((l) => typeof l === 'string')
      ) {
        throw new ImageError(`${what}: needs "Config" and "Layers" paths`);
      }
      const configBytes = await this.store.read(Config);
      const configDigest = digestOf(configBytes);
      // The config's name is its digest (`<hex>.json` or blobs/sha256/<hex>): check it when it says so.
      const named = /([a-f0-9]{64})(?:\.json)?$/.exec(Config)?.[1];
      if (named !== undefined && `sha256:${named}` !== configDigest) {
        throw new ImageError(`${what}: config ${Config} does not hash to its name (got ${configDigest})`);
      }
      const config = json(configBytes, `${what}: config`) as { rootfs?: { diff_ids?: unknown } };
      const diffIds = config.rootfs?.diff_ids;
      if (
        !Array.isArray(diffIds) ||
        diffIds.length !== Layers.length ||
        !diffIds.every((d) => isDigest(String(d)))
      ) {
        throw new ImageError(
          `${what}: config rootfs.diff_ids must list one digest per layer (${Layers.length} layers)`,
        );
      }
      const layers = (Layers as string[]).map((path, index): Descriptor => {
        const digest = diffIds[index] as string;
        const size = this.store.size(path);
        if (size === undefined)
          throw new ImageError(`${what}: layer ${path} is missing from the archive`, 'not-found');
        this.paths.set(digest, path);
        return { mediaType: LEGACY_LAYER, digest, size };
      });
      this.paths.set(configDigest, Config);
      const tag = Array.isArray(RepoTags) && typeof RepoTags[0] === 'string' ? RepoTags[0] : undefined;
      const platform = platformFromConfig(configBytes);
      images.push({
        reference: tag ? `${this.reference} (${tag})` : this.reference,
        // No manifest exists in this form; the config digest is the image ID docker shows.
        digest: configDigest,
        ...(platform ? { platform } : {}),
        config: { mediaType: MEDIA_TYPE.dockerConfig, digest: configDigest, size: configBytes.length },
        configBytes,
        layers,
      });
    }
    return images;
  }
}
