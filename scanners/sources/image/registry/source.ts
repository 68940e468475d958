/**
 * `ImageSource` for images pulled straight from a registry (OCI distribution API v2). Manifests and
 * the config are verified here (digest of the exact bytes); layer blobs are streamed raw and verified
 * by the scan.
 */
import { ImageError } from '../types.js';
import type { Descriptor, ImageSource, Platform, PlatformSelector, ResolvedImage } from '../types.js';
import {
  digestOf,
  isDigest,
  MANIFEST_MEDIA_TYPES,
  parseManifest,
  platformFromConfig,
  selectPlatforms,
  verifyBytes,
} from '../manifest.js';
import type { ImageManifest, ParsedManifest } from '../manifest.js';
import { Authenticator } from './auth.js';
import { RegistryClient } from './client.js';
import { findCredential } from './credentials.js';
import type { EnvRecord } from './credentials.js';
import { DEFAULT_RETRY } from './http.js';
import type { FetchLike, RetryPolicy, TransportOptions } from './http.js';
import { parseReference } from './reference.js';
import type { ImageReference } from './reference.js';

export interface RegistryImageOptions {
  /** `alpine`, `ghcr.io/org/app:1.2`, `localhost:5000/app@sha256:…`. */
  reference: string;
  /** From `--username` + `--password-stdin`; wins over everything else. */
  credentials?: { username: string; password: string };
  /** Environment the caller read (KEYLESS_REGISTRY_USERNAME / KEYLESS_REGISTRY_PASSWORD); never process.env here. */
  env?: EnvRecord;
  /** Path of a docker config.json (see `dockerConfigPath`); a missing file means no entries. */
  dockerConfig?: string;
  /** Allow plain http (registry, realm, redirects) to non-loopback hosts. */
  insecure?: boolean;
  /** Injectable fetch (tests); default the global one. */
  fetch?: FetchLike;
  /** Deadline per request, and for each pause between body chunks (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Non-fatal notes for the user (credential helpers that were skipped). */
  onWarning?: (message: string) => void;
  /** Test hook: how the retry loop waits. */
  sleep?: (ms: number) => Promise<void>;
}

/** distribution refuses manifests over 4 MiB; configs with long histories stay far below 64 MiB. */
const MANIFEST_LIMIT = 4 * 1024 * 1024;
const CONFIG_LIMIT = 64 * 1024 * 1024;
const MAX_INDEX_DEPTH = 2;

export class RegistrySource implements ImageSource {
  private readonly closer = new AbortController();
  readonly reference: ImageReference;
  readonly client: RegistryClient;

  constructor(options: RegistryImageOptions) {
    this.reference = parseReference(options.reference);
    const transport: TransportOptions = {
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      insecure: options.insecure ?? false,
      signal: this.closer.signal,
    };
    if (options.sleep) transport.sleep = options.sleep;
    const lookup: Parameters<typeof findCredential>[0] = { registry: this.reference.registry };
    if (options.credentials) lookup.credentials = options.credentials;
    if (options.env) lookup.env = options.env;
    if (options.dockerConfig !== undefined) lookup.dockerConfig = options.dockerConfig;
    const { credential, warnings } = findCredential(lookup);
    for (const warning of warnings) options.onWarning?.(warning);
    const auth = new Authenticator(this.reference.registry, credential, transport);
    this.client = new RegistryClient(this.reference, transport, auth);
  }

  async resolve(platform: PlatformSelector): Promise<ResolvedImage[]> {
    const ref = this.reference;
    const top = await this.client.manifest(ref.ref, MANIFEST_MEDIA_TYPES, MANIFEST_LIMIT);
    const what = `manifest of ${ref.display}`;
    const digest = this.checkTopDigest(top.bytes, top.dockerContentDigest, what);
    const parsed = parseManifest(top.bytes, top.contentType, what);
    return this.images(parsed, digest, platform, undefined, 0);
  }

