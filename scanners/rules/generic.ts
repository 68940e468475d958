import type { Rule } from '../engine/types.js';
import { isPlaceholder } from '../engine/suppress.js';
import { decodeJwt, isJwt } from '../engine/validators.js';
import { defineRules } from './define.js';
import { anyCase } from './assignment.js';
import {
  ASSIGNMENT_WINDOW,
  assignmentPattern,
  isGenericSecret,
  isNotALiteral,
  wordStart,
  type Family,
} from './generic-assignment.js';
import { decodeBase64Text, entropy, isPasswordLike, isTokenLike, isTrivialPassword } from './value-shape.js';

/**
 * Context-only rules: literals assigned to secret-named keys, credentials on command lines and in
 * HTTP headers, bare JWTs. Provider rules outrank these on the same span, so the generic rules only
 * decide whether a value is a literal secret at all; all report at medium severity.
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
    validate: (secret) => isGenericSecret(secret, spec.family),
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
  '(?:csrf|xsrf|next|page|continuation|pagination|cancellation|cancel|sync|max|num|prev|previous|resume|cursor|start|end|eos|bos|pad|unk|sep|cls|mask)[_-]?',
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
  'client',
];
const API_KEY = `(?:${anyCase(`(?:${KEY_PREFIXES.join('|')})[_.-]?key`)}|${wordStart('x-api-key')})`;
const CREDENTIAL_KEY = [anyCase('credentials?'), wordStart('creds'), wordStart('auth')].join('|');

const keyKeywords = KEY_PREFIXES.flatMap((p) => [`${p}_key`, `${p}-key`, `${p}key`, `${p}.key`]);

export const rules = defineRules([
  assignmentRule({
    id: 'generic-password',
    title: 'Hard-coded password',
    keywords: ['pass', 'pwd', 'pswd'],
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
    keywords: ['secret'],
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
    keywords: ['token'],
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
    keywords: ['credential', 'creds', 'auth'],
    key: CREDENTIAL_KEY,
    family: 'token',
    positive: ['AUTH="xUs3Omaq5xclPgboV1ikkyDn_QM"', 'credentials: 8de87d65f85db2e9a40c40ee48d4ca23'],
    negative: [
      'credentials: include',
      "auth: 'basic'",
      'author = "Jane Doe"',
      'creds = load_credentials(path)',
    ],
  }),
  ...(
    [
      ['generic-xml-password', 'password', ['password', 'passwd'], 'password|passwd'],
      [
        'generic-xml-secret',
        'token',
        ['secret', 'token', 'apikey', 'api_key'],
        'secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key',
      ],
    ] as const
  ).map(([id, family, keywords, names]): Rule => ({
    id,
    title: family === 'password' ? 'Hard-coded password in XML' : 'Hard-coded secret in XML',
    provider: PROVIDER,
    severity: 'medium',
    keywords: [...keywords],
    // <password>v</password>, <add key="SmtpPassword" value="v" />, <property name="password" value="v"/>
    pattern: new RegExp(
      String.raw`(?:<(?<tag>[\w:.-]{0,40}?(?:${names}))(?:\s[^<>]{0,200})?>|(?:key|name)\s*=\s*"[\w:.-]{0,60}?(?:${names})"\s+value\s*=\s*")` +
        String.raw`(?<secret>[^<>"\s]{1,256})(?:</\k<tag>>|")`,
      'i',
    ),
    window: { before: 80, after: 400 },
    validate: (secret: string) => isGenericSecret(secret, family),
    remediation: REMEDIATION,
    docs: DOCS,
    examples: {
      positive:
        family === 'password'
          ? [
              '<server>\n  <id>nexus</id>\n  <password>Xv8#nQ2!rLk7</password>\n</server>',
              '<add key="SmtpPassword" value="Jp4$wZ9qTm2x" />',
            ]
          : [
              '<apiKey>qx5a0iw2Yp3k6UlRqRF6bDrmjMo</apiKey>',
              '<property name="client.secret" value="a88f4c3a0c51dfca1d90651678b1b7a8"/>',
            ],
      negative:
        family === 'password'
          ? [
              '<password>{COQLCE6DU6GtcS5P=}</password>',
              '<password>${env.NEXUS_PASSWORD}</password>',
              '<input type="password" name="password"/>',
            ]
          : ['<token>${TOKEN}</token>', '<secret>secretName</secret>'],
    },
  })),
  {
    id: 'generic-cli-password',
    title: 'Password or token passed as a command-line flag',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['--pass', '--pwd', '-password', '-passwd', 'secret', 'token', 'api-key', 'apikey'],
    pattern:
      /(?<![\w-])--?(?:[\w-]{1,30}-)?(?<name>password|passwd|pass|pwd|secret|token|api-?key|access-token|auth-token|client-secret)(?:=|\s+)(?<q>["']?)(?<secret>[^\s"'-][^\s"']{0,255})\k<q>(?=[\s;|&)\\]|$)/im,
    window: { before: 40, after: 400 },
    validate: (secret, match) =>
      isGenericSecret(secret, /^pass|^pwd/i.test(match.groups?.['name'] ?? '') ? 'password' : 'secret'),
    remediation: REMEDIATION,
    docs: DOCS,
    examples: {
      positive: [
        'docker login registry.acme.io --username ci --password Kq7!vTz2mW9x',
        'vault write auth/approle/login role_id=ci secret_id=x --client-secret="hOPw413ZBSmGYrj_bh-wLSrJJ7U"',
        'kubectl create secret docker-registry regcred --docker-password=Wz8#qL3vRt6p --docker-server=ghcr.io',
      ],
      negative: [
        'echo "$CR_PAT" | docker login ghcr.io -u ci --password-stdin',
        'psql --password "$PGPASSWORD"',
        'mycli --token $(cat /run/secrets/token)',
        'Usage: tool --password <password> --token TOKEN',
        'argparser.add_argument("--api-key", required=True)',
      ],
    },
  },
  {
    id: 'generic-cli-short-password',
    title: 'Password passed to mysql/sshpass/docker login with -p',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['mysql', 'mariadb', 'sshpass', 'docker login'],
    pattern:
      /\b(?:mysql(?:dump|admin|import|sh)?\b[^\r\n|;&]{0,200}?\s-p|mariadb(?:-dump|-admin)?\b[^\r\n|;&]{0,200}?\s-p|(?:sshpass|docker login)\b[^\r\n|;&]{0,200}?\s-p\s+)(?<q>["']?)(?<secret>[^\s"'-][^\s"']{2,127})\k<q>(?=\s|$)/m,
    window: { before: 0, after: 400 },
    validate: (secret) =>
      !isNotALiteral(secret) && !isTrivialPassword(secret) && (isPasswordLike(secret) || isTokenLike(secret)),
    remediation: REMEDIATION,
    docs: 'https://dev.mysql.com/doc/refman/8.0/en/password-security-user.html',
    examples: {
      positive: [
        "mysqldump -h db.acme.io -u backup -p'Rz7#kQ2mXv9w' shop > shop.sql",
        'sshpass -p Lw4!xTq8Zn2v ssh deploy@10.0.3.7',
      ],
      negative: [
        'mysql -u root -p shop',
        'mysql -uroot -p"$MYSQL_ROOT_PASSWORD"',
        'docker run -p 8080:80 nginx',
      ],
    },
  },
  {
    id: 'generic-auth-header-bearer',
    title: 'Bearer token in an Authorization header',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['bearer '],
    pattern: /\b[Bb]earer\s+(?<secret>[A-Za-z0-9._~+/-]{20,4096}=*)(?![A-Za-z0-9._~+/=-])/,
    window: { before: 8, after: 4200 },
    validate: (secret) => isTokenLike(secret, 20) && entropy(secret) >= 3.2,
    remediation: REMEDIATION,
    docs: 'https://www.rfc-editor.org/rfc/rfc6750',
    examples: {
      positive: [
        'curl -H "Authorization: Bearer qx5a0iw2Yp3k6UlRqRF6bDrmjMo" https://api.acme.io/v1/jobs',
        "headers: { Authorization: 'Bearer 1d65f04c02f04e0545d4f4876070aaad' },",
      ],
      negative: [
        'Authorization: Bearer <token>',
        'headers["Authorization"] = f"Bearer {token}"',
        '-H "Authorization: Bearer $(gcloud auth print-access-token)"',
        'Authorization: Bearer YOUR_ACCESS_TOKEN_HERE',
      ],
    },
  },
  {
    id: 'generic-auth-header-basic',
    title: 'Basic credentials in an Authorization header',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['basic '],
    pattern: /\b[Bb]asic\s+(?<secret>[A-Za-z0-9+/]{8,512}={0,2})(?![A-Za-z0-9+/=])/,
    window: { before: 8, after: 600 },
    validate: (secret) => {
      const text = decodeBase64Text(secret);
      const colon = text?.indexOf(':') ?? -1;
      if (!text || colon < 1 || /\s/.test(text)) return false;
      const password = text.slice(colon + 1);
      return (
        password.length >= 6 && !isPlaceholder(password) && !isTrivialPassword(password, text.slice(0, colon))
      );
    },
    remediation: REMEDIATION,
    docs: 'https://www.rfc-editor.org/rfc/rfc7617',
    examples: {
      positive: [
        'Authorization: Basic c3ZjLXJlcG9ydDpwU0NfNFBBcUZjWTJNQlds',
        "req.setRequestHeader('Authorization', 'Basic c3ZjLXJlcG9ydDpwU0NfNFBBcUZjWTJNQlds');",
      ],
      negative: [
        'Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=',
        'Authorization: Basic base64(user:pass)',
        'uses basic authentication',
      ],
    },
  },
  {
    id: 'generic-jwt',
    title: 'JSON Web Token',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['eyj'],
    pattern:
      /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{16,1000}(?![A-Za-z0-9_-])/,
    window: { before: 0, after: 11100 },
    validate: (secret) => {
      if (!isJwt(secret)) return false;
      const payload = decodeJwt(secret)?.payload ?? {};
      // Published on jwt.io, and Supabase's anon key is designed to ship in browsers.
      return payload['name'] !== 'John Doe' && payload['role'] !== 'anon';
    },
    remediation:
      'Revoke the session or signing key that issued the token (rotate the signing secret if it was HMAC-signed) and avoid committing tokens.',
    docs: 'https://www.rfc-editor.org/rfc/rfc7519',
    examples: {
      positive: [
        'ID_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsImlzcyI6Imh0dHBzOi8vYXV0aC5hY21lLmlvIiwiYXVkIjoiYmlsbGluZy1hcGkiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc5ODc2MTYwMCwic2NvcGUiOiJpbnZvaWNlczp3cml0ZSJ9.kUme4WAtycKn5p9AKvb9DXYV-vxFCll59JGu8uufo4A',
        '{"jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsImlzcyI6Imh0dHBzOi8vYXV0aC5hY21lLmlvIiwiYXVkIjoiYmlsbGluZy1hcGkiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc5ODc2MTYwMCwic2NvcGUiOiJpbnZvaWNlczp3cml0ZSJ9.kUme4WAtycKn5p9AKvb9DXYV-vxFCll59JGu8uufo4A"}',
      ],
      negative: [
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdmMtYmlsbGluZyJ9.c2lnbmF0dXJlLWlzLWlnbm9yZWQ',
        'token = "eyJhbGciOi..."',
      ],
    },
  },
]);
