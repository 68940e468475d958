import { randomBytes, randomInt } from 'node:crypto';

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';
export const B64 = ALNUM + '+/';
export const B64URL = ALNUM + '-_';
export const BASE32_LOWER = LOWER + '234567';
export const BASE32_UPPER = UPPER + '234567';
export const BASE36 = LOWER + DIGITS;
export const BECH32_UPPER = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

function retry(make: () => string): string {
  for (;;) {
    const value = make();
    if (!looksLikePlaceholder(value)) return value;
  }
}

export function pick(alphabet: string, length: number): string {
  return retry(() => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
    return out;
  });
}

export function digits(length: number): string {
  return String(randomInt(1, 10)) + pick(DIGITS, length - 1);
}

export function uuid(): string {
  const h = randomBytes(16);
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const s = h.toString('hex');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function b64(bytes: number): string {
  return retry(() => randomBytes(bytes).toString('base64'));
}

export function b64url(bytes: number): string {
  return retry(() => randomBytes(bytes).toString('base64url'));
}

export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const PLACEHOLDER_WORDS = [
  'example',
  'xxxx',
  'placeholder',
  'changeme',
  'change_me',
  'redacted',
  'dummy',
  'sample',
  'your_',
  'your-',
  'test',
  'fake',
];

/**
 * Real issued secrets almost never contain these shapes by chance; a fabricated value that does
 * would measure the placeholder heuristics instead of the detector, so generation retries.
 */
export function looksLikePlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.some((w) => lower.includes(w))) return true;
  let run = 1;
  let ascending = 1;
  for (let i = 1; i < value.length; i++) {
    const prev = value.charCodeAt(i - 1);
    const cur = value.charCodeAt(i);
    run = cur === prev ? run + 1 : 1;
    ascending = cur === prev + 1 && /[a-z0-9]/i.test(value[i] ?? '') ? ascending + 1 : 1;
    if (run >= 5 || ascending >= 5) return true;
  }
  return false;
}
