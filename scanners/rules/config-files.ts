import { isPlaceholder } from '../engine/suppress.js';
import { defineRules } from './define.js';
import { hasKeyStructure, opensshCipher } from './pem-body.js';
import { databaseConfigRules } from './database-config-secrets.js';
import { kubernetesSecretRules } from './kubernetes-secrets.js';
import { webAppSecretRules } from './web-app-secrets.js';
import {
  decodeBase64Text,
  isDocumentationHost,
  isPasswordLike,
  isReference,
  isTokenLike,
  isTrivialPassword,
  safeDecode,
} from './value-shape.js';

/**
 * Credentials in the well-known files of tools: package manager and registry logins, git and
 * netrc credential stores, kubeconfig users, framework secrets. Each rule knows its file's syntax,
 * so it can be more precise than the generic assignment rules that would also see these lines.
 */

/** A literal (not a reference, default or placeholder) that is a plausible password or token. */
function literalSecret(value: string, user?: string): boolean {
  if (isReference(value) || isPlaceholder(value) || isTrivialPassword(value, user)) return false;
  return isPasswordLike(value) || isTokenLike(value);
}

/** `user:password` (as in docker `auth` and npm `_auth`), base64-encoded, with a real password. */
function isBasicCredential(encoded: string): boolean {
  const text = decodeBase64Text(encoded);
  const colon = text?.indexOf(':') ?? -1;
  if (!text || colon < 1 || /[\r\n]/.test(text)) return false;
  const user = text.slice(0, colon);
  const password = text.slice(colon + 1);
  return (
    password.length >= 3 &&
    !isReference(password) &&
    !isPlaceholder(password) &&
    !isTrivialPassword(password, user)
  );
}

/** base64 of a PEM private key, as kubeconfig `client-key-data` holds it. */
function isEncodedPrivateKey(encoded: string): boolean {
  const text = decodeBase64Text(encoded);
  const label = text?.match(/-----BEGIN ((?:RSA |EC |OPENSSH )?PRIVATE KEY)-----/)?.[1];
  if (!text || !label) return false;
  if (label === 'OPENSSH PRIVATE KEY') return opensshCipher(text) !== undefined;
  return hasKeyStructure(
    text,
    label === 'RSA PRIVATE KEY' ? 'pkcs1' : label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8',
  );
}

// Fabricated key, encoded as kubeconfig stores it.
const EC_KEY_PEM = [
  '-----BEGIN EC PRIVATE KEY-----',
  'MHcCAQEEII9IAUUYwbk/xetNmGHr6c2C5iLQsh/uXy5aEvHmPxyeoAoGCCqGSM49',
  'AwEHoUQDQgAESMe0q+VfA7/4qYBpvij64jDiiN/Z+GZ1e3jwdz2RyXtDHIgm1dvI',
  '17AwM199/jqlYEuzBABiJYRnBe/TMqMiPw==',
  '-----END EC PRIVATE KEY-----',
  '',
].join('\n');
const EC_KEY_DATA = Buffer.from(EC_KEY_PEM).toString('base64');
const CERT_DATA = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nMIIBeTCCAR+gAwIBAgIUJHXrRIIxKwFEqEZmi5rC4/z2R5Uw\n-----END CERTIFICATE-----\n',
).toString('base64');

const KUBECONFIG_USER = (field: string, value: string): string =>
  `users:\n- name: ci-deployer\n  user:\n    ${field}: ${value}\n`;

