import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { compileRules, detect } from '../../../scanners/engine/detect.js';
import type { Finding } from '../../../scanners/engine/types.js';
import { builtinRules } from '../../../scanners/rules/index.js';
import { rules as privateKeyRules } from '../../../scanners/rules/private-keys.js';

const all = compileRules(builtinRules);
const scan = (text: string, path = 'fixture.txt'): Finding[] => detect({ text, path }, all);
const summary = (text: string): { ruleId: string; secret: string }[] =>
  scan(text).map((f) => ({ ruleId: f.ruleId, secret: f.secret }));

// Fabricated key material, generated per run.
const rsa4096 = generateKeyPairSync('rsa', { modulusLength: 4096 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

const exampleOf = (id: string): string => {
  const rule = privateKeyRules.find((r) => r.id === id);
  if (!rule?.examples.positive[0]) throw new Error(`no example for ${id}`);
  return rule.examples.positive[0];
};

const CERTIFICATE = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBmTCCAT+gAwIBAgIUX3A5NNVFONLORs3VJ2FITvT8oTUwCgYIKoZIzj0EAwIw',
  'IjEgMB4GA1UEAwwXZml4dHVyZS5rZXlsZXNzLmludmFsaWQwHhcNMjYxMTIyMjAw',
  'NTEzWhcNMzYxMTE5MjAwNTEzWjAiMSAwHgYDVQQDDBdmaXh0dXJlLmtleWxlc3Mu',
  'aW52YWxpZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABEjHtKvlXwO/+KmAab4o',
  '+uIw4ojf2fhmdXt48Hc9kcl7QxyIJtXbyNewMDNfff46pWBLswQAYiWEZwXv0zKj',
  'Ij+jUzBRMB0GA1UdDgQWBBR5XG8ObIyFVLH1r9ad1ksWVP693DAfBgNVHSMEGDAW',
  'gBR5XG8ObIyFVLH1r9ad1ksWVP693DAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49',
  'BAMCA0gAMEUCIQDYTBUHZBWXzfArcavAFBPt2yj8zKhS6E7Ed4gGsuZpSAIgGU7P',
  'bVyXXtt6rratDF++CjO6u4Y4X7+QMvXUAS6U8b0=',
  '-----END CERTIFICATE-----',
].join('\n');

describe('private keys', () => {
  it('reports a 4096-bit RSA key (PKCS#1) as one finding covering the whole block', () => {
    const pem = rsa4096.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const findings = scan(`# deploy key\n${pem}\n# end\n`);
    expect(findings.map((f) => f.ruleId)).toEqual(['private-key-rsa']);
    expect(findings[0]?.secret).toBe(pem.trim());
    expect(findings[0]?.severity).toBe('critical');
  });

  it('reports the same key as PKCS#8, and encrypted PKCS#8 at lower severity', () => {
    const plain = rsa4096.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const encrypted = rsa4096.privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'fixture-passphrase-7Qz',
    }) as string;
    expect(scan(plain).map((f) => [f.ruleId, f.severity])).toEqual([['private-key-pkcs8', 'critical']]);
    expect(scan(encrypted).map((f) => [f.ruleId, f.severity])).toEqual([
      ['private-key-pkcs8-encrypted', 'high'],
    ]);
  });

  it('reports a short ed25519 OpenSSH key as one finding', () => {
    const block = exampleOf('private-key-openssh');
    const findings = scan(`id_ed25519:\n${block}\n`);
    expect(findings.map((f) => f.ruleId)).toEqual(['private-key-openssh']);
    expect(findings[0]?.secret).toBe(block);
    expect(block.split('\n').length).toBeLessThanOrEqual(8);
  });

  it('finds keys embedded as JSON strings with \\n escapes and in YAML block scalars', () => {
    const pem = ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    const json = JSON.stringify({ type: 'service_account', private_key: pem });
    const yaml = `tls:\n  key: |\n${pem
      .trim()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n`;
    expect(scan(json).map((f) => f.ruleId)).toEqual(['private-key-ec']);
    expect(scan(yaml).map((f) => f.ruleId)).toEqual(['private-key-ec']);
    const pkcs8 = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(scan(`SIGNING_KEY="${pkcs8.trim().replace(/\n/g, '\\n')}"`).map((f) => f.ruleId)).toEqual([
      'private-key-pkcs8',
    ]);
  });

  it('reports neither certificates nor public keys', () => {
    const spki = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const pkcs1Public = rsa4096.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(scan(CERTIFICATE)).toEqual([]);
    expect(scan(spki)).toEqual([]);
    expect(scan(pkcs1Public)).toEqual([]);
  });

  it('does not report elided, truncated or made-up bodies', () => {
    const pem = rsa4096.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const lines = pem.trim().split('\n');
    const elided = [lines[0], lines[1], '...', lines[lines.length - 1]].join('\n');
    const truncated = [...lines.slice(0, 20), lines[lines.length - 1]].join('\n');
    const madeUp = [
      lines[0],
      'MIIEowIBAAKCAQEAk1fYh3bG9r2Lq7vZc8XwT5yN0pQ4mR6sU2tV8wA1bC3dE5f',
      lines.at(-1),
    ].join('\n');
    expect(scan(elided)).toEqual([]);
    expect(scan(truncated)).toEqual([]);
    expect(scan(madeUp)).toEqual([]);
  });
});

