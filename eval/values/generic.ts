import { randomBytes, randomInt } from 'node:crypto';
import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { ALNUM, B64URL, DIGITS, HEX, LOWER, UPPER, b64, b64json, b64url, pick } from './random.js';
import { intArg, type PositiveSpec } from './spec.js';

/** Characters a password may contain in each container without quoting trouble. */
const PASSWORD_SETS: Record<string, string> = {
  default: ALNUM + '!#%^*-_=+.',
  url: ALNUM + '-_.~!*',
  shell: ALNUM + '%+=,._-',
  xml: ALNUM + '!#%*+-_=.,;',
  alnum: ALNUM,
};

const WORDS = [
  'Tangerine',
  'Harbor',
  'Copper',
  'Falcon',
  'Meadow',
  'Granite',
  'Lantern',
  'Velvet',
  'Orchid',
  'Saffron',
  'Glacier',
  'Juniper',
  'Marble',
  'Quartz',
  'Thistle',
  'Walnut',
  'Cobalt',
  'Ember',
  'Willow',
  'Breeze',
];

function password(arg: string | undefined): string {
  const [setArg, len] = (arg ?? '').split(',');
  const set = setArg || 'default';
  if (set === 'human') {
    // The kind of password people actually type: two words, digits, a symbol.
    const w = () => WORDS[randomInt(WORDS.length)] ?? 'Harbor';
    return `${w()}${pick('-_.', 1)}${w()}${pick(DIGITS, 2)}${pick('!#%*', 1)}`;
  }
  const alphabet = PASSWORD_SETS[set];
  if (!alphabet) throw new Error(`unknown password charset "${set}"`);
  const length = intArg(len, 12 + randomInt(9));
  // YAML and shells misread a leading symbol; real generators rarely emit one at position 0 anyway.
  return pick(ALNUM, 1) + pick(alphabet, length - 1);
}

function jwt(arg: string | undefined): string {
  const now = 1700000000 + randomInt(50_000_000);
  const variant = arg ?? 'hs256';
  let header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' };
  let payload: Record<string, unknown>;
  let signatureBytes = 32;
  if (variant === 'rs256') {
    header = { alg: 'RS256', typ: 'JWT', kid: pick(B64URL, 27) };
    payload = {
      iss: 'https://auth.acme-corp.io/',
      sub: `auth0|${pick(HEX, 24)}`,
      aud: ['https://api.acme-corp.io', 'https://acme-corp.eu.auth0.com/userinfo'],
      iat: now,
      exp: now + 86400,
      scope: 'openid profile email read:orders write:orders',
    };
    signatureBytes = 256;
  } else if (variant === 'k8s') {
    header = { alg: 'RS256', kid: pick(B64URL, 43) };
    payload = {
      aud: ['https://kubernetes.default.svc.cluster.local'],
      exp: now + 31536000,
      iat: now,
      iss: 'https://kubernetes.default.svc.cluster.local',
      'kubernetes.io': {
        namespace: 'payments',
        serviceaccount: {
          name: 'deployer',
          uid: `${pick(HEX, 8)}-${pick(HEX, 4)}-4${pick(HEX, 3)}-a${pick(HEX, 3)}-${pick(HEX, 12)}`,
        },
      },
      sub: 'system:serviceaccount:payments:deployer',
    };
    signatureBytes = 256;
  } else if (variant === 'supabase-service') {
    payload = { iss: 'supabase', ref: pick(LOWER, 20), role: 'service_role', iat: now, exp: now + 315360000 };
  } else if (variant === 'hs256') {
    payload = {
      sub: String(randomInt(10000, 999999)),
      email: `${pick(LOWER, 7)}@acme-corp.io`,
      role: 'admin',
      iat: now,
      exp: now + 3600,
    };
  } else {
    throw new Error(`unknown jwt variant "${variant}"`);
  }
  return `${b64json(header)}.${b64json(payload)}.${b64url(signatureBytes)}`;
}

