import type { Rule } from '../engine/types.js';
import { isPlaceholder } from '../engine/suppress.js';
import { defineRules } from './define.js';
import { parameterRules } from './connection-string-params.js';
import {
  isDocumentationHost,
  isLocalHost,
  isPasswordLike,
  isReference,
  isTokenLike,
  isTrivialPassword,
  safeDecode,
} from './value-shape.js';

/**
 * Credentials embedded in connection URLs and connection strings. The secret is the password only,
 * exactly as written (percent-encoding kept), so masking and fingerprints match the file.
 */

// User info ends at the first `:`; the password may hold an unencoded `@` (common in practice), so
// it runs to the last `@` before the host.
const CREDENTIALS = String.raw`(?<user>[^\s:/?#@'"\x60<>\\]{0,128}):(?<secret>[^\s/?'"\x60<>\\]{1,256})@`;
const HOST = String.raw`(?<host>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9_.%-]{1,253})(?![A-Za-z0-9_.%@-])`;

function urlPattern(schemes: string): RegExp {
  return new RegExp(String.raw`(?<![A-Za-z0-9.-])(?:${schemes})://${CREDENTIALS}${HOST}`, 'i');
}

const URL_WINDOW = { before: 16, after: 800 };

/** Rejects references, defaults and documentation values; `local` selects loopback/compose hosts. */
function credentialsCheck(local: boolean) {
  return (secret: string, match: RegExpExecArray): boolean => {
    const user = safeDecode(match.groups?.['user'] ?? '');
    const host = match.groups?.['host'] ?? '';
    const password = safeDecode(secret);
    if (password.length < 3 || isReference(secret) || isReference(password) || isPlaceholder(password))
      return false;
    if (isTrivialPassword(password, user) || isPlaceholder(user) || isReference(user)) return false;
    // Documentation writes `user:...@`; only a strong password makes such a URL look real.
    if (
      /^(?:user|username|name|login|me|someone)$/i.test(user) &&
      !isPasswordLike(password) &&
      !isTokenLike(password)
    ) {
      return false;
    }
    return !isDocumentationHost(host) && isLocalHost(host) === local;
  };
}

interface UrlRuleSpec {
  id: string;
  title: string;
  provider: string;
  schemes: string;
  keywords: string[];
  remediation: string;
  docs: string;
  positive: string[];
  negative: string[];
}

function urlRule(spec: UrlRuleSpec): Rule {
  return {
    id: spec.id,
    title: spec.title,
    provider: spec.provider,
    severity: 'high',
    keywords: spec.keywords,
    pattern: urlPattern(spec.schemes),
    window: URL_WINDOW,
    validate: credentialsCheck(false),
    remediation: spec.remediation,
    docs: spec.docs,
    examples: { positive: spec.positive, negative: spec.negative },
  };
}

const DB_ROTATE =
  'Change the database user’s password (ALTER USER / the managed service console) and move the URL to a secret store.';

const SCHEMES = {
  postgres: String.raw`postgres(?:ql)?(?:\+[a-z0-9]+)?|pgsql|postgis|timescaledb|cockroachdb`,
  mysql: String.raw`mysql(?:x|2)?(?:\+[a-z0-9]+)?|mariadb(?:\+[a-z0-9]+)?`,
  mongodb: String.raw`mongodb(?:\+srv)?`,
  redis: String.raw`rediss?|redis\+sentinel|valkey`,
  amqp: String.raw`amqps?`,
  sqlserver: String.raw`sqlserver|mssql(?:\+[a-z0-9]+)?`,
  ldap: String.raw`ldaps?`,
  ftp: String.raw`s?ftps?`,
  smtp: String.raw`smtps?(?:\+(?:ssl|tls|starttls))?|submission`,
  http: String.raw`(?:git\+)?https?`,
  other: String.raw`snowflake|clickhouse(?:s|\+\w+)?|cassandra|scylla|neo4j(?:\+s|\+ssc)?|bolt(?:\+s)?|couchdbs?|couchbases?|elasticsearch|influxdb|oracle(?:\+\w+)?|db2|hana|redshift(?:\+\w+)?|presto|trino|vertica|tidb|singlestore|memcached?|nats|mqtts?|kafka|arangodb|rethinkdb|surrealdb|firebird|teradata|exasol|questdb|databricks|sybase`,
};

