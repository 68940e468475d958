/**
 * Image manifests and indexes (OCI and Docker v2), whatever they came from: a registry, an OCI layout
 * or a `docker save` tarball. Parsing is strict about the fields the scan relies on (digests, sizes)
 * and refuses formats it cannot scan correctly (schema1, artifacts) instead of guessing.
 */
import { createHash } from 'node:crypto';
import { ImageError } from './types.js';
import type { Descriptor, Platform, PlatformSelector } from './types.js';

export const MEDIA_TYPE = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

/** Accept list for manifest requests: every manifest format this module parses. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPE.ociIndex,
  MEDIA_TYPE.ociManifest,
  MEDIA_TYPE.dockerList,
  MEDIA_TYPE.dockerManifest,
];

const INDEX_TYPES = new Set<string>([MEDIA_TYPE.ociIndex, MEDIA_TYPE.dockerList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPE.ociManifest, MEDIA_TYPE.dockerManifest]);
const CONFIG_TYPES = new Set<string>([MEDIA_TYPE.ociConfig, MEDIA_TYPE.dockerConfig]);
/** Content types that say nothing about the document: fall back to its `mediaType` field. */
const GENERIC_TYPES = new Set(['', 'application/json', 'application/octet-stream', 'text/plain']);
const SCHEMA1_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  /** Bottom layer first. */
  layers: Descriptor[];
}

export type ParsedManifest = ImageIndex | ImageManifest;

const DIGEST_FORMS: Record<string, RegExp> = {
  sha256: /^sha256:[a-f0-9]{64}$/,
  sha512: /^sha512:[a-f0-9]{128}$/,
};

/** True for `sha256:<64 lowercase hex>` / `sha512:<128 lowercase hex>`. */
export function isDigest(value: string): boolean {
  const algorithm = value.slice(0, value.indexOf(':'));
  return DIGEST_FORMS[algorithm]?.test(value) ?? false;
}