describe('connection strings', () => {
  it.each([
    [
      'postgres://app:Tq8v%40W2zKp4Lm@db.acme-internal.net:5432/app',
      'postgres-connection-string',
      'Tq8v%40W2zKp4Lm',
    ],
    [
      'MONGO_URI=mongodb+srv://api:KA97x3kzRWjY3t5i@cluster0.q7bxz.mongodb.net/prod',
      'mongodb-connection-string',
      'KA97x3kzRWjY3t5i',
    ],
    ['mysql://shop:p@ss-9Xq2Lz@mysql.acme.io:3306/shop', 'mysql-connection-string', 'p@ss-9Xq2Lz'],
    [
      'REDIS_URL=rediss://:jw0YUll9PDgSF_Q8@cache.acme.io:6380/0',
      'redis-connection-string',
      'jw0YUll9PDgSF_Q8',
    ],
    ['amqps://worker:YuUQD6bZ-EAFyP9f@mq.acme.io:5671/prod', 'amqp-connection-string', 'YuUQD6bZ-EAFyP9f'],
    [
      'jdbc:mysql://mysql.acme.io/orders?user=orders&password=Fq8Lz3Wk9Tm2&useSSL=true',
      'jdbc-url-password',
      'Fq8Lz3Wk9Tm2',
    ],
    ['jdbc:oracle:thin:billing/Hp3Xv8Qz6Lk2@ora-prd.acme.io:1521/BILL', 'jdbc-url-password', 'Hp3Xv8Qz6Lk2'],
    [
      'Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;User ID=shop;Password=Zk7mP2qW9vLx;Encrypt=True;',
      'adonet-connection-string-password',
      'Zk7mP2qW9vLx',
    ],
    [
      'git clone https://bot:Vb8rN3qLz5Kt2Wx9@git.acme-internal.net/infra.git',
      'generic-url-credentials',
      'Vb8rN3qLz5Kt2Wx9',
    ],
    ['DATABASE_URL: postgres://app:Tq8vW2zKp4Lm@db:5432/app', 'connection-string-local', 'Tq8vW2zKp4Lm'],
  ])('%s -> exactly the password', (text, ruleId, secret) => {
    expect(summary(text)).toEqual([{ ruleId, secret }]);
  });

  it.each([
    'postgres://${DB_USER}:${DB_PASS}@db.acme.io/app',
    'postgres://app:$DB_PASS@db.acme.io/app',
    'postgresql://%(user)s:%(pass)s@%(host)s/%(db)s',
    'mysql://app:{{ .pass }}@mysql.acme.io/app',
    'mongodb://app:<password>@mongo.acme.io/app',
    'postgresql://user:password@db.acme.io/app',
    'redis://user:pass@cache.acme.io:6379',
    'amqp://guest:guest@rabbit.acme.io:5672',
    'postgres://postgres:postgres@localhost:5432/postgres',
    'mysql://root:root@127.0.0.1/test',
    'postgres://reader@db.acme.io:5432/metrics',
    'git@github.com:acme/infra.git',
    'see http://user@host.acme.io/path and https://medium.com/@acme/post',
    'https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/acme/infra',
  ])('no credential in %s', (text) => {
    expect(summary(text)).toEqual([]);
  });
});