const LOCAL_SCHEMES = Object.values(SCHEMES).join('|');
const LOCAL_KEYWORDS = [
  'postgres',
  'mysql',
  'mariadb',
  'mongodb',
  'redis',
  'amqp',
  'mssql',
  'sqlserver',
  'ldap',
  'ftp',
  'smtp',
  'http://',
  'https://',
  'clickhouse',
  'cassandra',
  'neo4j',
  'bolt',
  'couchdb',
  'elasticsearch',
  'influxdb',
  'nats',
  'mqtt',
  'kafka',
  'memcache',
];

export const rules = defineRules([
  urlRule({
    id: 'postgres-connection-string',
    title: 'PostgreSQL connection URL with password',
    provider: 'PostgreSQL',
    schemes: SCHEMES.postgres,
    keywords: ['postgres', 'pgsql', 'postgis', 'timescaledb', 'cockroachdb'],
    remediation: DB_ROTATE,
    docs: 'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS',
    positive: [
      'DATABASE_URL=postgres://app_rw:2_p4JigQrhrLZgtq@db.prod.acme-internal.net:5432/orders',
      'SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://reporting:5c0R89yDNjIP7QsM@10.20.4.17/analytics"',
      'url: jdbc:postgresql://billing:a4uYOiKCuXtIGZS2@pg-main.acme.io:5432/billing',
    ],
    negative: [
      'DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@db.prod.acme-internal.net:5432/orders',
      'DATABASE_URL=postgres://app:$DB_PASSWORD@db.prod.acme-internal.net/orders',
      'postgresql://user:password@host:5432/dbname',
      'postgres://postgres:postgres@localhost:5432/postgres',
      'postgres://reader@db.acme.io:5432/metrics',
      'dsn = "postgresql://%(user)s:%(password)s@%(host)s/%(db)s"',
    ],
  }),
  urlRule({
    id: 'mysql-connection-string',
    title: 'MySQL / MariaDB connection URL with password',
    provider: 'MySQL',
    schemes: SCHEMES.mysql,
    keywords: ['mysql', 'mariadb'],
    remediation: DB_ROTATE,
    docs: 'https://dev.mysql.com/doc/refman/8.0/en/connecting-using-uri-or-key-value-pairs.html',
    positive: [
      "DB_URL='mysql://shop:46ZHZxwpDbclb4cd@mysql-01.acme-internal.net:3306/shop'",
      'engine = create_engine("mysql+pymysql://etl:7AUDWCVgNIKVXN1y@rds.acme.io/warehouse")',
      'spring.datasource.url=jdbc:mariadb://svc:Nr3kk7MwhOzrafyH@maria.acme.io:3306/app',
    ],
    negative: [
      'mysql://root:root@localhost:3306/test',
      'mysql://user:{{ .Values.db.password }}@mysql.acme.io/app',
      'mysql://app@mysql.acme.io:3306/app',
    ],
  }),
  urlRule({
    id: 'mongodb-connection-string',
    title: 'MongoDB connection URL with password',
    provider: 'MongoDB',
    schemes: SCHEMES.mongodb,
    keywords: ['mongodb'],
    remediation:
      'Rotate the database user’s password in MongoDB (or Atlas → Database Access) and move the URI to a secret store.',
    docs: 'https://www.mongodb.com/docs/manual/reference/connection-string/',
    positive: [
      'MONGO_URI="mongodb+srv://api:KA97x3kzRWjY3t5i@cluster0.q7bxz.mongodb.net/prod?retryWrites=true&w=majority"',
      'mongodb://admin:UqX0A9qv03iqZRTn@mongo-0.acme.io:27017,mongo-1.acme.io:27017/?replicaSet=rs0',
    ],
    negative: [
      'mongodb+srv://<username>:<password>@cluster0.q7bxz.mongodb.net/test',
      'mongodb://mongo:27017/app',
      'MONGO_URI=mongodb://${MONGO_USER}:${MONGO_PASS}@mongo.acme.io:27017',
    ],
  }),
  urlRule({
    id: 'redis-connection-string',
    title: 'Redis connection URL with password',
    provider: 'Redis',
    schemes: SCHEMES.redis,
    keywords: ['redis', 'valkey'],
    remediation:
      'Rotate the Redis password (requirepass / ACL user, or the managed service’s auth token) and move the URL to a secret store.',
    docs: 'https://www.iana.org/assignments/uri-schemes/prov/redis',
    positive: [
      'REDIS_URL=rediss://:jw0YUll9PDgSF_Q8@cache-7.acme-internal.net:6380/0',
      "cache: { url: 'redis://default:wNAgT1-wpdwVoGtC@redis-12345.c8.us-east-1-3.ec2.cloud.redislabs.com:12345' }",
    ],
    negative: [
      'REDIS_URL=redis://redis:6379/0',
      'redis://:password@cache.acme.io:6379',
      'redis://:$REDIS_PASSWORD@cache.acme.io:6379',
    ],
  }),
  urlRule({
    id: 'amqp-connection-string',
    title: 'AMQP (RabbitMQ) connection URL with password',
    provider: 'RabbitMQ',
    schemes: SCHEMES.amqp,
    keywords: ['amqp'],
    remediation:
      'Change the broker user’s password (rabbitmqctl change_password or the hosted broker console) and move the URL to a secret store.',
    docs: 'https://www.rabbitmq.com/docs/uri-spec',
    positive: [
      'CELERY_BROKER_URL=amqps://worker:YuUQD6bZ-EAFyP9f@b-3f1c.mq.eu-west-1.amazonaws.com:5671/prod',
      'broker_url: "amqp://orders:tPHz2PJfOnEvmI1V@rabbit.acme-internal.net:5672/%2F"',
    ],
    negative: [
      'amqp://guest:guest@localhost:5672/',
      'amqp://rabbitmq:5672',
      'amqps://user:pass@broker.acme.io/vhost',
    ],
  }),
  urlRule({
    id: 'sqlserver-connection-url',
    title: 'SQL Server connection URL with password',
    provider: 'Microsoft SQL Server',
    schemes: SCHEMES.sqlserver,
    keywords: ['sqlserver', 'mssql'],
    remediation: DB_ROTATE,
    docs: 'https://learn.microsoft.com/en-us/sql/connect/jdbc/building-the-connection-url',
    positive: [
      'MSSQL_URL=mssql://sa_app:SmSfowU1Ld79TBXL@sql01.acme.corp:1433/Inventory',
      'url = "mssql+pyodbc://etl:kWfb_767764dLYuV@mssql.acme.io/dw?driver=ODBC+Driver+18+for+SQL+Server"',
    ],
    negative: [
      'mssql://sa:<YourStrong!Passw0rd>@localhost:1433',
      'mssql://sa@sql01.acme.corp:1433/Inventory',
    ],
  }),
  urlRule({
    id: 'ldap-url-credentials',
    title: 'LDAP URL with bind password',
    provider: 'LDAP',
    schemes: SCHEMES.ldap,
    keywords: ['ldap'],
    remediation: 'Change the bind account’s password in the directory and move the URL to a secret store.',
    docs: 'https://www.rfc-editor.org/rfc/rfc4516',
    positive: [
      'LDAP_URL=ldaps://svc-gitlab:Xq3bT9wLpR2vK7mZ@dc01.corp.acme.io:636',
      'ldap://binder:M4pK8sQz1VwX@ldap.acme.io/dc=acme,dc=io',
    ],
    negative: ['ldap://ldap.acme.io:389/dc=acme,dc=io', 'ldaps://cn=admin:$LDAP_PW@ldap.acme.io'],
  }),
  urlRule({
    id: 'ftp-url-credentials',
    title: 'FTP / SFTP URL with password',
    provider: 'FTP',
    schemes: SCHEMES.ftp,
    keywords: ['ftp'],
    remediation: 'Change the FTP account’s password on the server and move the URL to a secret store.',
    docs: 'https://www.rfc-editor.org/rfc/rfc1738',
    positive: [
      'curl -T build.zip ftp://deploy:Hs8vQ2mKz7Lw@ftp.acme-hosting.net/releases/',
      'SFTP_TARGET="sftp://uploader:R7tYk2Pq9WzN@files.acme.io:22/in"',
    ],
    negative: ['ftp://anonymous:anonymous@ftp.gnu.org/gnu/', 'ftp://ftp.acme.io/pub/'],
  }),
  urlRule({
    id: 'smtp-url-credentials',
    title: 'SMTP URL with password',
    provider: 'SMTP',
    schemes: SCHEMES.smtp,
    keywords: ['smtp', 'submission'],
    remediation:
      'Change the mailbox or relay password (or revoke the app password) at the mail provider and move the URL to a secret store.',
    docs: 'https://www.iana.org/assignments/uri-schemes/prov/smtp',
    positive: [
      'EMAIL_URL=smtp+tls://alerts%40acme.io:Pz4wN8qLk2Vt@smtp.gmail.com:587',
      'MAILER_DSN=smtps://relay:Gd7mQ2xWv9Rk@mail.acme.io:465',
    ],
    negative: ['EMAIL_URL=smtp://mailhog:1025', 'MAILER_DSN=smtp://user:pass@smtp.example.com:25'],
  }),
  urlRule({
    id: 'database-url-credentials',
    title: 'Database, warehouse or broker URL with password',
    provider: 'Database',
    schemes: SCHEMES.other,
    keywords: [
      'snowflake',
      'clickhouse',
      'cassandra',
      'scylla',
      'neo4j',
      'bolt',
      'couchdb',
      'couchbase',
      'elasticsearch',
      'influxdb',
      'oracle',
      'db2',
      'hana',
      'redshift',
      'presto',
      'trino',
      'vertica',
      'tidb',
      'singlestore',
      'memcache',
      'nats',
      'mqtt',
      'kafka',
      'arangodb',
      'rethinkdb',
      'surrealdb',
      'firebird',
      'teradata',
      'exasol',
      'questdb',
      'databricks',
      'sybase',
    ],
    remediation: DB_ROTATE,
    docs: 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1',
    positive: [
      'engine_url = "snowflake://analyst:ofiRDLf3Q6Wg!X@acme-eu.snowflakecomputing.com/ANALYTICS/PUBLIC?warehouse=WH"',
      'NEO4J_URI=neo4j+s://neo4j:Kq9vZ2xLp7Wt@4f2a9c1e.databases.neo4j.io',
      'CLICKHOUSE_URL=clickhouse://reporter:Tz4#mQ8wVx2n@ch.acme-internal.net:9000/events',
    ],
    negative: [
      'snowflake://<user>:<password>@<account>/<database>',
      'neo4j://neo4j:neo4j@localhost:7687',
      'kafka://broker-1.acme.io:9092',
    ],
  }),
  {
    ...urlRule({
      id: 'generic-url-credentials',
      title: 'URL with embedded user name and password (basic auth)',
      provider: 'Generic',
      schemes: SCHEMES.http,
      keywords: ['http://', 'https://'],
      remediation:
        'Revoke the password or token at the service the URL points to and pass credentials through a secret store or credential helper.',
      docs: 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1',
      positive: [
        'git clone https://deploy-bot:Vb8rN3qLz5Kt2Wx9@git.acme-internal.net/platform/infra.git',
        'registry: "https://ci-reader:c7Lq9Tz2WmX4pRk8@nexus.acme.io/repository/npm-group/"',
      ],
      negative: [
        'https://user:password@github.com/org/repo.git',
        'https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/org/repo',
        'git remote add origin https://gitlab-ci-token:$CI_JOB_TOKEN@gitlab.com/group/project.git',
        'git@github.com:org/repo.git',
        'see https://medium.com/@author/post-123 and http://user@host.acme.io/path',
        'https://web.archive.org/web/2020/https://acme.io:8443/a@b',
      ],
    }),
  },
  {
    ...urlRule({
      id: 'connection-string-local',
      title: 'Connection URL with password to a local or single-label host',
      provider: 'Generic',
      schemes: LOCAL_SCHEMES,
      keywords: LOCAL_KEYWORDS,
      remediation:
        'If this password is used beyond a local development setup, change it and load it from an untracked .env file or secret store.',
      docs: 'https://12factor.net/config',
      positive: [
        'DATABASE_URL: postgres://app:Tq8vW2zKp4Lm@db:5432/app',
        'REDIS_URL=redis://:h7Gx2Rk9qWz4@127.0.0.1:6379/1',
      ],
      negative: [
        'DATABASE_URL: postgres://postgres:postgres@db:5432/postgres',
        'amqp://guest:guest@rabbitmq:5672',
        'mongodb://root:example@mongo:27017/',
        'postgres://app:app@localhost/app_test',
      ],
    }),
    severity: 'medium',
    validate: credentialsCheck(true),
  },
  ...parameterRules,
]);
