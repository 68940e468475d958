import type { Rule } from '../engine/types.js';
import { isPlaceholder } from '../engine/suppress.js';
import { entropy, isPasswordLike, isReference, isTokenLike, isTrivialPassword } from './value-shape.js';

/**
 * Framework and web-server secrets with a fixed home: WordPress `wp-config.php`, Rails
 * `secret_key_base`, Django/Flask `SECRET_KEY`, Laravel `APP_KEY`, Spring `*.password` properties.
 * htpasswd and other password hashes are deliberately not reported: a hash is not a credential.
 */

const WP_SAMPLE = /put your unique phrase here|_here$/i;

/** The top-level YAML key (`production:`, `test:`) above a position, if any. */
function railsEnvironment(before: string): string | undefined {
  const sections = [...before.matchAll(/^(\w+):[ \t]*$/gm)];
  return sections[sections.length - 1]?.[1];
}

function literal(value: string): boolean {
  return !isReference(value) && !isPlaceholder(value) && !isTrivialPassword(value);
}

export const webAppSecretRules: Rule[] = [
  {
    id: 'rails-master-key',
    title: 'Rails master key (decrypts credentials.yml.enc)',
    provider: 'Ruby on Rails',
    severity: 'critical',
    // The file holds nothing but the key, so there is no keyword to find: its name is the context.
    keywords: [],
    paths: /(?:^|\/)config\/(?:master|credentials\/[\w-]{1,40})\.key$/,
    pattern: /^\s*(?<secret>[0-9a-f]{32})\s*$/,
    minEntropy: 3,
    remediation:
      'Rotate with `bin/rails credentials:edit` after generating a new key, re-encrypt every credentials file, and keep the key out of git (config/master.key is in the default .gitignore).',
    docs: 'https://guides.rubyonrails.org/security.html#custom-credentials',
    examples: {
      path: 'config/master.key',
      positive: ['7c1a9e04d35b2f86a0e4c19d7b3f5a28\n', '  e93b04d7a1c6f2580b9d3e7a4c1f6b2d'],
      negative: ['<%= ENV["RAILS_MASTER_KEY"] %>\n', '00000000000000000000000000000000\n'],
    },
  },
  {
    id: 'wordpress-db-password',
    title: 'WordPress database password (wp-config.php)',
    provider: 'WordPress',
    severity: 'high',
    keywords: ['db_password'],
    pattern: /define\(\s*(?<k>['"])DB_PASSWORD\k<k>\s*,\s*(?<q>['"])(?<secret>[^'"\r\n]{3,256}?)\k<q>\s*\)/,
    window: { before: 16, after: 300 },
    validate: (secret) => literal(secret) && !WP_SAMPLE.test(secret),
    remediation: 'Change the MySQL user’s password and read it from the environment in wp-config.php.',
    docs: 'https://developer.wordpress.org/advanced-administration/wordpress/wp-config/',
    examples: {
      positive: ["define( 'DB_PASSWORD', 'Wq8#zLr2Kv9m' );", 'define("DB_PASSWORD", "m4Gt7Xq2pZ");'],
      negative: [
        "define( 'DB_PASSWORD', 'password_here' );",
        "define( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );",
        "define( 'DB_PASSWORD', 'root' );",
      ],
    },
  },
  {
    id: 'wordpress-auth-salt',
    title: 'WordPress authentication key or salt (wp-config.php)',
    provider: 'WordPress',
    severity: 'high',
    keywords: ['auth_key', 'auth_salt', 'logged_in_key', 'logged_in_salt', 'nonce_key', 'nonce_salt'],
    pattern:
      /define\(\s*(?<k>['"])(?:SECURE_)?(?:AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT)\k<k>\s*,\s*'(?<secret>[^'\r\n]{32,128})'\s*\)/,
    window: { before: 24, after: 300 },
    minEntropy: 4,
    // Salts are drawn from all printable characters, so `{{`, `${` or `<…>` occur by chance; the
    // engine's template heuristics would hide real ones.
    suppress: 'none',
    validate: (secret) => !WP_SAMPLE.test(secret) && !/example|xxxx|changeme|placeholder/i.test(secret),
    remediation:
      'Generate new keys and salts (https://api.wordpress.org/secret-key/1.1/salt/); this logs out every session.',
    docs: 'https://developer.wordpress.org/advanced-administration/security/hardening/#security-keys',
    examples: {
      positive: [
        "define( 'AUTH_KEY',         'tW{/kwnfz/.dzx(O|[U)3za^WHtBF} OI){*8ZQ@89mAm-/-0mx+d:gbFfp6Ov7t' );",
        "define('NONCE_SALT', 'h8]Q;2v|Xz@r5K!m^Lw0$Tn7yBp3&Ce9+Gd6~Fs1Jk4Rq8Vx2Hz5Mu7Na0Wb');",
      ],
      negative: [
        "define( 'AUTH_KEY',         'put your unique phrase here' );",
        "define( 'NONCE_KEY', getenv('NONCE_KEY') );",
      ],
    },
  },
  {
    id: 'rails-secret-key-base',
    title: 'Rails secret_key_base',
    provider: 'Ruby on Rails',
    severity: 'high',
    keywords: ['secret_key_base'],
    pattern:
      /(?:secret_key_base|SECRET_KEY_BASE)["']?[ \t]*(?:=>|[:=])[ \t]*["']?(?<secret>[0-9a-f]{64,256})(?![0-9A-Za-z])/,
    // Looks back for the environment section of config/secrets.yml: the test key unlocks nothing.
    window: { before: 600, after: 400, multiline: true },
    minEntropy: 3.2,
    // Only the window's reach (600 characters) is read: slicing from 0 made each match cost the
    // whole window, quadratic on files with many keys.
    validate: (_secret, match) =>
      railsEnvironment(match.input.slice(Math.max(0, match.index - 600), match.index)) !== 'test',
    remediation:
      'Generate a new value with `bin/rails secret`, store it in encrypted credentials or the environment; existing sessions and signed cookies become invalid.',
    docs: 'https://guides.rubyonrails.org/security.html#custom-credentials',
    examples: {
      positive: [
        'production:\n  secret_key_base: 42b6c076660986d06e4f97570a141f2ed6fec5fd16ae6679c4ebb3ba6c2bf4733fc46845ea36431714a6fc4d69fe0398dc48d5631430ef15a3642b00164671f1',
        'SECRET_KEY_BASE=42b6c076660986d06e4f97570a141f2ed6fec5fd16ae6679c4ebb3ba6c2bf473',
      ],
      negative: [
        'production:\n  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>',
        'secret_key_base: ' + '0'.repeat(128),
        'test:\n  secret_key_base: 42b6c076660986d06e4f97570a141f2ed6fec5fd16ae6679c4ebb3ba6c2bf4733fc46845ea3643',
      ],
    },
  },
  {
    id: 'django-secret-key',
    title: 'Django / Flask SECRET_KEY',
    provider: 'Django',
    severity: 'high',
    keywords: ['secret_key'],
    // Also the literal fallback of `os.environ.get("SECRET_KEY", "...")`, which ships to production.
    pattern:
      /\bSECRET_KEY\b["']?\]?\s*=\s*(?:(?:os\.environ\.get|os\.getenv|env(?:\.str)?|config)\(\s*["']\w+["']\s*,\s*(?:default\s*=\s*)?)?(?<q>['"])(?<secret>[^'"\r\n]{24,128})\k<q>/,
    window: { before: 40, after: 300 },
    minEntropy: 3.5,
    validate: (secret) => literal(secret),
    remediation:
      'Generate a new key (django.core.management.utils.get_random_secret_key) and load it from the environment; sessions and signed tokens are invalidated.',
    docs: 'https://docs.djangoproject.com/en/stable/ref/settings/#secret-key',
    examples: {
      positive: [
        "SECRET_KEY = 'django-insecure-$)efsll%n)y-12&0^!$z7=hbb4@d-bi#zr*irkga07&g7v7hq*'",
        'SECRET_KEY = os.environ.get("SECRET_KEY", "w_w0KFpCIF3te3Hopz-qqsnuxk-_fSzZMb2c")',
        "app.config['SECRET_KEY'] = 'U5FEAVZrzi2xWXTaFndEQYPH-M2QM8ED'",
      ],
      negative: [
        "SECRET_KEY = os.environ['SECRET_KEY']",
        "SECRET_KEY = 'django-insecure-change-me-please-this-is-not-secret'",
        'SECRET_KEY = get_random_secret_key()',
      ],
    },
  },
  {
    id: 'laravel-app-key',
    title: 'Laravel APP_KEY',
    provider: 'Laravel',
    severity: 'high',
    keywords: ['app_key'],
    pattern: /(?<![\w])APP_KEY\s*=\s*["']?base64:(?<secret>[A-Za-z0-9+/]{43}=)/,
    window: { before: 0, after: 200 },
    validate: (secret) => Buffer.from(secret, 'base64').length === 32 && entropy(secret) > 4,
    remediation:
      'Run `php artisan key:generate` for a new key and re-encrypt stored encrypted values; keep .env out of git.',
    docs: 'https://laravel.com/docs/encryption#configuration',
    examples: {
      positive: [
        'APP_KEY=base64:oK9IDrk9KHJ6VXOfPECRaGIGq0lCU6Vg3zGSE6h1ZAQ=',
        "'key' => env('APP_KEY', 'x'),\nAPP_KEY=\"base64:oK9IDrk9KHJ6VXOfPECRaGIGq0lCU6Vg3zGSE6h1ZAQ=\"",
      ],
      negative: ['APP_KEY=', 'APP_KEY=base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    },
  },
  {
    id: 'aspnet-machine-key',
    title: 'ASP.NET machineKey validation or decryption key',
    provider: 'ASP.NET',
    severity: 'high',
    keywords: ['validationkey', 'decryptionkey'],
    // Each attribute is its own finding; the lookbehind ties it to the <machineKey> element.
    pattern:
      /\b(?:validationKey|decryptionKey)(?<=<machineKey\b[^>]{0,600}?(?:validationKey|decryptionKey))\s*=\s*"(?<secret>[0-9A-Fa-f]{32,256})"/,
    window: { before: 700, after: 400, multiline: true },
    minEntropy: 3,
    remediation:
      'Generate new keys (IIS Manager or PowerShell), deploy them to every server in the farm, and keep them in protected configuration.',
    docs: 'https://learn.microsoft.com/en-us/aspnet/whitepapers/aspnet-data-protection-machinekey',
    examples: {
      positive: [
        '<system.web>\n  <machineKey validationKey="F1A7CD18BC75E355DE6A695A883F3FB4545832A6A119469058B06AA34556539C2290B5BF0BFC247E94A73D20B7DCDA8FBD530ABB131255E56CC9662A396EA97B"\n              decryptionKey="CA011349E9EDCC89C0DAD294C2C44D9AE2D22A078950E38105E345C31E490667"\n              validation="HMACSHA256" decryption="AES" />',
        '<machineKey decryptionKey="CA011349E9EDCC89C0DAD294C2C44D9AE2D22A078950E38105E345C31E490667" validation="SHA1" />',
      ],
      negative: [
        '<machineKey validationKey="AutoGenerate,IsolateApps" decryptionKey="AutoGenerate,IsolateApps" />',
        '<add key="validationKey" value="F1A7CD18BC75E355DE6A695A883F3FB4545832A6A119469058B06AA34556539C" />',
      ],
    },
  },
  {
    id: 'spring-property-password',
    title: 'Password in Spring Boot properties',
    provider: 'Spring',
    severity: 'high',
    keywords: ['spring.'],
    // `${ENV_VAR:default}` resolves to the literal default when the variable is unset.
    pattern:
      /(?<![\w.-])spring\.[\w.-]{1,80}?\.password[ \t]*[=:][ \t]*(?:\$\{[\w.-]{1,80}:)?(?<secret>[^\s'"}]{1,256})/,
    window: { before: 0, after: 400 },
    validate: (secret) => literal(secret) && (isPasswordLike(secret) || isTokenLike(secret)),
    remediation:
      'Change the password at the service it belongs to and supply it through an environment variable or Spring Cloud Config with a secret backend.',
    docs: 'https://docs.spring.io/spring-boot/reference/features/external-config.html',
    examples: {
      positive: [
        'spring.datasource.password=Rk7#pVz2Qw9x',
        'spring.rabbitmq.password=${RABBIT_PASSWORD:Lm4xQz8Wv2Tk}',
        'spring.data.redis.password: Hn5Vq2Xz8Kw3',
      ],
      negative: [
        'spring.datasource.password=${DB_PASSWORD}',
        'spring.datasource.password=',
        'spring.security.user.password=admin',
      ],
    },
  },
];