  private checkTopDigest(bytes: Uint8Array, header: string | null, what: string): string {
    const pinned = this.reference.digest;
    if (pinned) {
      const actual = digestOf(bytes, pinned);
      if (actual !== pinned) {
        throw new ImageError(
          `${what}: digest mismatch — asked for ${pinned}, the registry sent content hashing to ${actual}`,
        );
      }
      return pinned;
    }
    const actual = digestOf(bytes);
    if (header && isDigest(header.trim())) {
      const expected = header.trim();
      const computed = digestOf(bytes, expected);
      if (computed !== expected) {
        throw new ImageError(
          `${what}: digest mismatch — the registry says ${expected}, the content hashes to ${computed}`,
        );
      }
    }
    return actual;
  }

  private async images(
    parsed: ParsedManifest,
    digest: string,
    selector: PlatformSelector,
    platform: Platform | undefined,
    depth: number,
  ): Promise<ResolvedImage[]> {
    if (parsed.kind === 'manifest') return [await this.image(parsed, digest, platform)];
    if (depth >= MAX_INDEX_DEPTH)
      throw new ImageError(`${this.reference.display}: indexes nested too deeply`);
    const chosen = selectPlatforms(parsed, selector, this.reference.display);
    const results: ResolvedImage[] = [];
    for (const entry of chosen) {
      const child = await this.child(entry);
      results.push(...(await this.images(child, entry.digest, selector, entry.platform, depth + 1)));
    }
    return results;
  }

  private async child(entry: Descriptor): Promise<ParsedManifest> {
    const what = `manifest ${entry.digest} of ${this.reference.display}`;
    if (entry.size > MANIFEST_LIMIT)
      throw new ImageError(`${what}: ${entry.size} bytes is too large for a manifest`);
    const fetched = await this.client.manifest(entry.digest, MANIFEST_MEDIA_TYPES, MANIFEST_LIMIT);
    verifyBytes(fetched.bytes, entry.digest, what, entry.size);
    const parsed = parseManifest(fetched.bytes, fetched.contentType, what);
    if (parsed.mediaType !== entry.mediaType) {
      throw new ImageError(
        `${what}: the index says ${entry.mediaType} but the manifest is ${parsed.mediaType}`,
      );
    }
    return parsed;
  }

  private async image(manifest: ImageManifest, digest: string, platform?: Platform): Promise<ResolvedImage> {
    const config = manifest.config;
    const what = `config ${config.digest} of ${this.reference.display}`;
    if (config.size > CONFIG_LIMIT)
      throw new ImageError(`${what}: ${config.size} bytes is more than ${CONFIG_LIMIT}`);
    const fetched = await this.client.fetchBytes(this.client.blobSpec(config.digest, what), CONFIG_LIMIT);
    verifyBytes(fetched.bytes, config.digest, what, config.size);
    const image: ResolvedImage = {
      reference: this.reference.display,
      digest,
      config,
      configBytes: fetched.bytes,
      layers: manifest.layers,
    };
    const resolved = platform ?? platformFromConfig(fetched.bytes);
    if (resolved) image.platform = resolved;
    return image;
  }

  async openBlob(descriptor: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    if (!isDigest(descriptor.digest)) throw new ImageError(`blob digest "${descriptor.digest}" is malformed`);
    const what = `blob ${descriptor.digest} of ${this.reference.display}`;
    const stream = this.client.streamBlob(descriptor.digest, what);
    // Start the request now so auth, 404 and retry errors surface from openBlob, not mid-scan.
    let first: IteratorResult<Uint8Array> | undefined = await stream.next();
    // Hand-made so that `return()` reaches the inner stream even before the first `next()`.
    const iterator: AsyncIterator<Uint8Array> = {
      next: () => {
        const pending = first;
        first = undefined;
        return pending ? Promise.resolve(pending) : stream.next();
      },
      return: async () => {
        first = undefined;
        await stream.return(undefined);
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  async close(): Promise<void> {
    this.closer.abort();
  }
}

/** The registry source for `keyless scan image REF`; throws `ImageError('invalid')` for a bad reference. */
export function openRegistryImage(options: RegistryImageOptions): RegistrySource {
  return new RegistrySource(options);
}
