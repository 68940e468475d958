const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (`gh[pousr]_`) and npm (`npm_`) tokens end with a 6-character base62 CRC32 of the 30
 * random characters before it. A token whose checksum fails was never issued.
 */
export function hasValidCrc32Suffix(token: string, prefix: string): boolean {
  const body = token.slice(prefix.length);
  if (body.length !== 36) return false;
  const random = body.slice(0, 30);
  return base62(crc32(random), 6) === body.slice(30);
}

/** Appends the checksum; used to fabricate valid examples and test data. */
export function withCrc32Suffix(prefix: string, random30: string): string {
  return prefix + random30 + base62(crc32(random30), 6);
}

function base64UrlDecode(part: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  return Buffer.from(part, 'base64url');
}

function parseJsonObject(buf: Buffer | undefined): Record<string, unknown> | undefined {
  if (!buf) return undefined;
  try {
    const value: unknown = JSON.parse(buf.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JWS compact token whose header is JSON with an `alg` and whose payload is a JSON object. */
export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = parseJsonObject(base64UrlDecode(parts[0] ?? ''));
  const payload = parseJsonObject(base64UrlDecode(parts[1] ?? ''));
  if (!header || !payload || typeof header['alg'] !== 'string') return undefined;
  return { header, payload };
}

export function isJwt(token: string): boolean {
  const jwt = decodeJwt(token);
  // `alg: none` tokens carry no signature and grant nothing on their own.
  return jwt !== undefined && String(jwt.header['alg']).toLowerCase() !== 'none';
}

/**
 * The base64 body of a PEM private key must decode to DER (an ASN.1 SEQUENCE, 0x30) or, for
 * OpenSSH keys, to the `openssh-key-v1\0` magic; PGP armour decodes to a packet with the high bit set.
 */
export function hasPlausiblePemBody(block: string): boolean {
  const lines = block.split(/\r?\n/);
  const body = lines
    .filter((l) => !l.startsWith('-----') && !/^[A-Za-z-]+:/.test(l) && !l.startsWith('='))
    .map((l) => l.trim().replace(/\\n$/, ''))
    .join('')
    .replace(/\\n/g, '')
    .replace(/["',+\s]/g, '');
  if (body.length < 40 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
  const der = Buffer.from(body, 'base64');
  if (der.length < 30) return false;
  if (der.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0') return true;
  if (/BEGIN PGP/.test(block)) return ((der[0] ?? 0) & 0x80) !== 0;
  return der[0] === 0x30;
}

/** Luhn check for card-like numbers. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
