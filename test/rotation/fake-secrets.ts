import { randomBytes } from 'node:crypto';

import { withCrc32Suffix } from '../../scanners/engine/validators.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 text: fresh per test run, so no real or placeholder-looking value is ever used. */
export function base62(length: number): string {
  return [...randomBytes(length)].map((b) => BASE62[b % 62]).join('');
}

/** A GitHub classic token with a valid checksum (the scanner rejects bad ones). Fake: never issued. */
export function fakeGithubToken(): string {
  return withCrc32Suffix('ghp_', base62(30));
}

export function fakeStripeKey(): string {
  return `sk_live_${base62(32)}`;
}
