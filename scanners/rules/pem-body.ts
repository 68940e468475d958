import { hasPlausiblePemBody } from '../engine/validators.js';

/**
 * Structural checks for armoured private keys. Keys are pasted into many containers — YAML block
 * scalars, JSON strings with `\n` escapes, string concatenations in code, comments — so the block is
 * first reduced to its bare lines; then the decoded body must have the exact structure the label
 * promises. A body that is truncated, elided (`...`) or made up fails here, because a real key's
 * DER length field matches its decoded size.
 */

/** Reduces an embedded block to plain PEM lines (real newlines, no quotes, indentation or `+`). */
export function normalizeArmour(block: string): string {
  return block
    .replace(/(?:\\+r)?\\+n/g, '\n')
    .split(/\r?\n/)
    .map((line) =>
      line
        .trim()
        .replace(/^(?:(?:#|\*|\/\/|;)\s|["'`])+/, '')
        // A closing quote and what follows it (`" +`, `",`, `');`), or a shell continuation; `+` is
        // also a base64 character, so it is only dropped after a quote.
        .replace(/["'`][\s+,;)\\]*$/, '')
        .replace(/\s+\\$/, '')
        .trim(),
    )
    .filter((line) => line.length > 0 && !/^[+,;)\\]+$/.test(line))
    .join('\n');
}

/** Decoded armour body, or undefined when any body line is not base64. */
export function armourBody(normalized: string): Buffer | undefined {
  const lines = normalized.split('\n').filter((l) => !l.startsWith('-----'));
  const body: string[] = [];
  for (const line of lines) {
    if (/^[A-Za-z][A-Za-z0-9-]*: /.test(line)) continue; // armour headers (Proc-Type, Version, Comment)
    if (/^=[A-Za-z0-9+/]{4}$/.test(line)) continue; // OpenPGP CRC24 checksum line
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(line)) return undefined;
    body.push(line);
  }
  const text = body.join('');
  if (text.length < 40 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

/** Length of the DER element starting at `offset`, header included; undefined if malformed. */
export function derElementLength(der: Buffer, offset = 0): number | undefined {
  const first = der[offset + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 3 || offset + 2 + octets > der.length) return undefined;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (der[offset + 2 + i] as number);
  return 2 + octets + length;
}

/** A DER SEQUENCE that spans exactly the decoded bytes. */
function isWholeSequence(der: Buffer): boolean {
  return der[0] === 0x30 && derElementLength(der) === der.length;
}

function contentOffset(der: Buffer): number {
  const first = der[1] ?? 0;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

/** SEQUENCE { INTEGER version, ... } with the version in `versions`. */
function startsWithVersion(der: Buffer, versions: number[]): boolean {
  const at = contentOffset(der);
  return der[at] === 0x02 && der[at + 1] === 0x01 && versions.includes(der[at + 2] ?? -1);
}

export type PemKind = 'pkcs1' | 'sec1' | 'dsa' | 'pkcs8' | 'pkcs8-encrypted' | 'legacy-encrypted';

const VERSIONS: Record<'pkcs1' | 'sec1' | 'dsa' | 'pkcs8', number[]> = {
  pkcs1: [0, 1],
  sec1: [1],
  dsa: [0],
  pkcs8: [0, 1],
};

export function isLegacyEncrypted(normalized: string): boolean {
  return /^Proc-Type: *4, *ENCRYPTED$/m.test(normalized);
}

/** True when the block is a structurally valid key of `kind`. */
export function hasKeyStructure(block: string, kind: PemKind): boolean {
  const normalized = normalizeArmour(block);
  if (!hasPlausiblePemBody(normalized) && kind !== 'legacy-encrypted') return false;
  const der = armourBody(normalized);
  if (!der) return false;
  const encrypted = isLegacyEncrypted(normalized);
  if (kind === 'legacy-encrypted') {
    // CBC ciphertext: whole blocks of 8 (DES) or 16 (AES) bytes, no DER structure visible.
    return encrypted && /^DEK-Info: *[A-Z0-9-]+, *[0-9A-F]{16,32}$/m.test(normalized) && der.length % 8 === 0;
  }
  if (encrypted || !isWholeSequence(der)) return false;
  if (kind === 'pkcs8-encrypted') return der[contentOffset(der)] === 0x30;
  return startsWithVersion(der, VERSIONS[kind]);
}

const OPENSSH_MAGIC = 'openssh-key-v1\0';

/** Cipher name of an `openssh-key-v1` body (`none` when unencrypted), or undefined if not one. */
export function opensshCipher(block: string): string | undefined {
  const der = armourBody(normalizeArmour(block));
  if (!der || der.subarray(0, OPENSSH_MAGIC.length).toString('latin1') !== OPENSSH_MAGIC) return undefined;
  const at = OPENSSH_MAGIC.length;
  if (der.length < at + 4) return undefined;
  const length = der.readUInt32BE(at);
  if (length === 0 || length > 64 || der.length < at + 4 + length + 64) return undefined;
  const name = der.subarray(at + 4, at + 4 + length).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(name) ? name : undefined;
}

/** OpenPGP armour whose first packet is a secret-key packet (tag 5), old or new packet format. */
export function isPgpSecretKey(block: string): boolean {
  const der = armourBody(normalizeArmour(block));
  const first = der?.[0];
  if (first === undefined || (der?.length ?? 0) < 60) return false;
  if ((first & 0xc0) === 0xc0) return (first & 0x3f) === 5;
  return (first & 0x80) !== 0 && ((first >> 2) & 0x0f) === 5;
}

/**
 * PuTTY `.ppk` (v2/v3): the declared number of private lines follows `Private-Lines:` and decodes
 * to at least one SSH wire-format string; `Encryption:` tells whether a passphrase protects it.
 */
export function puttyKey(block: string): { encrypted: boolean } | undefined {
  const lines = block.split(/\r?\n/).map((l) => l.trim());
  const encryption = lines
    .find((l) => l.startsWith('Encryption:'))
    ?.slice(11)
    .trim();
  const index = lines.findIndex((l) => /^Private-Lines: *\d+$/.test(l));
  if (!encryption || index < 0) return undefined;
  const count = Number(lines[index]?.slice(14).trim());
  const body = lines.slice(index + 1, index + 1 + count);
  if (count < 1 || body.length !== count || !body.every((l) => /^[A-Za-z0-9+/]+={0,2}$/.test(l))) {
    return undefined;
  }
  const blob = Buffer.from(body.join(''), 'base64');
  if (blob.length < 16) return undefined;
  if (encryption === 'none' && blob.readUInt32BE(0) + 4 > blob.length) return undefined;
  return { encrypted: encryption !== 'none' };
}
