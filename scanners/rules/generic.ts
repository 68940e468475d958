import type { Rule } from '../engine/types.js';
import { defineRules } from './define.js';
import { commandAndHeaderRules } from './generic-commands.js';
import { structuredRules } from './generic-structured.js';
import { anyCase } from './assignment.js';
import {
  ASSIGNMENT_WINDOW,
  assignmentPattern,
  commaPairIsKeyValue,
  isGenericSecret,
  followedKeywords,
  wordStart,
  type Family,
} from './generic-assignment.js';

/**
 * Context-only rules: literals assigned to secret-named keys (here), name/value pairs and XML
 * (generic-structured.ts), command lines, headers and JWTs (generic-commands.ts). Provider rules
 * outrank these on the same span, so the generic rules only decide whether a value is a literal
 * secret at all; all report at medium severity.
 */

const PROVIDER = 'Generic';
const REMEDIATION =
  'Rotate the credential at the service that issued it, then load it from the environment or a secret store instead of the source.';
const DOCS = 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html';

interface AssignmentSpec {
  id: string;
  title: string;
  keywords: string[];
  key: string;
  family: Family;
  positive: string[];
  negative: string[];
}

function assignmentRule(spec: AssignmentSpec): Rule {
  return {
    id: spec.id,
    title: spec.title,
    provider: PROVIDER,
    severity: 'medium',
    keywords: spec.keywords,
    pattern: assignmentPattern(spec.key),
    window: ASSIGNMENT_WINDOW,
    validate: (secret, match) => commaPairIsKeyValue(match) && isGenericSecret(secret, spec.family),
    remediation: REMEDIATION,
    docs: DOCS,
    examples: { positive: spec.positive, negative: spec.negative },
  };
}

const PASSWORD_KEY = [
  anyCase('pass(?:word|wd|phrase)'),
  wordStart('pass'),
  wordStart('pwd'),
  wordStart('pswd'),
].join('|');
// Pagination cursors, CSRF form tokens and tokenizer specials are not credentials.
const NOT_CREDENTIAL_TOKEN = anyCase(
  '(?:csrf|xsrf|authenticity|verification|client|next|page|continuation|pagination|cancellation|cancel|sync|max|num|prev|previous|resume|cursor|start|end|eos|bos|pad|unk|sep|cls|mask)[_-]?',
);
const TOKEN_KEY = `(?<!${NOT_CREDENTIAL_TOKEN})${anyCase('token')}`;
const SECRET_KEY = anyCase('secret');
const KEY_PREFIXES = [
  'api',
  'access',
  'secret',
  'private',
  'encryption',
  'signing',
  'master',
  'auth',
  'account',
  'service',
  'server',
  'admin',
  'sdk',
];
// Keys meant to be public: search-only (Algolia), publishable, site (reCAPTCHA), anon (Supabase).
// `app_key` is left out on purpose: next to an `app_secret` (Pusher, Shopify) it is the public half.
const PUBLIC_KEY_PREFIX = anyCase('(?:search[_-]?only|public|publishable|site|anon|browser)[_.-]?');
const API_KEY = `(?<!${PUBLIC_KEY_PREFIX})(?:${anyCase(`(?:${KEY_PREFIXES.join('|')})[_.-]?key`)}|${wordStart('x-api-key')})`;
const CREDENTIAL_KEY = [anyCase('credentials?'), wordStart('creds'), wordStart('auth')].join('|');

// The most common words in code are narrowed to what follows a key (see followedKeywords).
const NARROWED_PREFIXES = new Set(['api', 'secret', 'access']);
const keyKeywords = KEY_PREFIXES.flatMap((p) => {
  const words = [`${p}_key`, `${p}-key`, `${p}key`, `${p}.key`];
  return NARROWED_PREFIXES.has(p) ? followedKeywords(words) : words;
});