export const rules = defineRules([
  {
    id: 'npmrc-auth-token',
    title: 'Registry auth token in .npmrc',
    provider: 'npm registry',
    severity: 'high',
    keywords: ['_authtoken'],
    pattern:
      /(?<![\w$.])_authToken[ \t]*=[ \t]*(?<q>["']?)(?<secret>[A-Za-z0-9._~+/=:-]{16,512})\k<q>[ \t]*$/m,
    window: { before: 0, after: 600 },
    // npm's legacy tokens are UUIDs, which the other shape checks would not call random.
    validate: (secret) =>
      /^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(secret) || isTokenLike(secret),
    remediation:
      'Revoke the token at the registry (npm: `npm token revoke` or the Access Tokens page) and inject it at install time from a CI secret.',
    docs: 'https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration',
    examples: {
      positive: [
        '//npm.pkg.github.com/:_authToken=7HXMunrzqk3cjDjHd8fmAzAQw_w0KFpC',
        '//nexus.acme.io/repository/npm-group/:_authToken=NpmToken.3f1d9c2a-7b4e-4f0a-9c61-d2e8b5a7f043',
        '@acme:registry=https://acme.jfrog.io/artifactory/api/npm/npm/\n//acme.jfrog.io/artifactory/api/npm/npm/:_authToken="xk-_fSzZMb2c9BL7OTnw9drfU5FEAVZr"',
      ],
      negative: [
        '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
        'this._authToken = authToken;',
        '//registry.npmjs.org/:_authToken=<your-npm-token>',
      ],
    },
  },
  {
    id: 'npmrc-basic-auth',
    title: 'Base64 credentials (_auth / _password) in .npmrc',
    provider: 'npm registry',
    severity: 'high',
    keywords: ['_auth', '_password'],
    pattern:
      /(?<![\w$.])_(?<field>auth|password)[ \t]*=[ \t]*(?<q>["']?)(?<secret>[A-Za-z0-9+/]{8,512}={0,2})\k<q>[ \t]*$/m,
    window: { before: 0, after: 600 },
    validate: (secret, match) => {
      if (match.groups?.['field'] === 'auth') return isBasicCredential(secret);
      const password = decodeBase64Text(secret);
      return password !== undefined && literalSecret(password);
    },
    remediation:
      'Change the registry password (or revoke the token) and inject credentials at install time from a CI secret.',
    docs: 'https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration',
    examples: {
      positive: [
        '_auth=ZGVwbG95ZXI6TDN1V20tMkFGZXZxdWRWWA==',
        '//nexus.acme.io/repository/npm/:username=deployer\n//nexus.acme.io/repository/npm/:_password=ZmlnYnZnbVhJUzZ6ajlJQw==',
      ],
      negative: [
        '_auth=dXNlcjpwYXNzd29yZA==',
        '//nexus.acme.io/:_password=${NEXUS_PASSWORD_B64}',
        'always-auth=true',
      ],
    },
  },
  {
    id: 'yarnrc-npm-auth',
    title: 'Registry credentials in .yarnrc.yml',
    provider: 'npm registry',
    severity: 'high',
    keywords: ['npmauthtoken', 'npmauthident'],
    pattern:
      /\bnpmAuth(?<field>Token|Ident)[ \t]*:[ \t]*(?<q>["']?)(?<secret>[A-Za-z0-9._~+/=:-]{8,512})\k<q>[ \t]*$/m,
    window: { before: 0, after: 600 },
    validate: (secret, match) => {
      if (match.groups?.['field'] === 'Token') return isTokenLike(secret);
      const colon = secret.indexOf(':');
      return colon > 0
        ? literalSecret(secret.slice(colon + 1), secret.slice(0, colon))
        : isBasicCredential(secret);
    },
    remediation:
      'Revoke the token at the registry and provide it through the YARN_NPM_AUTH_TOKEN environment variable in CI.',
    docs: 'https://yarnpkg.com/configuration/yarnrc#npmAuthToken',
    examples: {
      positive: [
        'npmRegistries:\n  "https://npm.acme.io":\n    npmAuthToken: "-M2QM8EDoBEcTgnErewjcMPqExRsj"',
        'npmAuthIdent: "deployer:Kq8vR2mZ7xWt"',
      ],
      negative: ['npmAuthToken: "${NPM_TOKEN}"', 'npmAuthIdent: "username:password"', 'npmAlwaysAuth: true'],
    },
  },
  {
    id: 'pypirc-password',
    title: 'Package index password in .pypirc',
    provider: 'PyPI',
    severity: 'high',
    // `password[ \t]*[:=]` without a bare `password ` (prose is full of those).
    keywords: [
      'password:',
      'password=',
      'password :',
      'password =',
      'password  ',
      'password \t',
      'password\t',
    ],
    pattern:
      /^\[(?<section>[\w.-]{1,64})\][ \t]*\r?\n(?:[ \t]*(?:repository|username|#)[^\r\n]{0,300}\r?\n){1,4}?[ \t]*password[ \t]*[:=][ \t]*(?<secret>\S{3,256})[ \t]*$/m,
    window: { before: 1200, after: 300, multiline: true },
    validate: (secret, match) => {
      const section = (match.groups?.['section'] ?? '').toLowerCase();
      const pypi =
        ['pypi', 'testpypi', 'server-login'].includes(section) || /repository[ \t]*[:=]/i.test(match[0]);
      return (
        pypi &&
        !isReference(secret) &&
        !isTrivialPassword(secret) &&
        (isPasswordLike(secret) || isTokenLike(secret))
      );
    },
    remediation:
      'Remove the API token at pypi.org → Account settings → API tokens (or change the index password) and use trusted publishing or a CI secret.',
    docs: 'https://packaging.python.org/en/latest/specifications/pypirc/',
    examples: {
      positive: [
        '[distutils]\nindex-servers =\n    internal\n\n[internal]\nrepository = https://nexus.acme.io/repository/pypi-internal/\nusername = uploader\npassword = Lp7#vQ2x!Rk9\n',
        '[testpypi]\nusername = release-bot\npassword = U3jo4MQbW_qrQsW6cpuCuv_00eVFpLfQ\n',
      ],
      negative: [
        '[pypi]\nusername = __token__\npassword = <your PyPI token>\n',
        '[pypi]\nusername = __token__\npassword = %(PYPI_TOKEN)s\n',
      ],
    },
  },
  {
    id: 'docker-config-auth',
    title: 'Registry credentials in a Docker config.json',
    provider: 'Container registry',
    severity: 'high',
    keywords: ['"auth"'],
    pattern: /"auth"\s*:\s*"(?<secret>[A-Za-z0-9+/]{8,2048}={0,2})"/,
    window: { before: 0, after: 2200 },
    validate: (secret) => isBasicCredential(secret),
    remediation:
      'Change the registry password or revoke the access token at the registry, then `docker logout` and use a credential helper.',
    docs: 'https://docs.docker.com/reference/cli/docker/login/#credential-stores',
    examples: {
      positive: [
        '{\n  "auths": {\n    "registry.acme.io": {\n      "auth": "Y2ktcHVzaGVyOjJ0eXg4N2R3T0Q3Q0plcjNjZnQ0"\n    }\n  }\n}',
        '{"auths":{"https://index.docker.io/v1/":{"auth":"Y2ktcHVzaGVyOjJ0eXg4N2R3T0Q3Q0plcjNjZnQ0"}}}',
      ],
      negative: [
        '{"auths":{"ghcr.io":{"auth":"dXNlcm5hbWU6cGFzc3dvcmQ="}}}',
        '{"auths":{"registry.acme.io":{}},"credsStore":"desktop"}',
        '{"auth": "bearer", "scope": "pull"}',
      ],
    },
  },
  {
    id: 'git-credentials-entry',
    title: 'Stored git credential (.git-credentials line)',
    provider: 'Git hosting',
    severity: 'high',
    keywords: ['http://', 'https://'],
    pattern:
      /^[ \t]*https?:\/\/(?<user>[^\s:/@]{1,128}):(?<secret>[^\s/@]{1,256})@(?<host>[A-Za-z0-9.-]{1,253})(?::\d{1,5})?\/?[ \t]*$/m,
    window: { before: 8, after: 700 },
    validate: (secret, match) =>
      !isDocumentationHost(match.groups?.['host'] ?? '') &&
      literalSecret(safeDecode(secret), match.groups?.['user']),
    remediation:
      'Revoke the token at the git host (e.g. GitHub → Settings → Developer settings) and use a credential helper instead of the store.',
    docs: 'https://git-scm.com/docs/git-credential-store#_storage_format',
    examples: {
      positive: [
        'https://jdoe:7HXMunrzqk3cjDjHd8fmAzAQw_w0KFpC@git.acme-internal.net',
        'https://build:Xv9%21qLm2Rt8z@bitbucket.org\nhttps://oauth2:w_w0KFpCIF3te3Hopz-qqsnu@gitlab.acme.io\n',
      ],
      negative: [
        'https://username:password@github.com',
        'https://jdoe:$GIT_TOKEN@github.com',
        'https://github.com/acme/infra',
      ],
    },
  },
  {
    id: 'netrc-password',
    title: 'Password in a .netrc entry',
    provider: 'netrc',
    severity: 'high',
    keywords: ['machine'],
    pattern:
      /(?<![\w-])machine[ \t]+(?<host>[^\s]{1,253})(?:\s+(?:login|account|port)[ \t]+(?<user>[^\s]{1,256})){1,3}\s+password[ \t]+(?<q>"?)(?<secret>[^\s"]{1,256})\k<q>/,
    window: { before: 0, after: 1200, multiline: true },
    validate: (secret, match) => literalSecret(secret, match.groups?.['user']),
    remediation:
      'Revoke the password or token at the named host and remove the entry; use a credential helper or CI secret instead.',
    docs: 'https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html',
    examples: {
      positive: [
        'machine api.heroku.com\n  login ops@acme.io\n  password 4e7f0c2d-99a1-4c5b-8d3e-1f6a2b9c7e55Zq\n',
        'machine artifacts.acme.io login ci password Hq3!xVb8Lr2k',
      ],
      negative: [
        'machine github.com login x-access-token password ${{ secrets.GITHUB_TOKEN }}',
        'machine example.com login daniel password qwerty',
        'echo "machine $HOST login $USER password $PASS" > ~/.netrc',
        'machine {full machine name} login {user-id} password "{password}"',
      ],
    },
  },
  {
    id: 'kubeconfig-user-credential',
    title: 'Kubernetes user token or password in a kubeconfig',
    provider: 'Kubernetes',
    severity: 'high',
    keywords: ['user:'],
    pattern:
      /(?<![\w-])user:[ \t]*\r?\n(?:[ \t]+[\w-]{1,64}:[^\r\n]{0,8000}\r?\n){0,8}?[ \t]+(?:token|password):[ \t]*(?<q>["']?)(?<secret>[^\s"']{8,4096})\k<q>[ \t]*$/m,
    window: { before: 0, after: 12000, multiline: true },
    validate: (secret) => literalSecret(secret),
    remediation:
      'Delete the service-account token Secret or rotate the credential in the cluster, and switch CI to short-lived tokens (OIDC / TokenRequest).',
    docs: 'https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/',
    examples: {
      positive: [
        KUBECONFIG_USER('token', 'U3jo4MQbW_qrQsW6cpuCuv_00eVFpLfQ7HXMunrzqk3c'),
        `users:\n- name: admin\n  user:\n    client-certificate-data: ${CERT_DATA}\n    username: admin\n    password: Zr8#kWq2Lp5v\n`,
      ],
      negative: [
        KUBECONFIG_USER('token', '${K8S_TOKEN}'),
        'users:\n- name: gke\n  user:\n    exec:\n      command: gke-gcloud-auth-plugin\n',
        'spec:\n  user:\n    name: build\n    token: tokenFromSecret\n',
      ],
    },
  },
  {
    id: 'kubeconfig-client-key',
    title: 'Kubernetes client private key (client-key-data) in a kubeconfig',
    provider: 'Kubernetes',
    severity: 'critical',
    keywords: ['client-key-data'],
    pattern: /client-key-data["']?[ \t]*:[ \t]*["']?(?<secret>[A-Za-z0-9+/]{100,16000}={0,2})/,
    window: { before: 0, after: 16500 },
    suppress: 'none',
    validate: isEncodedPrivateKey,
    remediation:
      'Revoke the client certificate (rotate the cluster CA or remove the user’s RBAC bindings) and issue short-lived credentials instead.',
    docs: 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates',
    examples: {
      positive: [
        KUBECONFIG_USER('client-key-data', EC_KEY_DATA),
        `"user": {"client-certificate-data": "${CERT_DATA}", "client-key-data": "${EC_KEY_DATA}"}`,
      ],
      negative: [
        KUBECONFIG_USER('client-key-data', CERT_DATA),
        KUBECONFIG_USER(
          'client-key-data',
          Buffer.from(EC_KEY_PEM.replace('AwEHoUQDQgAE', '...')).toString('base64'),
        ),
      ],
    },
  },
  ...kubernetesSecretRules,
  ...webAppSecretRules,
  ...databaseConfigRules,
]);
