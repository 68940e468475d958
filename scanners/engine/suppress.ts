/**
 * Heuristics that recognise values which are not live secrets: placeholders in docs and templates,
 * references to a secret store, and well-known values published by providers as examples.
 */

const PLACEHOLDER_MARKERS = [
  'example',
  'xxxx',
  'placeholder',
  'changeme',
  'change_me',
  'change-me',
  'redacted',
  'dummy',
  'sample',
  'your_',
  'your-',
  'yourtoken',
  'yourkey',
  'yourpassword',
  '****',
  '....',
  '…',
  'insert_',
  'replace_me',
  'replaceme',
  'todo_',
];

/** Values providers publish in their documentation as examples. */
const DOCUMENTED_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
]);

const REFERENCE_PREFIXES = [
  'process.env',
  'import.meta.env',
  'os.environ',
  'os.getenv',
  'env.',
  'env[',
  'secrets.',
  'vars.',
  'vault:',
  'ref+',
  'op://',
  'arn:aws:secretsmanager',
  'arn:aws:ssm',
  'projects/',
  'sm://',
  'akv:',
  'keyvault:',
];

function hasRun(value: string, minRun: number, step: number): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    if (value.charCodeAt(i) - value.charCodeAt(i - 1) === step) {
      run++;
      if (run >= minRun) return true;
    } else {
      run = 1;
    }
  }
  return false;
}

function distinctChars(value: string): number {
  return new Set(value).size;
}

/** Template and variable syntax: `${X}`, `{{ x }}`, `<your-token>`, `%(x)s`, `$(X)`, `%X%`. */
function isTemplated(value: string): boolean {
  return (
    value.includes('${') ||
    value.includes('{{') ||
    value.includes('%(') ||
    value.includes('$(') ||
    /<[^<>\s]{1,60}>/.test(value) ||
    /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(value) ||
    /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value)
  );
}

export function isPlaceholder(secret: string): boolean {
  if (DOCUMENTED_EXAMPLES.has(secret)) return true;
  const lower = secret.toLowerCase();
  for (const marker of PLACEHOLDER_MARKERS) if (lower.includes(marker)) return true;
  if (isTemplated(secret)) return true;
  if (/(.)\1{5,}/.test(secret)) return true;
  if (hasRun(lower, 6, 1) || hasRun(lower, 6, -1)) return true;
  if (secret.length >= 8 && distinctChars(secret) <= 3) return true;
  return false;
}

export function isReference(secret: string): boolean {
  const lower = secret.toLowerCase();
  return REFERENCE_PREFIXES.some((p) => lower.startsWith(p));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGRITY = /^(?:sha1|sha256|sha384|sha512)-[A-Za-z0-9+/]{20,}={0,2}$/;
const DIGEST = /^(?:sha1|sha256|sha384|sha512|md5):[0-9a-f]{32,128}$/i;
const SSH_PUBLIC =
  /^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com)\s|^AAAA(?:B3NzaC1|C3NzaC1|E2VjZHNh)/;

/**
 * Values with the shape of something public — identifiers, digests, public keys. Applied to
 * context-only rules (generic assignments, custom rules), whose patterns cannot tell them apart.
 */
export function isPublicShape(secret: string, line: string): boolean {
  if (UUID.test(secret) || INTEGRITY.test(secret) || DIGEST.test(secret)) return true;
  if (SSH_PUBLIC.test(secret)) return true;
  // Mapbox public tokens (`pk.` + a JWT-like body) are meant to ship in web pages.
  if (/^pk\.eyJ[\w-]{10,}\.[\w-]{10,}$/.test(secret)) return true;
  if (
    /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(secret) &&
    /\b(?:sha|digest|hash|checksum|integrity|commit|rev)/i.test(line)
  ) {
    return true;
  }
  return /-----BEGIN (?:PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY|X509 CRL|PGP PUBLIC KEY BLOCK)/.test(line);
}
