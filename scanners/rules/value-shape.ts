/**
 * Heuristics for values that are found only by their context (a password in a URL, a literal
 * assigned to `api_key`): is this a literal secret, or code, a type, a reference, a default?
 * Used by the connection-string, config-file and generic rules; the engine's own placeholder and
 * reference suppression runs afterwards.
 */

/** Passwords that are defaults or documentation, never worth a finding on their own. */
const TRIVIAL = new Set(
  (
    'password passwd pass pwd passw0rd p@ssw0rd p@ssword pa55word secret secrets changeit default ' +
    'root toor admin administrator admin123 guest user username test testing tester demo dev ' +
    'development local localhost docker qwerty letmein welcome mypassword mysecret secretpassword ' +
    'supersecret topsecret hunter2 foo bar baz foobar token apikey api_key key none null nil empty ' +
    'postgres postgresql mysql mariadb mongo mongodb redis rabbitmq rabbit amqp sa oracle ftp ' +
    'anonymous app application service pw pwd123 password1 password123 tiger manager ' +
    'change_on_install secret123 test123 root123 pass123'
  ).split(' '),
);

/** A default, a documentation value, or the user name repeated as the password. */
export function isTrivialPassword(password: string, user?: string): boolean {
  const lower = password.toLowerCase();
  if (TRIVIAL.has(lower)) return true;
  if (user !== undefined && user.length > 0 && lower === user.toLowerCase()) return true;
  // `{password}`, `[PASSWORD]`, `:password`, `__PASSWORD__`, `#{Password}#`, `@password@`
  if (/^(?:\{\w+\}|\[\w+\]|\(\w+\)|:\w+|__\w+__|#\{\w+\}#?|@\w+@|%\w+%)$/.test(password)) return true;
  return /^(\d)\1*$/.test(password) || /^[*x.]+$/i.test(password);
}

/**
 * References that resolve elsewhere at runtime: shell/env (`$X`, `%X%`), format strings (`%s`,
 * `{0}`, `{}`), Ansible/Helm/Azure DevOps/Octopus tokens (`{{`, `$(X)`, `#{X}`), Spring (`${x}`).
 */
export function isReference(value: string): boolean {
  return (
    /^\$\{?[A-Za-z_][\w.]*\}?$/.test(value) ||
    /^\$\(\w[\w.]*\)$/.test(value) ||
    /^%[A-Za-z_]\w*%$/.test(value) ||
    /^%[sdr]$|^%\(\w+\)[sdr]$|^\{\d*\}$|^\{\w+\}$/.test(value) ||
    /^#\{[^}]+\}#?$/.test(value) ||
    /\$\{|\{\{|\$\(|%\(|<%/.test(value)
  );
}

/** How many of lower case, upper case, digits and symbols the value uses. */
export function characterClasses(value: string): number {
  return (
    Number(/[a-z]/.test(value)) +
    Number(/[A-Z]/.test(value)) +
    Number(/[0-9]/.test(value)) +
    Number(/[^A-Za-z0-9]/.test(value))
  );
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Names rather than secrets: `camelCase`, `PascalCase`, `snake_case`, `CONSTANT_CASE`, `kebab-case`,
 * dotted paths (`config.db.password`), words with short numeric tails (`oauth2Token`, `user2`).
 * Random mixed-case strings (`kQvTzRwPmX`) split into many one- and two-letter parts instead.
 */
export function isIdentifierLike(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(value)) return false;
  const parts = value.split(/[_.-]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/).filter(Boolean);
  if (parts.length === 0 || !parts.every((p) => /^(?:[A-Za-z][a-z]*|[A-Z]+)\d{0,3}$/.test(p))) return false;
  const letters = value.replace(/[^A-Za-z]/g, '').length;
  // Words have vowels; `hjftvDwhzw` is a random run that happens to fit the camelCase grammar.
  const wordless = parts.some((p) => p.replace(/\d+$/, '').length >= 5 && !/[aeiouy]/i.test(p));
  return !wordless && letters / parts.length >= 3 && parts.filter((p) => p.length < 2).length <= 1;
}

/** Words the generic rules see after a key that denote a type, a keyword or a literal non-secret. */
const NON_VALUES = new Set(
  (
    'string str bytes byte char int integer number bool boolean object any unknown void true false ' +
    'yes no on off null nil none undefined required optional secretstr securestring sensitive text ' +
    'hidden password secret self this new await function lambda return static final const let var'
  ).split(' '),
);

export function isNonValue(value: string): boolean {
  return NON_VALUES.has(value.toLowerCase());
}

/** Code rather than a literal: calls, indexing, member access, operators, casts, arrays. */
export function looksLikeCode(value: string): boolean {
  return (
    /^[\w$]+(?:(?:\?\.|\.)[\w$]*)*\s*[([]/.test(value) ||
    // `cfg.Token`, `obj?.secret`, `self::$key`, `$this->password`, `os.environ[...]`: a path of
    // identifiers, maybe called or indexed. `Ember.Tangerine67!` is not one (it goes on after).
    // Segments are bounded: JWTs and dotted tokens have long random segments.
    /^[!&*@$]?[A-Za-z_$][\w$]{0,40}(?:(?:\?\.|\.|::|->)\$?[A-Za-z_$][\w$]{0,40})+(?:[([{].*)?$/.test(value) ||
    /^[!&*~]+[A-Za-z_$][\w$.]*$/.test(value) ||
    /^[A-Za-z_][\w]*\$\d+$/.test(value) ||
    /^[A-Za-z_$][\w$.]*</.test(value) ||
    /^(?:new|await|typeof|sizeof|function|lambda|fn|func)\b/.test(value)
  );
}

/** Percent-decoding that never throws on malformed input. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Hosts used only in documentation. */
export function isDocumentationHost(host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  return (
    /(?:^|\.)(?:example|invalid|test|localdomain)$/.test(h) ||
    /(?:^|\.)example\.(?:com|org|net)$/.test(h) ||
    /^(?:host|hostname|server|servername|myhost|yourhost|dbhost|db-host|domain|address|ip|host-name)$/.test(h)
  );
}

/** Loopback and single-label (compose service, Kubernetes short name) hosts: local development. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  return (
    h === 'localhost' ||
    h === '0.0.0.0' ||
    h.startsWith('127.') ||
    h === '[::1]' ||
    h === 'host.docker.internal' ||
    /^[a-z0-9_-]+$/.test(h)
  );
}

/** `invoices_v2,proration`, `read|write`: a list of names. */
function isNameList(value: string): boolean {
  return /[,;|]/.test(value) && value.split(/[,;|]+/).every((part) => part === '' || isIdentifierLike(part));
}

/** Stored password hashes and verifiers: not the password, and not usable to log in. */
export function isPasswordHash(value: string): boolean {
  return (
    /^\$(?:2[abxy]?|argon2(?:id|i|d)|apr1|1|5|6|y|gy|7|scrypt|pbkdf2(?:-sha\d+)?)\$/.test(value) ||
    /^(?:pbkdf2_sha\d+|bcrypt_sha256|argon2|scrypt)\$/.test(value) ||
    /^\{(?:SSHA|SHA|SHA256|SSHA256|SSHA512|MD5|SMD5|CRYPT|PBKDF2[\w-]*)\}/i.test(value) ||
    /^md5[0-9a-f]{32}$|^SCRAM-SHA-(?:1|256)\$/.test(value) ||
    /^\*[0-9A-F]{40}$/.test(value)
  );
}

/** Words of a dummy value: `test-password-123`, `my_secret_key`, `SuperSecret!`. */
const DUMMY_WORDS = new Set(
  (
    'test testing tests password passwd pass pwd secret secrets token key keys api dummy fake mock ' +
    'sample example demo default change changeme me placeholder foo bar baz qux my your some super top ' +
    'admin user local dev development value here the this not real none'
  ).split(' '),
);

/**
 * Text that is language or notation rather than a secret: translations (`Contraseña`), values made
 * only of dummy words and digits, regular expressions.
 */
function isProse(value: string): boolean {
  if (/[^\x00-\x7f]/.test(value) && /^[\p{L}\p{M}'’.:-]+$/u.test(value)) return true;
  const words = value.match(/[A-Za-z]{2,}/g) ?? [];
  if (words.length > 0 && words.every((w) => DUMMY_WORDS.has(w.toLowerCase()))) return true;
  return /\(\?[=!:<]|\\[dwsbDWS][+*?{]|\[[A-Za-z0-9]-[A-Za-z0-9]\]/.test(value);
}

/** The lower-cased word a weak password is built on (`Welcome1!` -> `welcome`). */
function stem(value: string): string {
  return value.replace(/[\d!@#$%^&*.?_-]+$/, '').toLowerCase();
}

/** Shapes no context makes a secret: references, code, names, hashes and prose. */
/** `./certs/app.pem`, `~/.aws/credentials`, `/etc/ssl/key.pem`: where a secret lives, not one. */
function isFilePath(value: string): boolean {
  return /^(?:~|\.{1,2})?\/?(?:[\w.-]{1,64}\/){1,20}[\w.-]{1,64}$/.test(value) && /^[~./]/.test(value);
}

function isNonSecretShape(value: string): boolean {
  return (
    isIdentifierLike(value) ||
    isFilePath(value) ||
    isNonValue(value) ||
    looksLikeCode(value) ||
    isReference(value) ||
    isNameList(value) ||
    isPasswordHash(value) ||
    isProse(value)
  );
}

/** A human-chosen password that is worth reporting: mixes character classes, not a word or default. */
export function isPasswordLike(value: string): boolean {
  if (value.length < 8 || value.length > 128 || /\s/.test(value)) return false;
  if (isTrivialPassword(value) || isTrivialPassword(stem(value)) || isNonSecretShape(value)) return false;
  const classes = characterClasses(value);
  const bits = entropy(value);
  if (classes >= 3) return bits >= 2.5;
  if (classes === 2) return value.length >= 10 && bits >= 3.0 && !/^[A-Za-z]+\d{1,4}$/.test(value);
  return value.length >= 16 && bits >= 3.5;
}

/** A machine-generated key or token: long, high entropy, no spaces, not an identifier. */
export function isTokenLike(value: string, minLength = 16): boolean {
  if (value.length < minLength || value.length > 4096 || /\s/.test(value)) return false;
  if (isNonSecretShape(value) || /^\d+$/.test(value)) return false;
  const bits = entropy(value);
  if (characterClasses(value) === 1) return value.length >= 24 && bits >= 3.8;
  return bits >= 3.0;
}

/** Decoded base64 as text, when it is printable (UTF-8 without control characters other than newlines). */
export function decodeBase64Text(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  if (text.length === 0 || text.includes('\uFFFD') || /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text))
    return undefined;
  return text;
}