/** Digest of `bytes` with the algorithm of `like` (default sha256). */
export function digestOf(bytes: Uint8Array, like = 'sha256:'): string {
  const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws `ImageError('invalid')` unless `bytes` hash to `expected` (and have `size` bytes when given). */
export function verifyBytes(bytes: Uint8Array, expected: string, what: string, size?: number): void {
  if (!isDigest(expected)) throw new ImageError(`${what}: unsupported or malformed digest "${expected}"`);
  if (size !== undefined && bytes.byteLength !== size) {
    throw new ImageError(`${what}: expected ${size} bytes, got ${bytes.byteLength}`);
  }
  const actual = digestOf(bytes, expected);
  if (actual !== expected) {
    throw new ImageError(`${what}: digest mismatch (expected ${expected}, content hashes to ${actual})`);
  }
}

function baseType(contentType: string | undefined | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePlatformField(value: unknown, where: string): Platform | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value.os !== 'string' || typeof value.architecture !== 'string') {
    throw new ImageError(`${where}: platform needs string "os" and "architecture"`);
  }
  const platform: Platform = { os: value.os, architecture: value.architecture };
  if (typeof value.variant === 'string' && value.variant !== '') platform.variant = value.variant;
  return platform;
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw new ImageError(`${where}: not a descriptor object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw new ImageError(`${where}: missing mediaType`);
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw new ImageError(`${where}: missing or malformed digest (sha256:<64 hex> or sha512:<128 hex>)`);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ImageError(`${where}: size must be a non-negative integer`);
  }
  const descriptor: Descriptor = { mediaType, digest, size };
  const platform = parsePlatformField(value.platform, where);
  if (platform) descriptor.platform = platform;
  if (isRecord(value.annotations)) {
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(value.annotations)) if (typeof v === 'string') annotations[k] = v;
    descriptor.annotations = annotations;
  }
  return descriptor;
}

/**
 * Parses an image index or manifest. The media type comes from `contentType` when it names one, else
 * from the document's `mediaType` field, else from its shape (OCI makes `mediaType` optional).
 * `what` names the document in errors (`manifest of alpine:3.20`).
 */
export function parseManifest(
  bytes: Uint8Array,
  contentType?: string | null,
  what = 'manifest',
): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ImageError(`${what}: not valid UTF-8 JSON`);
  }
  if (!isRecord(doc)) throw new ImageError(`${what}: not a JSON object`);
  const header = baseType(contentType);
  const field = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  let mediaType = GENERIC_TYPES.has(header) ? field : header;
  if (mediaType === undefined) {
    if (doc.schemaVersion === 1) mediaType = 'application/vnd.docker.distribution.manifest.v1+json';
    else if (Array.isArray(doc.manifests)) mediaType = MEDIA_TYPE.ociIndex;
    else if (isRecord(doc.config) && Array.isArray(doc.layers)) mediaType = MEDIA_TYPE.ociManifest;
    else throw new ImageError(`${what}: no media type (neither Content-Type nor a "mediaType" field)`);
  }
  if (SCHEMA1_TYPES.has(mediaType) || doc.schemaVersion === 1) {
    throw new ImageError(
      `${what}: Docker schema1 manifests (${mediaType}) are deprecated and not supported; ` +
        're-push the image with a current Docker or skopeo (schema2 or OCI)',
      'unsupported',
    );
  }
  if (!INDEX_TYPES.has(mediaType) && !MANIFEST_TYPES.has(mediaType)) {
    throw new ImageError(`${what}: unsupported media type ${JSON.stringify(mediaType)}`, 'unsupported');
  }
  if (field !== undefined && field !== mediaType) {
    throw new ImageError(`${what}: served as ${mediaType} but declares mediaType ${JSON.stringify(field)}`);
  }
  if (doc.schemaVersion !== 2) throw new ImageError(`${what}: schemaVersion must be 2`);

  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new ImageError(`${what}: index without a "manifests" array`);
    const manifests = doc.manifests.map((m, i) => parseDescriptor(m, `${what}: manifests[${i}]`));
    return { kind: 'index', mediaType, manifests };
  }
  if (!Array.isArray(doc.layers)) throw new ImageError(`${what}: manifest without a "layers" array`);
  const config = parseDescriptor(doc.config, `${what}: config`);
  if (!CONFIG_TYPES.has(config.mediaType)) {
    throw new ImageError(
      `${what}: config of type ${JSON.stringify(config.mediaType)} is an OCI artifact, not a container image`,
      'unsupported',
    );
  }
  const layers = doc.layers.map((l, i) => parseDescriptor(l, `${what}: layers[${i}]`));
  return { kind: 'manifest', mediaType, config, layers };
}

/** `linux/arm64/v8`; `unknown` parts kept so messages show what the index really says. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Parses `--platform`: `all`, `os/arch` or `os/arch/variant` (`linux/arm64/v8`). */
export function parsePlatformSelector(text: string): PlatformSelector {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'all') return 'all';
  const parts = trimmed.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new ImageError(
      `platform "${text}": expected all, OS/ARCH or OS/ARCH/VARIANT (e.g. linux/arm64/v8)`,
    );
  }
  const platform: Platform = { os: parts[0]!, architecture: parts[1]! };
  if (parts[2]) platform.variant = parts[2];
  return platform;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };
/** Variants implied when none is written (as containerd normalises them). */
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

function normalise(platform: Platform): { os: string; architecture: string; variant: string } {
  const architecture =
    ARCH_ALIASES[platform.architecture.toLowerCase()] ?? platform.architecture.toLowerCase();
  const variant = (platform.variant ?? DEFAULT_VARIANT[architecture] ?? '').toLowerCase();
  return { os: platform.os.toLowerCase(), architecture, variant };
}

/** Entries that are images for a real platform (not attestations or `unknown/unknown` placeholders). */
function isImageEntry(d: Descriptor): boolean {
  if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return false;
  if (d.platform && (d.platform.os === 'unknown' || d.platform.architecture === 'unknown')) return false;
  return MANIFEST_TYPES.has(d.mediaType) || INDEX_TYPES.has(d.mediaType);
}

/**
 * The index entries to scan for `selector`. A requested variant must match (after defaults: arm64 is
 * v8); without one, the entry with the default variant wins, then the first of that os/architecture.
 * Throws `ImageError('not-found')` listing the platforms the index offers.
 */
export function selectPlatforms(index: ImageIndex, selector: PlatformSelector, what = 'image'): Descriptor[] {
  const images = index.manifests.filter(isImageEntry);
  if (selector === 'all') {
    if (images.length === 0) throw new ImageError(`${what}: the index lists no image manifests`, 'not-found');
    return images;
  }
  const want = normalise(selector);
  const sameArch = images.filter((d) => {
    if (!d.platform) return false;
    const have = normalise(d.platform);
    return have.os === want.os && have.architecture === want.architecture;
  });
  const exact = sameArch.filter((d) => normalise(d.platform!).variant === want.variant);
  const chosen = exact[0] ?? (selector.variant === undefined ? sameArch[0] : undefined);
  if (chosen) return [chosen];
  const available = [
    ...new Set(images.map((d) => (d.platform ? formatPlatform(d.platform) : '(no platform)'))),
  ];
  throw new ImageError(
    `${what}: no image for platform ${formatPlatform(selector)}; available: ${available.join(', ') || 'none'} ` +
      '(choose one with --platform, or --platform all)',
    'not-found',
  );
}

/** The platform an image config declares (`os`, `architecture`, `variant`), if it parses. */
export function platformFromConfig(configBytes: Uint8Array): Platform | undefined {
  try {
    const config: unknown = JSON.parse(new TextDecoder().decode(configBytes));
    if (!isRecord(config) || typeof config.os !== 'string' || typeof config.architecture !== 'string') {
      return undefined;
    }
    const platform: Platform = { os: config.os, architecture: config.architecture };
    if (typeof config.variant === 'string' && config.variant !== '') platform.variant = config.variant;
    return platform;
  } catch {
    return undefined;
  }
}
