/**
 * What each layer does to the paths of the layers below it: whiteouts (`.wh.<name>`) delete a path,
 * opaque markers (`.wh..wh..opq`) hide a directory's lower contents, and any entry at a path replaces
 * what was there. A secret in a lower layer stays in that layer's blob whatever happens above, so it
 * is still reported, naming the first layer that hid it.
 */

export const OPAQUE_MARKER = '.wh..wh..opq';
export const WHITEOUT_PREFIX = '.wh.';

/** Plain data so a clean layer's changes can be cached as JSON. */
export interface LayerChanges {
  /** Paths deleted by whiteouts. */
  removed: string[];
  /** Directories whose lower contents are hidden. */
  opaque: string[];
  /** Paths of entries that are not directories (files, links, devices). */
  replaced: string[];
}

/** `../../etc/./x`, `/abs//y` -> `/etc/x`, `/abs/y`: entry names are data, resolved textually only. */
export function imagePath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export class ChangeRecorder {
  private readonly removed = new Set<string>();
  private readonly opaque = new Set<string>();
  private readonly replaced = new Set<string>();

  /**
   * Records an entry at `path` (normalised). Returns false for whiteout markers, which are not content.
   */
  add(path: string, isDir: boolean): boolean {
    const cut = path.lastIndexOf('/');
    const name = path.slice(cut + 1);
    const parent = path.slice(0, cut) || '/';
    if (name === OPAQUE_MARKER) {
      this.opaque.add(parent);
      return false;
    }
    if (name.startsWith(WHITEOUT_PREFIX)) {
      this.removed.add(`${parent === '/' ? '' : parent}/${name.slice(WHITEOUT_PREFIX.length)}`);
      return false;
    }
    if (!isDir) this.replaced.add(path);
    return true;
  }

  changes(): LayerChanges {
    return { removed: [...this.removed], opaque: [...this.opaque], replaced: [...this.replaced] };
  }
}

interface IndexedChanges {
  removed: Set<string>;
  opaque: Set<string>;
  replaced: Set<string>;
}

/** The layers of one image, bottom first; answers which layer hid a path of a lower layer. */
export class LayerStack {
  private readonly layers: (IndexedChanges | undefined)[] = [];

  set(index: number, changes: LayerChanges): void {
    this.layers[index] = {
      removed: new Set(changes.removed),
      opaque: new Set(changes.opaque),
      replaced: new Set(changes.replaced),
    };
  }

  /** Index of the first layer above `index` that deletes, hides or replaces `path`. */
  removedBy(path: string, index: number): number | undefined {
    const ancestors: string[] = [];
    for (let cut = path.indexOf('/', 1); cut > 0; cut = path.indexOf('/', cut + 1)) {
      ancestors.push(path.slice(0, cut));
    }
    for (let j = index + 1; j < this.layers.length; j++) {
      const layer = this.layers[j];
      if (!layer) continue;
      if (layer.removed.has(path) || layer.replaced.has(path)) return j;
      if (layer.opaque.has('/') && path !== '/') return j;
      for (const dir of ancestors) {
        if (layer.removed.has(dir) || layer.opaque.has(dir) || layer.replaced.has(dir)) return j;
      }
    }
    return undefined;
  }
}