const WP_SALT = ALNUM + '!#$%&()*+,-./:;<=>?@[]^_{|}~';

/** Generic credentials: passwords, signing keys, framework secrets, JWTs. */
export const generic: Record<string, PositiveSpec> = {
  password: { kind: 'password', title: 'Password', make: password },
  hex: { kind: 'generic-secret', title: 'Hex-encoded secret', make: (a) => pick(HEX, intArg(a, 32)) },
  alnum: {
    kind: 'generic-secret',
    title: 'Random alphanumeric secret',
    make: (a) => pick(ALNUM, intArg(a, 32)),
  },
  b64: { kind: 'generic-secret', title: 'Base64 secret', make: (a) => b64(intArg(a, 32)) },
  b64url: { kind: 'generic-secret', title: 'Base64url secret', make: (a) => b64url(intArg(a, 32)) },
  'b64-password': {
    kind: 'kubernetes-secret-data',
    title: 'Base64-encoded password (Kubernetes Secret data)',
    make: (a) => Buffer.from(password(a)).toString('base64'),
  },
  'basic-b64': {
    kind: 'basic-auth-credentials',
    title: 'Base64 user:password credentials',
    make: (a) => Buffer.from(`${a ?? 'deploy'}:${password('url')}`).toString('base64'),
  },
  dockerconfigjson: {
    kind: 'docker-config-auth',
    title: 'Base64 .dockerconfigjson with registry credentials',
    make: (a) => {
      const auth = Buffer.from(`${a ?? 'acme-bot'}:${withCrc32Suffix('ghp_', pick(ALNUM, 30))}`).toString(
        'base64',
      );
      const json = { auths: { 'ghcr.io': { username: a ?? 'acme-bot', auth } } };
      return Buffer.from(JSON.stringify(json)).toString('base64');
    },
  },
  jwt: { kind: 'jwt', title: 'Signed JSON Web Token', make: jwt },
  'django-key': {
    kind: 'django-secret-key',
    title: 'Django SECRET_KEY',
    make: (a) => (a === 'insecure' ? 'django-insecure-' : '') + pick(LOWER + DIGITS + '!@#%^&*(-_=+)', 50),
  },
  'laravel-key': { kind: 'laravel-app-key', title: 'Laravel APP_KEY', make: () => `base64:${b64(32)}` },
  'wp-salt': {
    kind: 'wordpress-salt',
    title: 'WordPress authentication salt',
    make: () => pick(WP_SALT, 64),
  },
  'rails-master': { kind: 'rails-master-key', title: 'Rails master key', make: () => pick(HEX, 32) },
  'secret-key-base': {
    kind: 'rails-secret-key-base',
    title: 'Rails secret_key_base',
    make: () => pick(HEX, 128),
  },
  'flask-key': {
    kind: 'flask-secret-key',
    title: 'Flask SECRET_KEY',
    make: () => randomBytes(24).toString('hex'),
  },
  'session-secret': {
    kind: 'session-secret',
    title: 'Cookie/session signing secret',
    make: () => pick(ALNUM + '-_', 48),
  },
  'jwt-secret': { kind: 'jwt-signing-secret', title: 'JWT HMAC signing secret', make: () => b64(48) },
  'encryption-key': {
    kind: 'encryption-key',
    title: 'Symmetric encryption key',
    make: (a) => (a === 'hex' ? pick(HEX, 64) : b64(32)),
  },
  'api-key': {
    kind: 'generic-api-key',
    title: 'Unprefixed API key',
    make: (a) => pick(ALNUM, intArg(a, 32)),
  },
  'webhook-secret': { kind: 'webhook-secret', title: 'Webhook HMAC secret', make: () => pick(HEX, 40) },
  'upper-alnum': {
    kind: 'generic-secret',
    title: 'Upper-case alphanumeric secret',
    make: (a) => pick(UPPER + DIGITS, intArg(a, 20)),
  },
};
