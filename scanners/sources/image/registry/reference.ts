/**
 * Image references as `docker pull` reads them: `alpine` is `docker.io/library/alpine:latest`, the first
 * path component is a registry only when it looks like a host (has a dot or a port, or is localhost),
 * and a digest pins the content whatever the tag says.
 */
import { ImageError } from '../types.js';
import { isDigest } from '../manifest.js';

export interface ImageReference {
  /** Registry as users write it, `docker.io` for Docker Hub: the key for credentials. */
  registry: string;
  /** `host[:port]` the API lives on (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  /** Repository path, `library/alpine`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** What to ask `/manifests/` for: the digest when there is one, else the tag. */
  ref: string;
  /** Canonical full form for messages: `docker.io/library/alpine:3.20`. */
  display: string;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const MAX_NAME = 255;

function fail(input: string, why: string): never {
  throw new ImageError(`invalid image reference "${input}": ${why}`, 'invalid');
}

function looksLikeHost(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component.startsWith('[') ||
    // docker reads an uppercase first component as a host too (repository paths are lowercase)
    component !== component.toLowerCase()
  );
}

function checkHost(input: string, host: string): void {
  let name = host;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) fail(input, `unterminated IPv6 address in "${host}"`);
    name = host.slice(1, close);
    const rest = host.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) fail(input, `unexpected "${rest}" after IPv6 address`);
    port = rest ? rest.slice(1) : undefined;
    if (!/^[0-9a-fA-F:.]+$/.test(name)) fail(input, `"${name}" is not an IPv6 address`);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    if (!name.split('.').every((label) => HOST_LABEL.test(label)))
      fail(input, `"${name}" is not a valid host name`);
  }
  if (port !== undefined && (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535 || Number(port) === 0)) {
    fail(input, `"${port}" is not a valid port`);
  }
}

/** Parses `[registry[:port]/]repo/path[:tag][@sha256:digest]`; throws `ImageError('invalid')`. */
export function parseReference(input: string): ImageReference {
  const text = input.trim();
  if (text === '') fail(input, 'empty');
  if (/\s/.test(text)) fail(input, 'contains whitespace');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) fail(input, 'leave out the URL scheme (write host/repo:tag)');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) {
      const lowered = digest.toLowerCase();
      fail(
        input,
        isDigest(lowered)
          ? 'digest hex must be lowercase'
          : 'digest must be sha256:<64 hex> (or sha512:<128 hex>)',
      );
    }
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/') && !rest.slice(lastColon).includes(']')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) fail(input, `tag "${tag}" must be 1-128 of [A-Za-z0-9_.-], not starting with . or -`);
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeHost(parts[0]!)) {
    registry = parts.shift()!;
    checkHost(input, registry);
  }
  if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');

  const repository = parts.join('/');
  if (repository === '' || parts.some((p) => p === '')) fail(input, 'empty repository path component');
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      fail(
        input,
        COMPONENT.test(part.toLowerCase())
          ? `repository name must be lowercase ("${part}")`
          : `repository component "${part}" may hold only a-z, 0-9 and single separators (. _ __ -)`,
      );
    }
  }
  const fullName = `${registry}/${repository}`;
  if (fullName.length > MAX_NAME) fail(input, `name longer than ${MAX_NAME} characters`);

  if (!tag && !digest) tag = 'latest';
  const reference: ImageReference = {
    registry,
    apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry,
    repository,
    ref: digest ?? tag!,
    display: `${fullName}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`,
  };
  if (tag) reference.tag = tag;
  if (digest) reference.digest = digest;
  return reference;
}

/** Host name of `host[:port]` without brackets or port, for loopback checks. */
export function hostName(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  const colon = hostPort.lastIndexOf(':');
  return colon >= 0 ? hostPort.slice(0, colon) : hostPort;
}

/** 127.0.0.0/8, ::1 and localhost: where plain http cannot be intercepted on the way. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name === '::1') return true;
  if (/^::ffff:127\./.test(name)) return true;
  const octets = name.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((o) => /^[0-9]{1,3}$/.test(o) && Number(o) < 256)
  );
}
