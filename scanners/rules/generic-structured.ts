import type { Rule } from '../engine/types.js';
import { isGenericSecret, type Family } from './generic-assignment.js';

/**
 * Secrets whose name and value sit in separate fields: XML elements and attributes, JSON
 * `{"key": "...", "value": "..."}` pairs (Postman environments, CloudFormation parameters) and
 * YAML `- name: ... / value: ...` lists (Kubernetes container env, Helm values).
 */

const PROVIDER = 'Generic';
const REMEDIATION =
  'Rotate the credential at the service that issued it, then load it from the environment or a secret store instead of the source.';
const DOCS = 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html';

const PASSWORD_NAMES = 'password|passwd|pwd';
const SECRET_NAMES =
  'secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|credentials?';
/** Every name SECRET_NAMES matches ends with one of these. */
const SECRET_WORDS = ['secret', 'token', 'credential', 'credentials'].concat(
  ...['api', 'access', 'secret', 'private'].map((p) => [`${p}_key`, `${p}-key`, `${p}key`]),
);
// Form tokens protect a page, not an account; client tokens (Facebook, RUM) ship inside apps.
const NOT_CREDENTIAL =
  '(?![\\w.-]{0,40}(?:authenticity|csrf|xsrf|__requestverification|request[_-]?verification|client)[_-]?token)';

const familyOf = (name: string): Family => (/pass|pwd/i.test(name) ? 'password' : 'secret');

/**
 * In XML a secret's name ends a tag name (before whitespace or `>`) or a quoted attribute value:
 * keywords are the names followed by each of those, so that `password:` in prose opens no window.
 * Not a line break: the windows are single lines, so no match can hold one.
 */
const XML_FOLLOWERS = ['>', '"', ' ', '\t', '\r'];

function xmlRule(
  id: string,
  family: Family,
  words: string[],
  names: string,
  examples: Rule['examples'],
): Rule {
  const named = String.raw`"${NOT_CREDENTIAL}[\w:.-]{0,60}?(?:${names})"`;
  return {
    id,
    title: family === 'password' ? 'Hard-coded password in XML' : 'Hard-coded secret in XML',
    provider: PROVIDER,
    severity: 'medium',
    keywords: words.flatMap((word) => XML_FOLLOWERS.map((c) => word + c)),
    // <password>v</password> | <property name="x.password">v</property> | <add key="SmtpPassword" value="v" />
    pattern: new RegExp(
      String.raw`(?:<(?<tag>[\w:.-]{0,40}?(?:${names}))(?:[ \t\r\n][^<>]{0,200})?>` +
        String.raw`|<(?<el>[\w:.-]{1,40})\s[^<>]{0,200}?(?:key|name)\s*=\s*${named}[^<>]{0,200}>` +
        String.raw`|(?:key|name)\s*=\s*${named}\s+value\s*=\s*")` +
        String.raw`(?<secret>[^<>"\s]{1,256})(?:</(?:\k<tag>|\k<el>)>|")`,
      'i',
    ),
    window: { before: 200, after: 600 },
    validate: (secret) => isGenericSecret(secret, family),
    remediation: REMEDIATION,
    docs: DOCS,
    examples,
  };
}

function pairFamily(match: RegExpExecArray): Family {
  return familyOf(match.groups?.['name'] ?? '');
}

export const structuredRules: Rule[] = [
  xmlRule('generic-xml-password', 'password', ['password', 'passwd'], 'password|passwd', {
    positive: [
      '<server>\n  <id>nexus</id>\n  <password>Xv8#nQ2!rLk7</password>\n</server>',
      '<add key="SmtpPassword" value="Jp4$wZ9qTm2x" />',
      '<property name="hibernate.connection.password">fbUOBtOyR4Yp</property>',
    ],
    negative: [
      '<password>{COQLCE6DU6GtcS5P=}</password>',
      '<password>${env.NEXUS_PASSWORD}</password>',
      '<input type="password" name="password"/>',
    ],
  }),
  xmlRule('generic-xml-secret', 'secret', SECRET_WORDS, SECRET_NAMES, {
    positive: [
      '<apiKey>qx5a0iw2Yp3k6UlRqRF6bDrmjMo</apiKey>',
      '<property name="client.secret" value="a88f4c3a0c51dfca1d90651678b1b7a8"/>',
    ],
    negative: [
      '<token>${TOKEN}</token>',
      '<secret>secretName</secret>',
      '<input type="hidden" name="authenticity_token" value="uHF9IGqsThioBaptoAkGKvwmljAC8El55CCvdy2SGkA=" />',
    ],
  }),
  {
    id: 'generic-json-name-value-secret',
    title: 'Secret in a JSON name/value pair',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['value"'],
    pattern: new RegExp(
      String.raw`"(?:key|name|ParameterKey|Name)"\s*:\s*"(?<name>${NOT_CREDENTIAL}[\w.-]{0,60}?(?:${PASSWORD_NAMES}|${SECRET_NAMES})s?)"\s*,\s*` +
        String.raw`"(?:value|Value|ParameterValue)"\s*:\s*"(?<secret>[^"\s]{1,256})"`,
      'i',
    ),
    window: { before: 200, after: 400 },
    validate: (secret, match) => isGenericSecret(secret, pairFamily(match)),
    remediation: REMEDIATION,
    docs: DOCS,
    examples: {
      positive: [
        '{ "key": "adminPassword", "value": "j1^flhWgV4EbV", "type": "secret", "enabled": true },',
        '[{"ParameterKey": "DbMasterPassword", "ParameterValue": "Rz8!qTm3Wv6k"}]',
        '{ "key": "apiKey", "value": "nNjIaJRnbXzL8AFkmivcTrCObu1tbuVJ", "type": "secret" }',
      ],
      negative: [
        '{ "key": "apiKey", "value": "{{apiKey}}", "type": "secret" }',
        '{ "key": "baseUrl", "value": "https://api.acme.io" }',
        '{ "name": "password", "value": "" }',
      ],
    },
  },
  {
    id: 'generic-yaml-name-value-secret',
    title: 'Secret in a YAML name/value list entry (container env)',
    provider: PROVIDER,
    severity: 'medium',
    keywords: ['value:'],
    pattern: new RegExp(
      String.raw`\bname:[ \t]*["']?(?<name>${NOT_CREDENTIAL}[\w.-]{0,60}?(?:${PASSWORD_NAMES}|${SECRET_NAMES})s?)["']?[ \t]*\r?\n` +
        String.raw`[ \t]+value:[ \t]*(?<q>["']?)(?<secret>[^\s"']{1,256})\k<q>[ \t]*$`,
      'im',
    ),
    window: { before: 200, after: 400, multiline: true },
    validate: (secret, match) => isGenericSecret(secret, pairFamily(match)),
    remediation: REMEDIATION,
    docs: DOCS,
    examples: {
      positive: [
        '        env:\n          - name: DB_PASSWORD\n            value: "Hq3!xVb8Lr2k"\n',
        'env:\n- name: STRIPE_WEBHOOK_SECRET\n  value: m6x9Ixumc-uc9n5D-hmaYrj1uJc\n',
      ],
      negative: [
        'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n',
        'env:\n  - name: API_TOKEN\n    value: "{{ .Values.apiToken }}"\n',
      ],
    },
  },
];
