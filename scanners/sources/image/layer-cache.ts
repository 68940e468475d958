import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { KeylessConfig } from '../../config/load.js';
import type { Rule, Skipped } from '../../engine/types.js';
import { CleanCache, rulesetKey } from '../scan-cache.js';
import type { LayerChanges } from './layer-changes.js';
import { isDigest } from './manifest.js';

/**
 * Layers found clean under one ruleset are not read again. The clean ids live in the shared
 * `CleanCache`; next to it each clean layer keeps what a rescan still needs without its bytes: file
 * counts, the files it skipped (paths and reasons) and its whiteouts/replaced paths (so findings in
 * lower layers still name the layer that hid them). Paths only, never content.
 */
export interface CachedLayer {
  files: number;
  bytes: number;
  /** Paths inside the layer (`/etc/x`) with the reason they were skipped. */
  skipped: Array<Pick<Skipped, 'reason' | 'detail'> & { path: string }>;
  changes: LayerChanges;
}

export class LayerCache {
  private constructor(
    private readonly clean: CleanCache,
    private readonly dir: string,
  ) {}

  static async open(
    dir: string,
    rules: Rule[],
    config: KeylessConfig,
    maxFileSize: number,
    toolVersion: string,
  ): Promise<LayerCache> {
    const key = rulesetKey(rules, config, maxFileSize, toolVersion);
    const clean = await CleanCache.open(dir, 'image-layers', key);
    const sidecars = join(dir, `image-layers-${key}`);
    await mkdir(sidecars, { recursive: true });
    return new LayerCache(clean, sidecars);
  }

  private file(digest: string): string {
    return join(this.dir, `${digest.replace(':', '-')}.json`);
  }

  /** The cached summary of a clean layer, or undefined when it must be scanned. */
  async get(digest: string): Promise<CachedLayer | undefined> {
    if (!isDigest(digest) || !this.clean.has(digest)) return undefined;
    try {
      const value = JSON.parse(await readFile(this.file(digest), 'utf8')) as CachedLayer;
      const { changes } = value;
      if (!Array.isArray(value.skipped) || !changes || !Array.isArray(changes.removed)) return undefined;
      if (!Array.isArray(changes.opaque) || !Array.isArray(changes.replaced)) return undefined;
      return value;
    } catch {
      return undefined;
    }
  }

  async put(digest: string, layer: CachedLayer): Promise<void> {
    if (!isDigest(digest)) return;
    const file = this.file(digest);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(layer));
    await rename(temp, file);
    this.clean.add(digest);
  }

  /** Image configs are blobs too: one found clean needs no rules compiled to be skipped. */
  configClean(digest: string): boolean {
    return isDigest(digest) && this.clean.has(digest);
  }

  markConfigClean(digest: string): void {
    if (isDigest(digest)) this.clean.add(digest);
  }

  async save(): Promise<void> {
    await this.clean.save();
  }
}