export const rules = defineRules([
  assignmentRule({
    id: 'generic-password',
    title: 'Hard-coded password',
    keywords: followedKeywords(['password', 'passwd', 'passphrase', 'pass', 'pwd', 'pswd']),
    key: PASSWORD_KEY,
    family: 'password',
    positive: [
      'db_password = "Tr0ub4dor&3"',
      'SMTP_PASS=S3cure!Passw0rd',
      "  'password' => 'q7#Lm2vX!k9R',",
      'smtp:\n  host: mail.acme.io\n  password: "Xv8#nQ2!rLk7"',
      'conn = connect(host="db.acme.io", user="etl", passwd="bN4!tY8qWz")',
    ],
    negative: [
      'password = os.environ["DB_PASSWORD"]',
      'password: string;',
      "const password = config.get('db.password');",
      'password: ${{ secrets.DB_PASSWORD }}',
      'bypass = "Xk9#mP2$vL8q"',
      'if password == "Tr0ub4dor&3":',
      'password_hash = "$2b$12$Q9u0dGq0q1cTgq0iG9kW8e7w6e5r4t3y2u1i0o9p8a7s6d5f4g3h2"',
      'PASSWORD=changeme',
      'password: hunter2',
    ],
  }),
  assignmentRule({
    id: 'generic-secret',
    title: 'Hard-coded secret',
    keywords: followedKeywords(['secret']),
    key: SECRET_KEY,
    family: 'secret',
    positive: [
      'client_secret: "_C1LilCdx5ZafPqSSNIwIFmIcUw"',
      'JWT_SECRET=39o4P7CNvP57Zfg_ffK7YIgPr68',
      '"webhookSecret": "c825dfdc4684e157dcd9be81c73f77b7",',
    ],
    negative: [
      'secret: my-app-secret',
      'secretName: tls-secret',
      'clientSecret: process.env.CLIENT_SECRET,',
      'secret = Secret(name="db", optional=True)',
      'SECRET=${SECRET}',
    ],
  }),
  assignmentRule({
    id: 'generic-token',
    title: 'Hard-coded token',
    keywords: followedKeywords(['token']),
    key: TOKEN_KEY,
    family: 'token',
    positive: [
      'export ACCESS_TOKEN="ZDeZJoZwbITr1SibDn4V8KBonWU"',
      'bot:\n  token: m6x9Ixumc-uc9n5D-hmaYrj1uJc',
      'const authToken = "541d1d885775e2c1efb0e769df71aeb8";',
    ],
    negative: [
      'next_token = response["NextToken"]',
      'csrf_token: "Z46qkL6vDfZtcKTKq1eRTyWAgoI"',
      'token = request.headers.get("Authorization")',
      'max_tokens: 4096',
      'token_type: "bearer"',
      'pad_token = "<pad>"',
    ],
  }),
  assignmentRule({
    id: 'generic-api-key',
    title: 'Hard-coded API, access or encryption key',
    keywords: [...keyKeywords, 'x-api-key'],
    key: API_KEY,
    family: 'token',
    positive: [
      'API_KEY=1eBJccJbiKAhIzcBIJI5WGRV3ok',
      'headers = {"X-API-Key": "fa07cdc8d921c228eb9bdcf1784a00ea"}',
      'encryption_key: "BZ_90hXzxAVOxs3GotVH8KDkjd8"',
      'private static final String apiKey = "5acd19b0cc2c65d93a4c74d5b461b37e";',
    ],
    negative: [
      'api_key = settings.API_KEY',
      'apiKey: string = process.env.API_KEY ?? ""',
      'private_key: /etc/ssl/private/server.key',
      'api_key: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" # sha256 digest',
      'primary_key = "id"',
    ],
  }),
  assignmentRule({
    id: 'generic-credential',
    title: 'Hard-coded credential',
    keywords: followedKeywords(['credential', 'credentials', 'creds', 'auth']),
    key: CREDENTIAL_KEY,
    family: 'token',
    positive: ['AUTH="xUs3Omaq5xclPgboV1ikkyDn_QM"', 'credentials: 8de87d65f85db2e9a40c40ee48d4ca23'],
    negative: [
      'credentials: include',
      "auth: 'basic'",
      'author = "Jane Doe"',
      'creds = load_credentials(path)',
      ' * credentials: --credentials-action DIR (default dist/credentials)',
    ],
  }),
  ...structuredRules,
  ...commandAndHeaderRules,
]);