describe('config files', () => {
  it('reports only the credential entries of a Kubernetes Secret', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: ${b64('app_user')}\n  host: ${b64('pg.acme.io')}\n  password: ${b64('Vq3F0mYX6-wtMWiQ5Kj')}\n`;
    expect(summary(manifest)).toEqual([
      { ruleId: 'kubernetes-secret-data', secret: b64('Vq3F0mYX6-wtMWiQ5Kj') },
    ]);
  });

  it('reads the user:password inside docker auth and rejects placeholders', () => {
    const auth = Buffer.from('ci-pusher:2tyx87dwOD7CJer3cft4').toString('base64');
    expect(summary(`{"auths":{"registry.acme.io":{"auth":"${auth}"}}}`)).toEqual([
      { ruleId: 'docker-config-auth', secret: auth },
    ]);
    const placeholder = Buffer.from('user:password').toString('base64');
    expect(summary(`{"auths":{"registry.acme.io":{"auth":"${placeholder}"}}}`)).toEqual([]);
  });
});

describe('generic rules', () => {
  it.each([
    ['db_password = "Tr0ub4dor&3"', 'generic-password', 'Tr0ub4dor&3'],
    ['password: S3cure!Passw0rd', 'generic-password', 'S3cure!Passw0rd'],
    ["DB_PASS='x9#Kq2!mVz'", 'generic-password', 'x9#Kq2!mVz'],
    ["$db = new PDO($dsn, 'app', 'x', ['password' => 'Qm4!zRt8Lv'])", 'generic-password', 'Qm4!zRt8Lv'],
    ['"apiKey": "fa07cdc8d921c228eb9bdcf1784a00ea",', 'generic-api-key', 'fa07cdc8d921c228eb9bdcf1784a00ea'],
    [
      'const clientSecret: string = "_C1LilCdx5ZafPqSSNIwIFmIcUw";',
      'generic-secret',
      '_C1LilCdx5ZafPqSSNIwIFmIcUw',
    ],
    ['  auth_token: ZDeZJoZwbITr1SibDn4V8KBonWU', 'generic-token', 'ZDeZJoZwbITr1SibDn4V8KBonWU'],
    ['pgcli --password=Kq7!vTz2mW9x -h db', 'generic-cli-password', 'Kq7!vTz2mW9x'],
    ['{:db-password "Wq4#zLm8Rt2v" :db-user "app"}', 'generic-password', 'Wq4#zLm8Rt2v'],
    ['grafana_admin_password: Saffron.Cobalt28%', 'generic-password', 'Saffron.Cobalt28%'],
    ['db_password          = "qDSYlrHxVMSwn7P5-"', 'generic-password', 'qDSYlrHxVMSwn7P5-'],
    [
      'GET /export?access_token=hOPw413ZBSmGYrj_bh-wLSrJJ7U&format=csv',
      'generic-token',
      'hOPw413ZBSmGYrj_bh-wLSrJJ7U',
    ],
    [
      'curl -H "Authorization: Bearer qx5a0iw2Yp3k6UlRqRF6bDrmjMo" https://api.acme.io',
      'generic-auth-header-bearer',
      'qx5a0iw2Yp3k6UlRqRF6bDrmjMo',
    ],
  ])('%s -> %s', (text, ruleId, secret) => {
    expect(summary(text)).toEqual([{ ruleId, secret }]);
  });

  // Realistic code and configuration lines that name secrets without containing one.
  const codeLines = [
    // TypeScript
    'const password = process.env.DB_PASSWORD;',
    "const apiKey: string = core.getInput('api-key', { required: true });",
    'export interface LoginRequest { username: string; password: string }',
    'this.token = await this.auth.getAccessToken();',
    'const secret = await client.getSecret({ name: secretName });',
    "if (password !== confirmPassword) throw new Error('passwords differ');",
    'headers: { Authorization: `Bearer ${token}` },',
    'password: z.string().min(12).max(128),',
    "token: jwt.sign(payload, secret, { expiresIn: '1h' }),",
    'const PASSWORD_MIN_LENGTH = 12;',
    'apiKey: options.apiKey ?? readConfig().apiKey,',
    "const token = localStorage.getItem('token');",
    // Python
    'password = os.environ.get("DB_PASSWORD")',
    'api_key = getpass.getpass("API key: ")',
    'secret_key: str = Field(..., env="SECRET_KEY")',
    'token = request.headers.get("Authorization", "").removeprefix("Bearer ")',
    'parser.add_argument("--password", help="database password")',
    'self.password = kwargs.pop("password", None)',
    'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
    'PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]',
    'auth = HTTPBasicAuth(username, password)',
    'auth_token = None',
    // Go
    'password := os.Getenv("DB_PASSWORD")',
    'Token: cfg.Token,',
    'apiKey, err := secrets.Get(ctx, "stripe-api-key")',
    'Password string `json:"password" yaml:"password"`',
    'if token == "" { return errMissingToken }',
    // Java
    'String password = System.getenv("DB_PASSWORD");',
    '@Value("${app.jwt.secret}") private String jwtSecret;',
    'private final String apiKey;',
    'user.setPassword(passwordEncoder.encode(rawPassword));',
    // YAML and env files
    'password: ${{ secrets.DB_PASSWORD }}',
    'token: "{{ vault_github_token }}"',
    'secretKeyRef:\n  name: db-credentials\n  key: password',
    'api_key: !vault |',
    'password: ENC[AES256_GCM,data:Tr3cZ8Q=,iv:abc,tag:def,type:str]',
    'secret: my-app-tls',
    'password: !Ref DatabasePassword',
    "client_secret: '{{ .Values.oauth.clientSecret }}'",
    'token_url: https://oauth2.googleapis.com/token',
    'DB_PASSWORD=',
    'API_KEY=<your-api-key>',
    '"password": null,',
    'password = "********"',
    'password = "Password123!"',
    'integrity: sha512-3oZbh6TdNJfzSrNbhMq0LB7VMV+ABg/iGljkcVdj1ekc72lT9zWrW7FxqB5xOFN7BjMTqGOrdcqcuSW8rp1zSQ==',
    'resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c"',
    'api_key: 9b2f4c1e-6a3d-4f8b-9c7e-2d1a5b6e8f30',
    'checksum_token: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"  # sha256',
    // Hashes, translations, dummy values and patterns
    '{ "email": "ana@acme.io", "password": "$2b$12$KIXQJrGsl1dXo0ZQ8Vq3cOjL6lUe7nS2xYtW4mR9pB5aH1fD3gE8u" }',
    '"password": "Contraseña",',
    'password = "test-password-123"',
    'API_KEY=my_test_api_key_12345',
    'PASSWORD_PATTERN = r"^(?=.*[A-Z])(?=.*\\d).{12,}$"',
    'password = getpass.getpass(prompt="Password: ")',
    'auth = scram.Auth{User: user, Pass: password}',
  ];

  it('has at least 30 code-shaped negatives', () => {
    expect(codeLines.length).toBeGreaterThanOrEqual(30);
  });

  it.each(codeLines)('no generic finding in %s', (line) => {
    expect(summary(line).filter((f) => f.ruleId.startsWith('generic-'))).toEqual([]);
  });
});

describe('kubeconfig', () => {
  it('reports a service-account JWT under a kubeconfig user as the kubeconfig credential', () => {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = [
      part({ alg: 'RS256', kid: 'kQ7vZ2xLp9Wt' }),
      part({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ci:deployer' }),
      'Xq9vT2mLz7RkWp4NsB8cYd3FhJ6gKa1E',
    ].join('.');
    const kubeconfig = `users:\n- name: deployer\n  user:\n    token: ${jwt}\n`;
    expect(summary(kubeconfig)).toEqual([{ ruleId: 'kubeconfig-user-credential', secret: jwt }]);
  });
});
