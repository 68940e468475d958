/**
 * The seam between where an image comes from (a registry, a `docker save` tarball, an OCI layout) and
 * the layer scan. Sources hand out raw bytes; the scan verifies every digest and size itself, so no
 * source can be trusted by mistake.
 */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** An OCI descriptor, as found in manifests and indexes. */
export interface Descriptor {
  mediaType: string;
  /** `sha256:<64 hex>` (or another algorithm the scan can verify). */
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** One single-platform image: its manifest resolved, its config read and verified. */
export interface ResolvedImage {
  /** What the user asked for, for messages: `registry.example/app:1.2`, `image.tar`. */
  reference: string;
  /** Digest of the manifest (the image digest users see in `docker images --digests`). */
  digest: string;
  platform?: Platform;
  config: Descriptor;
  /** Exact bytes of the config blob (already checked against `config.digest`). */
  configBytes: Uint8Array;
  /** Bottom layer first. */
  layers: Descriptor[];
}

/** Which images of a multi-platform index to scan; `all` scans every platform listed. */
export type PlatformSelector = Platform | 'all';

export interface ImageSource {
  /**
   * The images to scan: one for a single-platform manifest, one per selected platform for an index.
   * Throws `ImageError` when nothing matches the selector, naming the platforms that exist.
   */
  resolve(platform: PlatformSelector): Promise<ResolvedImage[]>;
  /**
   * The raw (still compressed) bytes of a blob, streamed. Callers verify digest and size while
   * reading; a source may stop early on its own errors (network, truncated archive) by throwing.
   */
  openBlob(descriptor: Descriptor): Promise<AsyncIterable<Uint8Array>>;
  /** Releases files or connections. */
  close(): Promise<void>;
}

/** Any failure to get an image: the message is for the user and never holds a credential. */
export class ImageError extends Error {
  constructor(
    message: string,
    /** `auth` and `not-found` are the user's to fix; `transient` may succeed on retry. */
    readonly kind: 'auth' | 'not-found' | 'invalid' | 'transient' | 'unsupported' = 'invalid',
  ) {
    super(message);
    this.name = 'ImageError';
  }
}
