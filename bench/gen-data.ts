import { B64, type Rng } from './prng.js';
import {
  NOUNS,
  NPM_PACKAGES,
  PROJECT_WORDS,
  camel,
  fill,
  fnName,
  hostname,
  isoDate,
  kebab,
  sentence,
  snake,
  upperSnake,
  version,
} from './vocab.js';

/**
 * Configuration, documentation, lock files, bundles and data. Lock files and bundles matter most for a
 * scanner: they are large and full of high-entropy strings (integrity hashes, minified names) that are
 * not secrets.
 */

export function yaml(rng: Rng, size: number): string {
  const flavour = rng.int(0, 2);
  if (flavour === 0) {
    const make = (): string => {
      const name = kebab(rng);
      return (
        `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\nspec:\n  replicas: ${rng.int(1, 6)}\n` +
        `  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: registry.acme.io/${name}:${version(rng)}\n` +
        `          env:\n            - name: ${upperSnake(rng)}_PASSWORD\n              valueFrom:\n                secretKeyRef:\n` +
        `                  name: ${name}-secrets\n                  key: password\n            - name: AUTH_TOKEN_TTL\n              value: "${rng.int(60, 86400)}"\n`
      );
    };
    return fill(size, make);
  }
  if (flavour === 1) {
    const make = (): string =>
      `  ${snake(rng)}:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n      contents: read\n    steps:\n` +
      `      - uses: actions/checkout@${rng.hex(40)}\n      - run: npm ci && npm run ${rng.pick(['build', 'test', 'lint'])}\n` +
      `        env:\n          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}\n          ${upperSnake(rng)}_KEY: \${{ secrets.${upperSnake(rng)}_KEY }}\n`;
    return fill(size, make, `name: ${kebab(rng)}\non:\n  push:\n    branches: [main]\njobs:\n`);
  }
  const make = (): string =>
    `  ${snake(rng)}:\n    enabled: ${rng.chance(0.5)}\n    timeout: ${rng.int(1, 120)}s\n    auth:\n      type: ${rng.pick(['oauth2', 'basic', 'none', 'mtls'])}\n` +
    `      token_url: https://${hostname(rng)}/oauth/token\n      client_id: ${kebab(rng)}\n      secret_ref: vault:kv/${rng.pick(NOUNS)}#client_secret\n`;
  return fill(size, make, `# ${sentence(rng)}\nversion: 2\nservices:\n`);
}

export function jsonConfig(rng: Rng, size: number): string {
  const make = (): string =>
    `  "${camel(rng)}": { "enabled": ${rng.chance(0.5)}, "url": "https://${hostname(rng)}/${rng.pick(NOUNS)}", "tokenHeader": "X-${kebab(rng)}-Token", "retries": ${rng.int(0, 9)} },\n`;
  return fill(size, make, '{\n', `  "version": "${version(rng)}"\n}\n`);
}

export function jsonData(rng: Rng, size: number): string {
  const make = (): string =>
    `  {"id":"${rng.uuid()}","${camel(rng)}":"${kebab(rng)}","createdAt":"${isoDate(rng)}","sha":"${rng.hex(40)}","score":${rng.int(0, 100000) / 100},"tags":["${rng.pick(NOUNS)}","${rng.pick(NOUNS)}"],"authProvider":"${rng.pick(['github', 'google', 'saml', 'password'])}"},\n`;
  return fill(size, make, '[\n', `  {"id":"${rng.uuid()}"}\n]\n`);
}

export function packageJson(rng: Rng, size: number): string {
  const deps = (): string =>
    NPM_PACKAGES.filter(() => rng.chance(0.3))
      .map((p) => `    "${p}": "^${version(rng)}"`)
      .join(',\n');
  const text =
    `{\n  "name": "@acme/${kebab(rng)}",\n  "version": "${version(rng)}",\n  "private": true,\n  "scripts": {\n    "build": "tsc -p .",\n    "test": "jest",\n` +
    `    "login": "npm login --auth-type=web"\n  },\n  "dependencies": {\n${deps()}\n  },\n  "devDependencies": {\n${deps()}\n  }\n}\n`;
  return text.length >= size ? text : jsonConfig(rng, size);
}

