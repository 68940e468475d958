import type { Rng } from './prng.js';

function words(list: string): readonly string[] {
  return list.split(' ');
}

/**
 * Words real repositories are made of. The security-flavoured ones (token, password, key, secret, auth,
 * credential...) are frequent on purpose: in real code they mostly name things rather than hold secrets,
 * and they are exactly what a keyword prefilter reacts to, so a corpus without them would flatter it.
 */
export const NOUNS = words(
  'user account session request response handler service client server cache query record item ' +
    'order invoice payment customer product event message queue job task worker config settings ' +
    'options context state store model view route router page form field value entry index list map ' +
    'node tree file path stream buffer chunk batch result error status report metric logger tracer ' +
    'span header body payload schema table column row token password key secret auth credential ' +
    'permission role policy scope api endpoint url host port timeout retry limit offset cursor page ' +
    'signature hash digest cert tls cipher nonce salt login oauth jwt webhook bucket region cluster ' +
    'tenant project team member invite audit',
);

export const VERBS = words(
  'get set load save fetch create update delete parse format validate build resolve render handle ' +
    'process refresh rotate verify sign encode decode read write find list apply merge compute ' +
    'check normalize emit',
);

export const ADJECTIVES = words(
  'default current cached pending active expired remote local raw next previous max min new old ' +
    'public private internal shared primary',
);

export const PROSE = words(
  'the a this that when if we it is are be to of in for on with and or not only each every after ' +
    'before so because returns uses stores keeps reads calls needs may must should never once token ' +
    'password key secret auth config credentials environment variable request user server client ' +
    'file value cache default error retry timeout',
);

export const PROJECT_WORDS = words(
  'atlas beacon cobalt delta ember falcon garnet harbor iris juniper kestrel lumen meridian ' +
    'nimbus onyx pylon quartz relay sierra tundra umber vector willow xenon yarrow zephyr',
);

export const NPM_PACKAGES = words(
  'react react-dom lodash express axios chalk commander debug dotenv jsonwebtoken bcrypt passport ' +
    'passport-jwt cookie-parser helmet cors uuid zod yup pg mysql2 redis ioredis mongoose typeorm ' +
    'prisma winston pino semver glob minimatch rimraf mkdirp ws socket.io graphql apollo-server ' +
    'next vite webpack babel-loader eslint prettier jest mocha chai sinon supertest typescript ' +
    'tslib rxjs date-fns moment qs body-parser multer sharp node-fetch undici yaml',
);

export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** camelCase identifier of 1-3 words, e.g. `refreshToken`, `passwordHash`, `cachedAuthConfig`. */
export function camel(rng: Rng): string {
  const n = rng.int(1, 3);
  let out = n === 3 ? rng.pick(ADJECTIVES) : rng.pick(NOUNS);
  for (let i = 1; i < n; i++) out += capitalize(rng.pick(NOUNS));
  return out;
}

export function pascal(rng: Rng): string {
  return capitalize(camel(rng));
}

export function snake(rng: Rng): string {
  const n = rng.int(1, 3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(NOUNS));
  return parts.join('_');
}

export function upperSnake(rng: Rng): string {
  return snake(rng).toUpperCase();
}

export function kebab(rng: Rng): string {
  return `${rng.pick(NOUNS)}-${rng.pick(NOUNS)}`;
}

export function fnName(rng: Rng): string {
  return rng.pick(VERBS) + capitalize(rng.pick(NOUNS)) + (rng.chance(0.4) ? capitalize(rng.pick(NOUNS)) : '');
}

export function sentence(rng: Rng, min = 6, max = 18): string {
  const n = rng.int(min, max);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(PROSE));
  const text = words.join(' ');
  return capitalize(text) + '.';
}

export function version(rng: Rng): string {
  return `${rng.int(0, 12)}.${rng.int(0, 30)}.${rng.int(0, 40)}`;
}

export function hostname(rng: Rng): string {
  return `${rng.pick(NOUNS)}-${rng.pick(PROJECT_WORDS)}.${rng.pick(['internal', 'svc.cluster.local', 'acme.io', 'corp.acme.net'])}`;
}

export function isoDate(rng: Rng): string {
  const ms = Date.UTC(2023, 0, 1) + rng.int(0, 700 * 86400) * 1000 + rng.int(0, 999);
  return new Date(ms).toISOString();
}

/** Appends blocks from `make` until the text reaches `target` characters. */
export function fill(target: number, make: () => string, head = '', tail = ''): string {
  const parts: string[] = [head];
  let size = head.length + tail.length;
  while (size < target) {
    const block = make();
    parts.push(block);
    size += block.length;
  }
  parts.push(tail);
  return parts.join('');
}
