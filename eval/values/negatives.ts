import { createHash, randomBytes } from 'node:crypto';
import { hasValidCrc32Suffix } from '../../scanners/engine/validators.js';
import {
  ALNUM,
  B64,
  BECH32_UPPER,
  B64URL,
  DIGITS,
  HEX,
  LOWER,
  UPPER,
  b64,
  b64json,
  b64url,
  digits,
  pick,
  uuid,
} from './random.js';
import { publicMaterial } from './pem.js';
import { intArg, type NegativeMaker } from './spec.js';

function badCrc(prefix: string): string {
  for (;;) {
    const token = prefix + pick(ALNUM, 36);
    if (!hasValidCrc32Suffix(token, prefix)) return token;
  }
}

const BCRYPT_B64 = './' + ALNUM;

/** Values that look secret-ish but are not credentials (or are public by design). Never labelled. */
export const negatives: Record<string, NegativeMaker> = {
  ...publicMaterial,
  'gh-badcrc': (arg) => badCrc(arg ?? 'ghp_'),
  'npm-badcrc': () => badCrc('npm_'),
  sha1: () => pick(HEX, 40),
  'short-sha': () => pick(HEX, 7),
  sha256: () => pick(HEX, 64),
  md5: () => pick(HEX, 32),
  'sha512-integrity': () => `sha512-${randomBytes(64).toString('base64')}`,
  'sha1-integrity': () => `sha1-${randomBytes(20).toString('base64')}`,
  'sha256-integrity': () => `sha256-${randomBytes(32).toString('base64')}`,
  'sha384-integrity': () => `sha384-${randomBytes(48).toString('base64')}`,
  'go-sum': () => `h1:${randomBytes(32).toString('base64')}`,
  digest: () => `sha256:${pick(HEX, 64)}`,
  uuid: () => uuid(),
  bcrypt: (arg) => `$2b$${arg ?? '12'}$${pick(BCRYPT_B64, 53)}`,
  argon2: () => `$argon2id$v=19$m=65536,t=3,p=4$${b64(16).replace(/=+$/, '')}$${b64(32).replace(/=+$/, '')}`,
  'pbkdf2-django': () => `pbkdf2_sha256$600000$${pick(ALNUM, 22)}$${b64(32)}`,
  'stripe-pk': (arg) => `pk_${arg ?? 'live'}_51${pick(ALNUM, 97)}`,
  'mapbox-pk': () => `pk.${b64json({ u: 'acme-maps', a: pick(LOWER + DIGITS, 25) })}.${pick(B64URL, 22)}`,
  'sentry-dsn': () => `https://${pick(HEX, 32)}@o${digits(6)}.ingest.sentry.io/${digits(7)}`,
  'twilio-sid': () => `AC${pick(HEX, 32)}`,
  'google-client-id': () => `${digits(12)}-${pick(LOWER + DIGITS, 32)}.apps.googleusercontent.com`,
  'jwt-anon': () => {
    const now = 1700000000 + Number(pick(DIGITS, 6));
    const payload = { iss: 'supabase', ref: pick(LOWER, 20), role: 'anon', iat: now, exp: now + 315360000 };
    return `${b64json({ alg: 'HS256', typ: 'JWT' })}.${b64json(payload)}.${b64url(32)}`;
  },
  'jwt-none': () => `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json({ sub: digits(6), role: 'viewer' })}.`,
  'png-b64': (arg) => {
    // A PNG signature followed by noise: the shape of inlined images in bundles and notebooks.
    const header = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    return Buffer.concat([header, randomBytes(intArg(arg, 600))]).toString('base64');
  },
  'ansible-vault': () => {
    const hex = Buffer.from(`${pick(HEX, 64)}\n${pick(HEX, 64)}\n${pick(HEX, 160)}`).toString('hex');
    return hex.match(/.{1,80}/g)?.join('\n') ?? hex;
  },
  sops: () => `ENC[AES256_GCM,data:${b64(18)},iv:${b64(32)},tag:${b64(16)},type:str]`,
  'travis-secure': () => b64(256),
  'sealed-secret': () => `AgB${pick(B64, 700)}==`,
  hex: (arg) => pick(HEX, intArg(arg, 40)),
  b64: (arg) => b64(intArg(arg, 32)),
  alnum: (arg) => pick(ALNUM, intArg(arg, 32)),
  'upper-alnum': (arg) => pick(UPPER + DIGITS, intArg(arg, 10)),
  digits: (arg) => digits(intArg(arg, 12)),
  bech32: (arg) => pick(BECH32_UPPER.toLowerCase(), intArg(arg, 58)),
  'nonce-hash': (arg) =>
    createHash('sha256')
      .update(randomBytes(16))
      .digest(arg === 'b64' ? 'base64' : 'hex'),
};