export function markdown(rng: Rng, size: number): string {
  const make = (): string =>
    rng.pick([
      `\n## ${sentence(rng, 2, 5).replace('.', '')}\n\n${sentence(rng)} ${sentence(rng)} ${sentence(rng)}\n`,
      `\n- ${sentence(rng, 4, 10)}\n- ${sentence(rng, 4, 10)}\n- Set \`${upperSnake(rng)}_TOKEN\` in your environment; never commit the token.\n`,
      `\n\`\`\`bash\nexport ${upperSnake(rng)}_API_KEY=<your key>\n${rng.pick(PROJECT_WORDS)} login --password-stdin < ./password.txt\n\`\`\`\n`,
      `\n| Option | Default | Description |\n| --- | --- | --- |\n| \`${camel(rng)}\` | \`${rng.int(0, 100)}\` | ${sentence(rng, 4, 10)} |\n| \`secretName\` | \`${kebab(rng)}\` | Kubernetes secret holding the auth key. |\n`,
    ]);
  return fill(size, make, `# ${rng.pick(PROJECT_WORDS)}\n\n${sentence(rng)}\n`);
}

export function config(rng: Rng, size: number): string {
  const flavour = rng.int(0, 2);
  const make = (): string => {
    const key = snake(rng);
    if (flavour === 0)
      return `${key}.${rng.pick(NOUNS)}=${rng.pick([kebab(rng), String(rng.int(0, 9999)), '${' + upperSnake(rng) + '}'])}\n`;
    if (flavour === 1)
      return `\n[${key}]\nhost = "${hostname(rng)}"\npassword_file = "/run/secrets/${rng.pick(NOUNS)}"\ntimeout_ms = ${rng.int(100, 60000)}\n`;
    return `# ${sentence(rng, 3, 8)}\n${upperSnake(rng)}=\n`;
  };
  return fill(size, make);
}

function sri(rng: Rng): string {
  return `sha512-${rng.chars(B64, 86)}==`;
}

export function packageLock(rng: Rng, size: number): string {
  const make = (): string => {
    const name = rng.chance(0.3)
      ? `@${rng.pick(PROJECT_WORDS)}/${kebab(rng)}`
      : `${kebab(rng)}${rng.chance(0.5) ? '-' + rng.pick(NOUNS) : ''}`;
    const v = version(rng);
    return (
      `    "node_modules/${name}": {\n      "version": "${v}",\n      "resolved": "https://registry.npmjs.org/${name}/-/${name.split('/').pop() ?? name}-${v}.tgz",\n` +
      `      "integrity": "${sri(rng)}",\n      "dev": ${rng.chance(0.6)},\n      "license": "${rng.pick(['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause'])}",\n` +
      `      "dependencies": {\n        "${rng.pick(NPM_PACKAGES)}": "^${version(rng)}"\n      }\n    },\n`
    );
  };
  return fill(
    size,
    make,
    `{\n  "name": "${kebab(rng)}",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n`,
    '    "": {}\n  }\n}\n',
  );
}

export function yarnLock(rng: Rng, size: number): string {
  const make = (): string => {
    const name = kebab(rng);
    const v = version(rng);
    return `\n"${name}@^${v}":\n  version "${v}"\n  resolved "https://registry.yarnpkg.com/${name}/-/${name}-${v}.tgz#${rng.hex(40)}"\n  integrity ${sri(rng)}\n`;
  };
  return fill(
    size,
    make,
    '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n',
  );
}

export function goSum(rng: Rng, size: number): string {
  const make = (): string => {
    const mod = `github.com/${rng.pick(PROJECT_WORDS)}/${kebab(rng)}`;
    const v = `v${version(rng)}`;
    return `${mod} ${v} h1:${rng.chars(B64, 43)}=\n${mod} ${v}/go.mod h1:${rng.chars(B64, 43)}=\n`;
  };
  return fill(size, make);
}

