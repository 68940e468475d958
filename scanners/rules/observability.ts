import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, assignment } from './assignment.js';
import { rules as loggingAlerting } from './logging-alerting.js';
import { rules as datadogConfigs } from './datadog-configs.js';

/** Base64 text that decodes to a JSON object carrying every one of `fields`. */
function base64Json(encoded: string, fields: string[]): boolean {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null && fields.every((f) => f in value);
  } catch {
    return false;
  }
}

const DATADOG_KEYS = 'https://docs.datadoghq.com/account_management/api-app-keys/';
const NEW_RELIC_KEYS = 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/';
const NEW_RELIC_ROTATE = 'Delete the key on the API keys page of New Relic and create a new one.';
const SENTRY_TOKENS = 'https://docs.sentry.io/account/auth-tokens/';

/** Metrics, APM and error-tracking services; log shipping and alerting live in logging-alerting. */
export const rules = defineRules([
  {
    id: 'datadog-api-key',
    title: 'Datadog API key',
    provider: 'Datadog',
    severity: 'high',
    keywords: ['datadog', 'dd_api', 'dd-api', 'ddapi'],
    pattern: assignment(String.raw`(?:datadog|(?<![A-Za-z0-9])dd)${GAP}api[_.-]?key`, '[a-f0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Revoke the key under Organization Settings > API Keys in Datadog and create a new one.',
    docs: DATADOG_KEYS,
    examples: {
      positive: [
        'DD_API_KEY=878738525b7fe367b549b25d656703ce',
        'curl -H "DD-API-KEY: 328b0ec70c4b14b57c772f1704124d51" https://api.datadoghq.com/api/v1/validate',
      ],
      negative: [
        'DD_CLIENT_TOKEN=pub878738525b7fe367b549b25d656703ce',
        'ADD_API_KEY=878738525b7fe367b549b25d656703ce',
      ],
    },
  },
  {
    id: 'datadog-application-key',
    title: 'Datadog application key',
    provider: 'Datadog',
    severity: 'high',
    keywords: ['datadog', 'dd_app', 'dd-app', 'ddapp'],
    pattern: assignment(
      String.raw`(?:datadog|(?<![A-Za-z0-9])dd)${GAP}app(?:lication)?[_.-]?key`,
      '[a-f0-9]{40}',
    ),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Revoke the key under Organization Settings > Application Keys in Datadog and create a new one.',
    docs: DATADOG_KEYS,
    examples: {
      positive: [
        'DD_APP_KEY=f23049873ef15ea105ce90605ce89b4793537276',
        'datadog_application_key: "996a86499b50adec522b6abf170fc62cd44ae3f1"',
      ],
      negative: ['DD_APP_KEY=<application key>', 'DD_APP_NAME=f23049873ef15ea105ce90605ce89b4793537276'],
    },
  },
  {
    id: 'newrelic-user-api-key',
    title: 'New Relic user API key',
    provider: 'New Relic',
    severity: 'high',
    keywords: ['nrak-'],
    pattern: /(?<![A-Za-z0-9-])NRAK-[A-Z0-9]{27}(?![A-Za-z0-9])/,
    minEntropy: 3.5,
    remediation: NEW_RELIC_ROTATE,
    docs: NEW_RELIC_KEYS,
    examples: {
      positive: [
        'NEW_RELIC_API_KEY=NRAK-FADS1N4KUYX0NIM2XQGLX1PID3N',
        '"newrelic.key" = "NRAK-DAYE0E38H38SDB1KINY2SUD0H7G"',
      ],
      negative: ['NEW_RELIC_API_KEY=NRAK-...', 'NEW_RELIC_API_KEY="NRAK-YOUR-API-KEY-HERE"'],
    },
  },
  {
    id: 'newrelic-insert-key',
    title: 'New Relic Insights insert key',
    provider: 'New Relic',
    severity: 'high',
    keywords: ['nrii-'],
    pattern: /(?<![A-Za-z0-9-])NRII-[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: NEW_RELIC_ROTATE,
    docs: NEW_RELIC_KEYS,
    examples: {
      positive: [
        'NEW_RELIC_INSERT_KEY=NRII-ZRtI7SeqapRXhCjKrjbs7ry3OBU5VFgn',
        'insert_key: "NRII-0JM_76uHfGJ5NeDe30UeGDvAML406Xzn"',
      ],
      negative: ['NEW_RELIC_INSERT_KEY=NRII-xxxxxxxx', 'NEW_RELIC_INSERT_KEY=NRII-<key>'],
    },
  },
  {
    id: 'newrelic-browser-key',
    title: 'New Relic browser application key',
    provider: 'New Relic',
    // Embedded in every instrumented page: an identifier more than a secret.
    severity: 'low',
    keywords: ['nrjs-'],
    pattern: /(?<![A-Za-z0-9-])NRJS-[a-f0-9]{19}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation:
      'Rotate the browser key on the API keys page of New Relic if the account should not receive foreign data.',
    docs: NEW_RELIC_KEYS,
    examples: {
      positive: ['licenseKey: "NRJS-46250714aa03afb7dd9"', 'NEW_RELIC_BROWSER_KEY=NRJS-8cba50966a31a4ee479'],
      negative: ['licenseKey: "NRJS-..."', 'NEW_RELIC_BROWSER_KEY=NRJS-46250714aa03'],
    },
  },
  {
    id: 'newrelic-license-key',
    title: 'New Relic ingest license key',
    provider: 'New Relic',
    severity: 'high',
    keywords: ['nral'],
    pattern: /(?<![A-Za-z0-9])[a-f0-9]{36}NRAL(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: NEW_RELIC_ROTATE,
    docs: NEW_RELIC_KEYS,
    examples: {
      positive: [
        'NEW_RELIC_LICENSE_KEY=1bc7f9d2ae7ee95630fa127a574f9753ea49NRAL',
        "license_key: '125092544b7245010dae6832ae3e52f049cbNRAL'",
      ],
      negative: [
        'NEW_RELIC_LICENSE_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxNRAL',
        'NEW_RELIC_LICENSE_KEY=1bc7f9d2ae7ee95630faNRAL',
      ],
    },
  },
  {
    id: 'newrelic-legacy-license-key',
    title: 'New Relic license key (legacy 40 hex)',
    provider: 'New Relic',
    severity: 'high',
    keywords: ['newrelic', 'new_relic', 'new-relic', 'new relic'],
    // A `license_key:` line of newrelic.yml counts when the file mentions New Relic nearby.
    pattern: assignment(
      String.raw`new[_.-]?relic${GAP}license[_.-]?key`,
      '[a-f0-9]{40}',
      String.raw`^[ \t]*license_key[ \t]*[:=][ \t]*["']?`,
      'm',
    ),
    window: { before: 1500, after: 1500, multiline: true },
    minEntropy: 3,
    remediation: NEW_RELIC_ROTATE,
    docs: NEW_RELIC_KEYS,
    examples: {
      positive: [
        'NEW_RELIC_LICENSE_KEY=5d7dc4e83566ada206482e844b31e7c01a51f81b',
        "# New Relic agent configuration\ncommon: &default_settings\n  license_key: '5d7dc4e83566ada206482e844b31e7c01a51f81b'\n  app_name: billing",
      ],
      negative: [
        'NEW_RELIC_LICENSE_KEY=<%= ENV["NEW_RELIC_LICENSE_KEY"] %>',
        "license_key: '5d7dc4e83566ada206482e844b31e7c01a51f81b'",
      ],
    },
  },
  {
    id: 'sentry-org-auth-token',
    title: 'Sentry organization auth token',
    provider: 'Sentry',
    severity: 'high',
    keywords: ['sntrys_'],
    pattern: /(?<![A-Za-z0-9_])sntrys_eyJ[A-Za-z0-9+/]{40,400}={0,2}_[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=_])/,
    minEntropy: 4,
    // The middle part is base64 JSON naming the organization and the issue time.
    validate: (secret) => base64Json(secret.slice('sntrys_'.length, secret.lastIndexOf('_')), ['iat']),
    remediation: 'Revoke the token under Settings > Developer Settings > Organization Tokens in Sentry.',
    docs: SENTRY_TOKENS,
    examples: {
      positive: [
        'SENTRY_AUTH_TOKEN=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',
        'authToken: "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"',
      ],
      negative: [
        'SENTRY_AUTH_TOKEN=sntrys_eyJvcmciOiJhY21lLXBsYXRmb3JtIiwidXJsIjoiaHR0cHM6Ly9zZW50cnkuaW8ifQ==_KCTIFJF3N2i/l+Wqz9nbmQAciou3pksfkfE+2FHsHc2',
        'SENTRY_AUTH_TOKEN=sntrys_...',
      ],
    },
  },
  {
    id: 'sentry-user-auth-token',
    title: 'Sentry user auth token',
    provider: 'Sentry',
    severity: 'high',
    keywords: ['sntryu_'],
    pattern: /(?<![A-Za-z0-9_])sntryu_[a-f0-9]{64}(?![A-Za-z0-9_])/,
    minEntropy: 3,
    remediation: 'Revoke the token under User Settings > Personal Tokens in Sentry.',
    docs: SENTRY_TOKENS,
    examples: {
      positive: [
        'SENTRY_AUTH_TOKEN=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',
        'auth.token=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',
      ],
      negative: ['SENTRY_AUTH_TOKEN=sntryu_...', 'SENTRY_AUTH_TOKEN=sntryu_9ab71c3dc22a43437eb60750e33eaecc'],
    },
  },
  {
    id: 'sentry-legacy-auth-token',
    title: 'Sentry auth token (legacy 64 hex)',
    provider: 'Sentry',
    severity: 'high',
    keywords: ['sentry'],
    pattern: assignment(String.raw`sentry${GAP}(?:auth[_.-]?)?token`, '[a-f0-9]{64}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Revoke the token under User Settings > Personal Tokens (or the internal integration) in Sentry.',
    docs: SENTRY_TOKENS,
    examples: {
      positive: [
        'SENTRY_AUTH_TOKEN=323b8f27fe6f07477685f6ab2b47419f8b74d41437f8a27d063c1e912c16cb33',
        '[auth]\nsentry_token = "323b8f27fe6f07477685f6ab2b47419f8b74d41437f8a27d063c1e912c16cb33"',
      ],
      negative: [
        'SENTRY_RELEASE=323b8f27fe6f07477685f6ab2b47419f8b74d41437f8a27d063c1e912c16cb33',
        'SENTRY_AUTH_TOKEN=${{ secrets.SENTRY_AUTH_TOKEN }}',
      ],
    },
  },
  {
    id: 'sentry-dsn-secret',
    title: 'Sentry DSN with secret key (legacy)',
    provider: 'Sentry',
    severity: 'medium',
    keywords: ['sentry', 'dsn'],
    // Modern DSNs carry only the public key; the `:secret` part is what must not leak.
    pattern:
      /https?:\/\/[a-f0-9]{32}:(?<secret>[a-f0-9]{32})@[A-Za-z0-9.-]{1,100}(?::[0-9]{2,5})?\/(?:[A-Za-z0-9_-]{1,40}\/)?[0-9]{1,12}(?![0-9])/,
    window: { before: 200, after: 300 },
    minEntropy: 3,
    remediation:
      'Revoke the client key under Project Settings > Client Keys (DSN) in Sentry and create a new one.',
    docs: 'https://docs.sentry.io/concepts/key-terms/dsn-explainer/',
    examples: {
      positive: [
        'SENTRY_DSN=https://070b026e000b9f5f699af61ecdbd43d9:74047089fe0d83f2a8fec5e9ef0eb5fe@sentry.io/1234567',
        "raven.Client('https://070b026e000b9f5f699af61ecdbd43d9:74047089fe0d83f2a8fec5e9ef0eb5fe@sentry.acme.io/3')  # sentry",
      ],
      negative: [
        'SENTRY_DSN=https://070b026e000b9f5f699af61ecdbd43d9@o4509706557915136.ingest.us.sentry.io/4509738327539712',
        'SENTRY_DSN=https://<key>:<secret>@sentry.io/<project>',
      ],
    },
  },
  {
    id: 'grafana-cloud-token',
    title: 'Grafana Cloud access policy token',
    provider: 'Grafana Labs',
    severity: 'high',
    keywords: ['glc_'],
    pattern: /(?<![A-Za-z0-9_])glc_eyJ[A-Za-z0-9+/]{40,400}={0,2}(?![A-Za-z0-9+/=])/,
    minEntropy: 4,
    validate: (secret) => base64Json(secret.slice('glc_'.length), ['k']),
    remediation:
      'Delete the token under Administration > Cloud access policies in Grafana Cloud and create a new one.',
    docs: 'https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/',
    examples: {
      positive: [
        'GRAFANA_CLOUD_TOKEN=glc_eyJvIjoiMTM4MjAxMyIsIm4iOiJzdGFjay0xMjA2MDA5LWFsbG95LXdyaXRlciIsImsiOiJiNjlJODVtMlhFbzFsTXkxQ2d5NjNoNTIiLCJtIjp7InIiOiJwcm9kLWV1LXdlc3QtMiJ9fQ==',
        '  password: glc_eyJvIjoiNzgyMzM2IiwibiI6Im90ZWwtY29sbGVjdG9yLXByb2QiLCJrIjoidEVNRFF5VlNNam43V1d5UGtTZDZMaWpPIiwibSI6eyJyIjoicHJvZC11cy1lYXN0LTAifX0',
      ],
      negative: [
        'GRAFANA_CLOUD_TOKEN=glc_eyJvIjoiMTIzNDU2IiwibiI6ImZhcmtsZS1rZXkiLC...',
        'GRAFANA_CLOUD_TOKEN=glc_...',
      ],
    },
  },
  {
    id: 'grafana-service-account-token',
    title: 'Grafana service account token',
    provider: 'Grafana Labs',
    severity: 'high',
    keywords: ['glsa_'],
    pattern: /(?<![A-Za-z0-9_])glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    remediation:
      'Delete the token on the service account page (Administration > Service accounts) in Grafana.',
    docs: 'https://grafana.com/docs/grafana/latest/administration/service-accounts/',
    examples: {
      positive: [
        'GRAFANA_TOKEN=glsa_Yc8wQXnmw2P1jBT2hVqMajmnZ36Bkq3L_e8b36588',
        'String key = "glsa_zkq89k3241P2yw0xQXgsZRJD36AT76Ym_a35f92d5";',
      ],
      negative: ['apiKey: "glsa_test"', "const SECRET_TOKEN = 'glsa_super_secret_token_do_not_leak';"],
    },
  },
  {
    id: 'grafana-api-key',
    title: 'Grafana API key (legacy)',
    provider: 'Grafana Labs',
    severity: 'high',
    keywords: ['eyjrijoi'],
    pattern: /(?<![A-Za-z0-9+/])eyJrIjoi[A-Za-z0-9+/]{40,200}={0,2}(?![A-Za-z0-9+/=])/,
    minEntropy: 4,
    validate: (secret) => base64Json(secret, ['k', 'n']),
    remediation:
      'Delete the API key in Grafana (or migrate it to a service account token) and create a new one.',
    docs: 'https://grafana.com/docs/grafana/latest/administration/api-keys/',
    examples: {
      positive: [
        'GRAFANA_API_KEY=eyJrIjoid0xaWlZrOTBramlIdE5DanpiN2ZLZkdVaGZDbzROQVAiLCJuIjoiY2ktZGVwbG95IiwiaWQiOjF9',
        '-H "Authorization: Bearer eyJrIjoiUW0zZEs4dlR6MUxwVzl4UmMyTmZZN2hKNHNCYTZHZVUiLCJuIjoiZGFzaGJvYXJkcy1zeW5jIiwiaWQiOjd9"',
      ],
      negative: [
        'GRAFANA_API_KEY=eyJrIjoi...',
        'GRAFANA_API_KEY=eyJrIjoiWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYIn0=',
      ],
    },
  },
  {
    id: 'dynatrace-token',
    title: 'Dynatrace API or platform token',
    provider: 'Dynatrace',
    severity: 'high',
    keywords: ['dt0c', 'dt0s'],
    pattern: /(?<![A-Za-z0-9])dt0[cs][0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}(?![A-Za-z0-9])/,
    minEntropy: 3.5,
    remediation: 'Revoke the token under Access tokens in Dynatrace and generate a new one.',
    docs: 'https://docs.dynatrace.com/docs/manage/access-control/access-tokens',
    examples: {
      positive: [
        'DT_API_TOKEN=dt0c01.TWLEMJBI4C1Q1ANFUOAUJU5I.FIZ585W6WEVDQRLNWQVJZ8XRP9PM0M00WOB20PKLZXWMY3MZXWF8AUMMDOROE1EO',
        'Authorization: Api-Token dt0c01.Y00FKTJOT0B6LY5RXLR5Q8DQ.CF7EZ62IMMQW8APL5R7EKUQHCZ9KVOKTG55X1WCK3AQZFNNLUUAJZU9OESEBYVCA',
      ],
      negative: [
        'DT_API_TOKEN=dt0c01.ABC123',
        'DT_API_TOKEN=dt0c01.XXXXXXXXXXXXXXXXXXXXXXXX.XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'honeycomb-api-key',
    title: 'Honeycomb ingest or configuration key',
    provider: 'Honeycomb',
    severity: 'high',
    keywords: ['hcaik_', 'hcaic_'],
    pattern: /(?<![A-Za-z0-9_])hcai[kc]_[a-z0-9]{58}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    remediation: 'Delete the key under Environment settings > API keys in Honeycomb and create a new one.',
    docs: 'https://docs.honeycomb.io/get-started/configure/environments/manage-api-keys/',
    examples: {
      positive: [
        'HONEYCOMB_API_KEY=hcaik_0117lkvi62nma2f9k04hg5ig0i5vgj483d2bke4rrdgm7nndbwnv1exgix',
        'OTEL_EXPORTER_OTLP_HEADERS="x-honeycomb-team=hcaik_01bgz556wj2bmnk8en333qjc3aebpislkhiqdo1vntj94mr4w2okom07ol"',
      ],
      negative: ['HONEYCOMB_API_KEY=hcaik_xxxxxxxxxxxx', 'HONEYCOMB_API_KEY=hcaik_01krcjhcvkmt4q...'],
    },
  },
  {
    id: 'honeycomb-classic-key',
    title: 'Honeycomb API key (classic)',
    provider: 'Honeycomb',
    severity: 'high',
    keywords: ['honeycomb'],
    pattern: assignment(String.raw`honeycomb${GAP}(?:key|team)`, '[a-f0-9]{32}|[A-Za-z0-9]{22}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Delete the key under Environment settings > API keys in Honeycomb and create a new one.',
    docs: 'https://docs.honeycomb.io/get-started/configure/environments/manage-api-keys/',
    examples: {
      positive: [
        'HONEYCOMB_API_KEY=d7ab464815660e2ffedb3058e4378ca1',
        "headers: { 'X-Honeycomb-Team': 'I3MqSMG4cUzKr79jQwNF4X' }",
      ],
      negative: ['HONEYCOMB_DATASET=checkout-service-prod', 'HONEYCOMB_API_KEY=<your-api-key>'],
    },
  },
  ...loggingAlerting,
  ...datadogConfigs,
]);
