import type { Rule } from '../engine/types.js';
import { isPlaceholder } from '../engine/suppress.js';
import {
  characterClasses,
  entropy,
  isPasswordLike,
  isReference,
  isTokenLike,
  isTrivialPassword,
} from './value-shape.js';

/**
 * Database and cache credentials in their own configuration formats: redis.conf and ACL files,
 * PostgreSQL `.pgpass`, SQL that creates users with a literal password, and Terraform state that
 * stores the result of `random_password`.
 */

/** A literal that is not a reference, default or placeholder and has some strength. */
function literalPassword(value: string, user?: string): boolean {
  if (isReference(value) || isPlaceholder(value) || isTrivialPassword(value, user)) return false;
  return isPasswordLike(value) || isTokenLike(value);
}

/** Stored hashes (`md5…`, SCRAM verifiers, MySQL `*HEX`) are not passwords. */
const PASSWORD_HASH = /^(?:md5[0-9a-f]{32}|SCRAM-SHA-256\$.*|\*[0-9A-F]{40}|\$[0-9a-z]{1,6}\$.*)$/;

const DB_ROTATE = 'Change the password on the server and load it from a secret store or an untracked file.';

export const databaseConfigRules: Rule[] = [
  {
    id: 'pgbouncer-userlist-password',
    title: 'Plain-text password in a PgBouncer auth file',
    provider: 'PostgreSQL',
    severity: 'high',
    // Lines are just two quoted strings; only the file name says they are credentials.
    keywords: [],
    paths: /(?:^|\/)(?:[\w.-]{0,30}userlist|pgbouncer[\w-]{0,20}users?)\.txt$/,
    // md5/SCRAM entries are hashes PgBouncer verifies against, not passwords.
    pattern:
      /^[ \t]*"(?<user>[^"\s]{1,64})"[ \t]+"(?!md5[0-9a-f]{32}"|SCRAM-SHA-256\$)(?<secret>[^"\s]{8,128})"/m,
    validate: (secret) => isPasswordLike(secret) && !isTrivialPassword(secret),
    remediation:
      'Change the role password in PostgreSQL (ALTER ROLE ... PASSWORD), then store a SCRAM secret or use auth_query instead of plain text.',
    docs: 'https://www.pgbouncer.org/config.html#authentication-file-format',
    examples: {
      path: 'deploy/pgbouncer/userlist.txt',
      positive: [
        '"app" "Vt7#qLm2!xR9wPz"\n"report" "md5a3f1c9e0b2d4f6a8c0e2b4d6f8a0c2e4"',
        '"billing_rw" "Hq4v-Zr8t-Wm2k"',
      ],
      negative: [
        '"app" "md5a3f1c9e0b2d4f6a8c0e2b4d6f8a0c2e4"',
        '"app" "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vydg=="',
      ],
    },
  },
  {
    id: 'redis-config-password',
    title: 'Redis password in redis.conf or on the redis-server command line',
    provider: 'Redis',
    severity: 'high',
    keywords: ['requirepass', 'masterauth'],
    pattern: /(?:^[ \t]*|--)(?:requirepass|masterauth)[ \t]+(?<q>["']?)(?<secret>[^\s"']{4,256})\k<q>/m,
    window: { before: 40, after: 300 },
    validate: (secret) => literalPassword(secret),
    remediation:
      'Set a new requirepass/masterauth (or ACL password) on every node and clients, then restart or CONFIG SET.',
    docs: 'https://redis.io/docs/latest/operate/oss_and_stack/management/security/',
    examples: {
      positive: [
        'bind 0.0.0.0\nrequirepass wlylYvjfid4UBiDEyadOsgxJtNt01eOi\nmasterauth LrYjhAD0s3fHMrkNDy1ThWSg05VTuTr6\n',
        'command: ["redis-server", "--appendonly", "yes"]\ncommand: redis-server --requirepass Tq8vW2zKp4Lm',
      ],
      negative: [
        '# requirepass foobared',
        'requirepass ${REDIS_PASSWORD}',
        'command: redis-server --requirepass "$REDIS_PASSWORD"',
      ],
    },
  },
  {
    id: 'redis-acl-password',
    title: 'Plain-text password in a Redis ACL rule',
    provider: 'Redis',
    severity: 'high',
    keywords: ['user ', 'setuser'],
    pattern:
      /^[ \t]*(?:ACL[ \t]+SETUSER|user)[ \t]+[\w.@-]{1,64}(?:[ \t]+[^\s>#]{1,64}){0,8}?[ \t]+>(?<secret>[^\s]{4,256})/im,
    window: { before: 40, after: 400 },
    validate: (secret) => literalPassword(secret),
    remediation:
      'Reset the user’s ACL password (ACL SETUSER <user> resetpass >new) and store only hashed (#…) passwords in ACL files.',
    docs: 'https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/',
    examples: {
      positive: [
        'user metrics on >5me123gfwJF78G7RNTPMwHKo ~* +info +ping +client|list',
        'ACL SETUSER deploy on >Wz8#qL3vRt6p ~app:* +@read',
      ],
      negative: [
        'user default on nopass ~* +@all',
        'user metrics on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~* +info',
      ],
    },
  },
  {
    id: 'pgpass-entry',
    title: 'Password in a PostgreSQL .pgpass entry',
    provider: 'PostgreSQL',
    severity: 'high',
    keywords: [':5432:', ':5433:', ':6432:', ':*:'],
    pattern:
      /^(?<host>[\w.*-]{1,253}):(?:\d{1,5}|\*):(?<db>[^:\s]{1,64}):(?<user>[^:\s]{1,64}):(?<secret>[^\s]{1,256})[ \t]*$/m,
    window: { before: 320, after: 700 },
    validate: (secret, match) => literalPassword(secret, match.groups?.['user']),
    remediation: DB_ROTATE,
    docs: 'https://www.postgresql.org/docs/current/libpq-pgpass.html',
    examples: {
      positive: [
        'billing-db.internal.acme.io:5432:billing:backup_ro:7r3HGCEHmJMmk',
        '# hostname:port:database:username:password\npg-main.acme.io:*:*:dev:E0BBKDLjjqBVt\n',
      ],
      negative: [
        'localhost:5432:*:postgres:postgres',
        'hostname:port:database:username:password',
        '*:*:*:app:$PGPASSWORD',
      ],
    },
  },
  {
    id: 'sql-user-password',
    title: 'Literal password in SQL that creates or alters a user',
    provider: 'Database',
    severity: 'high',
    keywords: [
      'create role',
      'create user',
      'alter user',
      'alter role',
      'create login',
      'alter login',
      'grant ',
    ],
    pattern:
      /\b(?:(?:CREATE|ALTER)\s+(?:ROLE|USER|LOGIN)|GRANT)\b[^;\r\n]{0,200}?\b(?:PASSWORD|IDENTIFIED\s+(?:WITH\s+\w+\s+)?BY)\s*(?:=\s*)?(?<q>['"])(?<secret>[^'"\r\n]{3,128})\k<q>/i,
    window: { before: 0, after: 400 },
    validate: (secret) => !PASSWORD_HASH.test(secret) && literalPassword(secret),
    remediation: DB_ROTATE,
    docs: 'https://www.postgresql.org/docs/current/sql-createrole.html',
    examples: {
      positive: [
        "CREATE ROLE reporting_rw LOGIN PASSWORD 'hjftvDwhzwP36Itb';",
        "CREATE USER 'etl'@'%' IDENTIFIED BY 'G7W0VfLUiJLaLKfPB8';",
        "CREATE LOGIN ledger_app WITH PASSWORD = 'Qw8#nZ4!vLt2', CHECK_POLICY = ON;",
      ],
      negative: [
        "CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'md53175bce1d3201d16594cebf9d7eb3f9d';",
        "ALTER USER app WITH PASSWORD :'app_password';",
        "CREATE USER test WITH PASSWORD 'test';",
      ],
    },
  },
  {
    id: 'terraform-state-random-password',
    title: 'Generated password stored in Terraform state (random_password)',
    provider: 'Terraform',
    severity: 'high',
    keywords: ['"random_password"'],
    pattern: /"type":\s*"random_password"[\s\S]{0,3000}?"result":\s*"(?<secret>(?:[^"\\\r\n]|\\.){6,256})"/,
    window: { before: 10, after: 3400, multiline: true },
    // Generated passwords use the full printable range, so template-like runs occur by chance.
    suppress: 'none',
    validate: (secret) => {
      const value = secret.replace(/\\(.)/g, '$1');
      return !isTrivialPassword(value) && characterClasses(value) >= 2 && entropy(value) >= 3;
    },
    remediation:
      'Taint or replace the random_password resource, update whatever consumes it, and protect state with an encrypted, access-controlled backend.',
    docs: 'https://developer.hashicorp.com/terraform/language/state/sensitive-data',
    examples: {
      positive: [
        '{\n  "mode": "managed",\n  "type": "random_password",\n  "name": "db",\n  "instances": [\n    {\n      "attributes": {\n        "length": 32,\n        "result": "pjiwJ5Pj%nqlf2Gy1uTKgcblmOjublaJ",\n        "special": true\n      }\n    }\n  ]\n}',
        '"type": "random_password", "name": "admin", "instances": [{"attributes": {"result": "Ab{{9x$(Qz<k>w8!LmT2"}}]',
      ],
      negative: [
        '{ "type": "random_password", "instances": [{ "attributes": { "length": 24 } }] }',
        '{ "type": "random_pet", "instances": [{ "attributes": { "id": "keen-otter" } }] }',
      ],
    },
  },
];
