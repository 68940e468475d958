import { withCrc32Suffix } from '../scanners/engine/validators.js';
import { ALNUM, BASE32, DIGITS, type Rng } from './prng.js';
import { hostname, upperSnake } from './vocab.js';

/**
 * Fabricated credentials planted in the corpus so that a scan exercises the whole detection path
 * (pattern, entropy, validators, reporting) and not only the keyword prefilter. Every value is made
 * from the seeded generator: random-looking, documented shapes, never issued by anyone.
 */

export type Syntax = 'code' | 'yaml' | 'env' | 'json' | 'inline';

export interface Planted {
  /** Generator name, for the manifest's tally. */
  kind: string;
  /** The text to insert, without trailing newline. */
  text: string;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const AWS_SECRET = ALNUM + '/+';
const PLACEHOLDER_WORDS = [
  'example',
  'xxxx',
  'placeholder',
  'changeme',
  'redacted',
  'dummy',
  'sample',
  'test',
];

/** True for values the engine would treat as placeholders: such a plant would measure nothing. */
function looksPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.some((w) => lower.includes(w))) return true;
  let run = 1;
  let ascending = 1;
  for (let i = 1; i < value.length; i++) {
    const prev = value.charCodeAt(i - 1);
    const cur = value.charCodeAt(i);
    run = cur === prev ? run + 1 : 1;
    ascending = cur === prev + 1 ? ascending + 1 : 1;
    if (run >= 5 || ascending >= 5) return true;
  }
  return false;
}

function random(rng: Rng, alphabet: string, length: number): string {
  for (;;) {
    const value = rng.chars(alphabet, length);
    if (!looksPlaceholder(value)) return value;
  }
}

function assign(syntax: Syntax, name: string, value: string): string {
  switch (syntax) {
    case 'code':
      return `const ${name.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())} = '${value}';`;
    case 'yaml':
      return `${name.toLowerCase()}: "${value}"`;
    case 'json':
      return `"${name.toLowerCase()}": "${value}",`;
    case 'inline':
      return `${name}="${value}";`;
    default:
      return `${name}=${value}`;
  }
}

type Maker = (rng: Rng, syntax: Syntax) => string;

const MAKERS: Record<string, Maker> = {
  'github-pat': (rng, s) => assign(s, 'GITHUB_TOKEN', withCrc32Suffix('ghp_', random(rng, ALNUM, 30))),
  'npm-token': (rng, s) => assign(s, 'NPM_TOKEN', withCrc32Suffix('npm_', random(rng, ALNUM, 30))),
  'aws-key-pair': (rng, s) => {
    const id = assign(s, 'AWS_ACCESS_KEY_ID', 'AKIA' + random(rng, BASE32, 16));
    const secret = assign(s, 'AWS_SECRET_ACCESS_KEY', random(rng, AWS_SECRET, 40));
    return s === 'inline' ? id + secret : `${id}\n${secret}`;
  },
  'slack-bot-token': (rng, s) =>
    assign(
      s,
      'SLACK_BOT_TOKEN',
      `xoxb-${rng.int(1, 9)}${random(rng, DIGITS, 11)}-${rng.int(1, 9)}${random(rng, DIGITS, 12)}-${random(rng, ALNUM, 24)}`,
    ),
  'slack-webhook': (rng, s) =>
    assign(
      s,
      'SLACK_WEBHOOK_URL',
      `https://hooks.slack.com/services/T${random(rng, UPPER_ALNUM, 10)}/B${random(rng, UPPER_ALNUM, 10)}/${random(rng, ALNUM, 24)}`,
    ),
  'postgres-url': (rng, s) =>
    assign(
      s,
      'DATABASE_URL',
      `postgres://svc_${upperSnake(rng).toLowerCase()}:${random(rng, ALNUM, 18)}@${hostname(rng)}:5432/app`,
    ),
  'gitlab-pat': (rng, s) => assign(s, 'GITLAB_TOKEN', `glpat-${random(rng, ALNUM + '_-', 20)}`),
  'stripe-live-key': (rng, s) => assign(s, 'STRIPE_SECRET_KEY', `sk_live_${random(rng, ALNUM, 99)}`),
  'password-assignment': (rng, s) => assign(s, 'DB_PASSWORD', random(rng, ALNUM + '!#%^*', 20)),
  'jwt-like': (rng, s) => {
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ sub: String(rng.int(1000, 999999)), iat: 1700000000 + rng.int(0, 9e6) }),
    ).toString('base64url');
    return assign(s, 'SESSION_JWT', `${header}.${body}.${rng.bytes(32).toString('base64url')}`);
  },
};

export const PLANT_KINDS = Object.keys(MAKERS);

export function plant(rng: Rng, syntax: Syntax): Planted {
  const kind = rng.pick(PLANT_KINDS);
  return { kind, text: (MAKERS[kind] as Maker)(rng, syntax) };
}

/** Inserts `text` at a line boundary (or, in single-line files, after a `;`) chosen by `rng`. */
export function insertAt(rng: Rng, content: string, text: string, syntax: Syntax): string {
  const sep = syntax === 'inline' ? ';' : '\n';
  const at = content.indexOf(sep, rng.int(0, Math.max(0, content.length - 1)));
  if (at < 0) return syntax === 'inline' ? content + text : `${content}\n${text}\n`;
  return content.slice(0, at + 1) + text + (syntax === 'inline' ? '' : '\n') + content.slice(at + 1);
}

/** A PNG-, font- or archive-like binary: a real signature, then bytes with NULs in the first 8 KiB. */
export function binary(rng: Rng, size: number, ext: string): Buffer {
  const signatures: Record<string, number[]> = {
    png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52],
    woff2: [0x77, 0x4f, 0x46, 0x32, 0, 1, 0, 0],
    jar: [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x08, 0, 0x08, 0],
  };
  const head = Buffer.from(signatures[ext] ?? signatures['png'] ?? []);
  const body = rng.bytes(Math.max(0, size - head.length));
  // Compressed image data has NULs scattered all through; make sure the sniff window sees some.
  for (let i = 7; i < Math.min(body.length, 8192); i += 997) body[i] = 0;
  return Buffer.concat([head, body]);
}
