import type { Rule } from '../engine/types.js';
import { isPlaceholder } from '../engine/suppress.js';
import { decodeJwt, isJwt } from '../engine/validators.js';
import { isGenericSecret, isNotALiteral } from './generic-assignment.js';
import { decodeBase64Text, entropy, isPasswordLike, isTokenLike, isTrivialPassword } from './value-shape.js';

/**
 * Generic credentials outside assignments: command-line flags, `curl -u`, PowerShell plain-text
 * secure strings, Authorization headers and bare JWTs.
 */

const PROVIDER = 'Generic';
const REMEDIATION =
  'Rotate the credential at the service that issued it, then load it from the environment or a secret store instead of the source.';
const DOCS = 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html';

/** A literal password or token, judged at human-password strength. */
function strongLiteral(secret: string, user?: string): boolean {
  return (
    !isNotALiteral(secret) &&
    !isTrivialPassword(secret, user) &&
    !isPlaceholder(secret) &&
    (isPasswordLike(secret) || isTokenLike(secret))
  );
}

export const commandAndHeaderRules: Rule[] = [
  {
    id: 'generic-cli-password',
    title: 'Password or token passed as a command-line flag',
    provider: PROVIDER,
    severity: 'medium',
    // Every flag name follows a `-`.
    keywords: ['-pass', '-pwd', '-secret', '-token', '-api-key', '-apikey'],
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
  {
    id: 'generic-cli-basic-auth',
    title: 'User and password passed to curl with -u/--user',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['curl'],
    pattern:
      /\bcurl\b[^\r\n|;&]{0,300}?\s(?:-u|--user)(?:\s+|=)?(?<q>["']?)(?<user>[^\s:"'$-][^\s:"']{0,63}):(?<secret>[^\s"']{3,128})\k<q>(?=\s|$)/m,
    window: { before: 0, after: 600 },
    validate: (secret, match) => strongLiteral(secret, match.groups?.['user']),
    remediation: REMEDIATION,
    docs: 'https://curl.se/docs/manpage.html#-u',
    examples: {
      positive: [
        'sh "curl -fsS -u admin:Qs7zI_Yj!2jz -X POST https://ci.acme.io/job/smoke/build"',
        "curl --user 'deploy:Wn4#pLx8Tq2v' https://nexus.acme.io/service/rest/v1/components",
      ],
      negative: [
        'curl -u "$USER:$TOKEN" https://api.acme.io',
        'curl -u user:password https://api.acme.io',
        'curl -u admin: https://api.acme.io',
      ],
    },
  },
  {
    id: 'generic-powershell-plaintext-password',
    title: 'Plain-text password converted to a PowerShell SecureString',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['-asplaintext'],
    pattern:
      /ConvertTo-SecureString\s+(?:-String\s+)?(?<q>["'])(?<secret>[^"'\r\n]{4,128})\k<q>\s+-AsPlainText\b/i,
    window: { before: 300, after: 40 },
    validate: (secret) => strongLiteral(secret),
    remediation: REMEDIATION,
    docs: 'https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.security/convertto-securestring',
    examples: {
      positive: [
        "$sqlPassword = ConvertTo-SecureString 'jk+ytP0qy,+Y' -AsPlainText -Force",
        '$cred = New-Object PSCredential("svc", (ConvertTo-SecureString "Vb7!qWz3Lk9m" -AsPlainText -Force))',
      ],
      negative: [
        '$pw = ConvertTo-SecureString $env:SQL_PASSWORD -AsPlainText -Force',
        "$pw = ConvertTo-SecureString 'P@ssw0rd' -AsPlainText -Force",
      ],
    },
  },
];
