/**
 * Issuer keys, fetched once: every provider of a step verifies its token against the same JWKS, so
 * one `JwksCache` (per step, made by obtainCredentials) serves them all. With a directory it also
 * keeps the keys on disk between steps and jobs on the same runner, for as long as the issuer's
 * `Cache-Control: max-age` allows. Only public keys are stored; a stale entry costs one refetch.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { JsonWebKey } from 'node:crypto';
import { join } from 'node:path';

export interface Jwk extends JsonWebKey {
  kid?: string;
  alg?: string;
  use?: string;
}

export interface IssuerKeys {
  jwksUri: string;
  keys: Jwk[];
}

export interface CachedKeys extends IssuerKeys {
  /** Epoch ms after which the entry is not used. */
  expiresAt: number;
}

export interface JwksCacheOptions {
  /** Keep entries as JSON files here too (created 0700); absent: in memory only. */
  dir?: string;
  /** Epoch ms; injectable for TTL tests. */
  now?: () => number;
  /** When the issuer sends no max-age. Default 300 s. */
  defaultTtlSeconds?: number;
  /** Upper bound whatever the issuer says. Default 1 day. */
  maxTtlSeconds?: number;
}

/**
 * Seconds an answer may be reused: `max-age` (or `s-maxage`) from Cache-Control; `no-store`,
 * `no-cache` and `private` mean 0 on disk; undefined when the header says nothing.
 */
export function cacheSeconds(cacheControl: string | null | undefined): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return 0;
  const age = directives.map((d) => /^(?:s-maxage|max-age)=(\d+)$/.exec(d)?.[1]).find((v) => v !== undefined);
  return age === undefined ? undefined : Number(age);
}

const fileName = (issuer: string): string => `${createHash('sha256').update(issuer).digest('hex')}.json`;

export class JwksCache {
  private readonly memory = new Map<string, CachedKeys>();
  private readonly now: () => number;

  constructor(private readonly options: JwksCacheOptions = {}) {
    this.now = options.now ?? (() => Date.now());
  }

  /** Fresh keys of `issuer` from memory, else from disk; undefined when absent or expired. */
  async get(issuer: string): Promise<IssuerKeys | undefined> {
    const inMemory = this.memory.get(issuer);
    if (inMemory && inMemory.expiresAt > this.now()) return inMemory;
    const onDisk = await this.read(issuer);
    if (onDisk) this.memory.set(issuer, onDisk);
    return onDisk;
  }

  /**
   * Stores keys for `ttlSeconds` (the issuer's max-age, else the default, capped). In memory they
   * are kept at least for the default TTL even when the issuer forbids storing: that is the same
   * step verifying several tokens, not a cache between runs; the disk honours `no-store`.
   */
  async set(issuer: string, keys: IssuerKeys, ttlSeconds: number | undefined): Promise<void> {
    const fallback = this.options.defaultTtlSeconds ?? 300;
    const cap = this.options.maxTtlSeconds ?? 86_400;
    const ttl = Math.min(ttlSeconds ?? fallback, cap);
    const now = this.now();
    const inMemory = ttl > 0 ? ttl : Math.min(fallback, cap);
    this.memory.set(issuer, { ...keys, expiresAt: now + inMemory * 1000 });
    if (this.options.dir === undefined || ttl <= 0) return;
    const entry = { issuer, jwksUri: keys.jwksUri, keys: keys.keys, expiresAt: now + ttl * 1000 };
    try {
      await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
      const path = join(this.options.dir, fileName(issuer));
      // Written aside then renamed: a concurrent reader sees the old entry or the new one, whole.
      const temp = `${path}.${process.pid}.${now}.tmp`;
      await writeFile(temp, JSON.stringify(entry), { mode: 0o600 });
      await rename(temp, path);
    } catch {
      // A cache that cannot be written only costs a fetch next time.
    }
  }

  private async read(issuer: string): Promise<CachedKeys | undefined> {
    if (this.options.dir === undefined) return undefined;
    try {
      const entry = JSON.parse(await readFile(join(this.options.dir, fileName(issuer)), 'utf8')) as Partial<
        CachedKeys & { issuer: string }
      >;
      if (
        entry.issuer !== issuer ||
        typeof entry.jwksUri !== 'string' ||
        !Array.isArray(entry.keys) ||
        typeof entry.expiresAt !== 'number' ||
        entry.expiresAt <= this.now()
      )
        return undefined;
      return { jwksUri: entry.jwksUri, keys: entry.keys, expiresAt: entry.expiresAt };
    } catch {
      return undefined;
    }
  }
}