export function poetryLock(rng: Rng, size: number): string {
  const make = (): string => {
    const name = kebab(rng);
    const v = version(rng);
    return `\n[[package]]\nname = "${name}"\nversion = "${v}"\ndescription = "${sentence(rng, 3, 8)}"\noptional = false\npython-versions = ">=3.8"\nfiles = [\n    {file = "${name}-${v}.tar.gz", hash = "sha256:${rng.hex(64)}"},\n]\n`;
  };
  return fill(
    size,
    make,
    '# This file is automatically @generated by Poetry and should not be changed by hand.\n',
  );
}

/** One very long line, as bundlers emit: short names, string tables, embedded base64 assets. */
export function minified(rng: Rng, size: number): string {
  const short = (): string => rng.chars('abcdefghijklmnopqrstuvwxyz$_', rng.int(1, 2));
  const make = (): string =>
    rng.pick([
      `function ${short()}(${short()},${short()}){return ${short()}.${camel(rng)}(${short()})||${short()}.token}`,
      `var ${short()}=${short()}.auth&&${short()}.auth.${camel(rng)},${short()}="${kebab(rng)}";`,
      `${short()}.prototype.${fnName(rng)}=function(${short()}){if(!this.apiKey)throw new Error("api key required");return this.${camel(rng)}[${short()}]};`,
      `${short()}("${rng.pick(NOUNS)}",{password:${short()},secret:void 0,timeout:${rng.int(0, 9e4)}});`,
      `url("data:image/png;base64,${rng.chars(B64, rng.int(40, 400))}");`,
      `${short()}=[${Array.from({ length: 8 }, () => rng.int(0, 65535)).join(',')}];`,
    ]);
  return fill(size, make, '/*! bundle ' + version(rng) + ' | MIT */', '\n');
}

export function csv(rng: Rng, size: number): string {
  const make = (): string =>
    `${rng.uuid()},${rng.pick(NOUNS)}_${rng.int(1, 99999)},${isoDate(rng)},${rng.int(0, 1e6) / 100},${rng.pick(['active', 'disabled', 'pending'])},${rng.hex(12)},${rng.pick(['password', 'sso', 'api_key', 'oauth'])}\n`;
  return fill(size, make, 'id,username,created_at,balance,status,session_hash,auth_method\n');
}

export function log(rng: Rng, size: number): string {
  const make = (): string => {
    const at = isoDate(rng);
    const ip = `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    return rng.pick([
      `${at} INFO  [${kebab(rng)}] ${ip} "GET /api/v1/${rng.pick(NOUNS)}s/${rng.int(1, 99999)} HTTP/1.1" 200 ${rng.int(100, 99999)} rid=${rng.hex(16)} ${rng.int(1, 900)}ms\n`,
      `${at} WARN  [auth] token refresh failed for user_id=${rng.int(1, 1e6)}: ${rng.pick(['expired', 'revoked', 'timeout'])}; retry=${rng.int(1, 5)}\n`,
      `${at} DEBUG [${snake(rng)}] loaded config key=${snake(rng)} source=env secret=<redacted> trace=${rng.hex(32)}\n`,
      `${at} ERROR [db] password authentication failed for user "${rng.pick(NOUNS)}" host=${ip}\n`,
    ]);
  };
  return fill(size, make);
}

const LOCALE_WORDS = [
  'Passwort',
  'Schlüssel',
  'Anmeldung',
  'mot de passe',
  'clé',
  'connexion',
  'contraseña',
  'sesión',
  'パスワード',
  'ログイン',
  '設定',
  '密码',
  '令牌',
  'пароль',
  'ключ',
  'настройки',
  'çalışma',
  'ß',
  'naïve',
];

/** Translation catalogues: the non-ASCII text most repositories carry somewhere. */
export function locale(rng: Rng, size: number): string {
  const make = (): string => {
    const words = Array.from({ length: rng.int(2, 6) }, () => rng.pick(LOCALE_WORDS)).join(' ');
    return `  "${rng.pick(NOUNS)}.${camel(rng)}": "${words} {${camel(rng)}}",\n`;
  };
  return fill(size, make, '{\n', '  "_": ""\n}\n');
}
