import type { Rule } from '../engine/types.js';
import { isPlaceholder } from '../engine/suppress.js';
import {
  decodeBase64Text,
  isPasswordLike,
  isReference,
  isTokenLike,
  isTrivialPassword,
} from './value-shape.js';

/**
 * Values of Kubernetes `Secret` manifests. `data:` holds base64 of arbitrary bytes, so a value is
 * reported only when what it decodes to looks like a credential — user names, hosts, ports and
 * certificates are also stored there and are not secrets.
 */

/** Entries that hold identifiers or public material rather than credentials. */
const NON_SECRET_KEYS =
  /^(?:user(?:_?name)?|login|host(?:name)?|server|port|database|db(?:_?name)?|namespace|schema|region|cluster|email|driver|protocol|path|endpoint|url|uri|.+\.(?:crt|pub|cer))$/i;

const URL_WITH_PASSWORD = /[a-z][\w+.-]{1,20}:\/\/[^\s:/@]{0,128}:(?<password>[^\s/@]{3,256})@/i;
const ASSIGNED_SECRET =
  /(?:password|passwd|secret|token|api[_-]?key)["']?\s*[:=]\s*["']?(?<value>[^\s"',;]{6,256})/i;

/** True when the (decoded) value of entry `key` is something an attacker could log in with. */
export function looksLikeCredential(key: string, value: string): boolean {
  if (/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(value)) return true;
  if (/-----BEGIN (?:CERTIFICATE|PUBLIC KEY)/.test(value)) return false;
  const url = value.match(URL_WITH_PASSWORD)?.groups?.['password'];
  if (url !== undefined) return !isReference(url) && !isPlaceholder(url) && !isTrivialPassword(url);
  if (/[\r\n]/.test(value) || value.trimStart().startsWith('{')) {
    // A config file or JSON document (`.dockerconfigjson`, `application.properties`) stored whole.
    const assigned = value.match(ASSIGNED_SECRET)?.groups?.['value'];
    if (/"auths?"\s*:/.test(value)) return true;
    return (
      assigned !== undefined &&
      !isReference(assigned) &&
      !isPlaceholder(assigned) &&
      !isTrivialPassword(assigned)
    );
  }
  if (NON_SECRET_KEYS.test(key) || isReference(value) || isPlaceholder(value) || isTrivialPassword(value))
    return false;
  return isPasswordLike(value) || isTokenLike(value);
}

/**
 * The entry lines of a `data:`/`stringData:` block: the lookbehind walks back over its siblings. Each
 * sibling is one indent character then the rest of its line — with `[ \t]+[^\r\n]*` a line of n spaces
 * could be split n ways, and a hundred such lines made the walk back exponential.
 */
function entryUnder(block: 'data' | 'stringData', value: string): RegExp {
  return new RegExp(
    String.raw`^[ \t]+(?<key>[\w.-]{1,253}):[ \t]*${value}[ \t]*$` +
      String.raw`(?<=^[ \t-]*${block}:[ \t]*\r?\n(?:[ \t][^\r\n]*\r?\n){0,100}[^\r\n]*)`,
    'm',
  );
}

const KEYWORDS = ['kind: secret', 'kind: "secret"', "kind: 'secret'"];
const WINDOW = { before: 6000, after: 6000, multiline: true };
const DOCS = 'https://kubernetes.io/docs/concepts/configuration/secret/';
const REMEDIATION =
  'Rotate the credential at its issuer, then keep it out of git: SealedSecrets, SOPS or an external secret store.';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const manifest = (block: string, entries: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-credentials\ntype: Opaque\n${block}:\n${entries}`;

export const kubernetesSecretRules: Rule[] = [
  {
    id: 'kubernetes-secret-data',
    title: 'Credential in a Kubernetes Secret manifest (data)',
    provider: 'Kubernetes',
    severity: 'high',
    keywords: KEYWORDS,
    pattern: entryUnder('data', String.raw`(?<q>["']?)(?<secret>[A-Za-z0-9+/]{8,8000}={0,2})\k<q>`),
    window: WINDOW,
    validate: (secret, match) => {
      const text = decodeBase64Text(secret);
      return text !== undefined && looksLikeCredential(match.groups?.['key'] ?? '', text);
    },
    remediation: REMEDIATION,
    docs: DOCS,
    examples: {
      positive: [
        manifest('data', `  username: ${b64('app_user')}\n  password: ${b64('Vq3F0mYX6-wtMWiQ5Kj')}\n`),
        // `kubectl get secret -o yaml` sorts keys: data comes before kind.
        `apiVersion: v1\ndata:\n  DATABASE_URL: ${b64('postgres://app:Tq8vW2zKp4Lm@pg.acme.io:5432/app')}\nkind: Secret\nmetadata:\n  name: api\n`,
        manifest('data', `  api-token: "${b64('U3jo4MQbW_qrQsW6cpuCuv_00eVFpLfQ')}"\n`),
      ],
      negative: [
        manifest(
          'data',
          `  username: ${b64('app_user')}\n  password: ${b64('password')}\n  port: ${b64('5432')}\n`,
        ),
        manifest(
          'data',
          `  ca.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIBeTCCAR+gAwIBAgIU\n-----END CERTIFICATE-----\n')}\n`,
        ),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  LOG_LEVEL: verbose\n  REGION: euwest1a\n',
        manifest('data', '  password: {{ .Values.password | b64enc }}\n'),
      ],
    },
  },
  {
    id: 'kubernetes-secret-string-data',
    title: 'Credential in a Kubernetes Secret manifest (stringData)',
    provider: 'Kubernetes',
    severity: 'high',
    keywords: KEYWORDS,
    pattern: entryUnder('stringData', String.raw`(?<q>["']?)(?<secret>[^\s"'#|>][^\r\n"']{0,500}?)\k<q>`),
    window: WINDOW,
    validate: (secret, match) => looksLikeCredential(match.groups?.['key'] ?? '', secret),
    remediation: REMEDIATION,
    docs: DOCS,
    examples: {
      positive: [
        manifest('stringData', '  username: app_user\n  password: "Hq3!xVb8Lr2k"\n'),
        manifest('stringData', '  REDIS_URL: rediss://:jw0YUll9PDgSF_Q8@cache.acme.io:6380\n'),
      ],
      negative: [
        manifest('stringData', '  username: admin\n  password: ${DB_PASSWORD}\n'),
        manifest('stringData', '  host: pg.acme.io\n  port: "5432"\n  password: changeme\n'),
      ],
    },
  },
];
