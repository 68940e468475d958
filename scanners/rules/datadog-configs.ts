import { defineRules } from './define.js';

const DATADOG_KEYS = 'https://docs.datadoghq.com/account_management/api-app-keys/';

/**
 * A block that names Datadog and nests its keys below: a YAML mapping (`datadog:`, the OpenTelemetry
 * collector's `datadog/exporter:`, Helm values) or a Terraform `provider "datadog" {` block. The key
 * follows within eight lines.
 */
const BLOCK = String.raw`(?:(?<![\w.-])["']?datadog(?:/[\w.-]{1,30})?["']?:[ \t]*|provider[ \t]+"datadog"[ \t]*\{[ \t]*)\r?\n(?:[^\r\n]{0,200}\r?\n){0,8}?[ \t]*`;
const ASSIGN = String.raw`["']?[ \t]*[:=][ \t]*["']?`;

/** Datadog keys configured by nesting rather than by a Datadog-prefixed name. */
export const rules = defineRules([
  {
    id: 'datadog-api-key-nested-config',
    title: 'Datadog API key in a Datadog configuration block',
    provider: 'Datadog',
    severity: 'high',
    keywords: ['datadog'],
    // The collector exporter nests the key as `api:` > `key:`; Helm and Terraform use apiKey / api_key.
    pattern: new RegExp(
      String.raw`${BLOCK}(?:api:[ \t]*\r?\n(?:[^\r\n]{0,200}\r?\n){0,4}?[ \t]*["']?key|["']?[Aa]pi[_-]?[Kk]ey)${ASSIGN}(?<secret>[a-f0-9]{32})(?![A-Za-z0-9_+/=-])`,
    ),
    window: { before: 24, after: 1600, multiline: true },
    minEntropy: 3,
    remediation: 'Revoke the key under Organization Settings > API Keys in Datadog and create a new one.',
    docs: DATADOG_KEYS,
    examples: {
      positive: [
        'exporters:\n  datadog:\n    api:\n      site: datadoghq.eu\n      key: f26f5beecbaa4a161b5b6a7960a2ed1d\n',
        'exporters:\n  datadog/exporter:\n    traces:\n      span_name_as_resource_name: true\n    api:\n      key: "a7dd60e534c4d5dfd9034c99e1d3f0ec"\n',
        'datadog:\n  clusterName: prod-eu\n  apiKey: b30da16f5ca7d94ade481c8c166d9e6b\n',
        'provider "datadog" {\n  api_key = "d465e961663daf46955d9cf15c4c0202"\n  api_url = "https://api.datadoghq.eu/"\n}',
      ],
      negative: [
        'exporters:\n  datadog:\n    api:\n      key: ${env:DD_API_KEY}\n',
        'datadog:\n  apiKeyExistingSecret: datadog-secret\n  site: datadoghq.com\n',
        'exporters:\n  otlphttp:\n    headers:\n      key: b30da16f5ca7d94ade481c8c166d9e6b\n',
        'provider "datadog" {\n  api_key = var.datadog_api_key\n}',
      ],
    },
  },
  {
    id: 'datadog-application-key-nested-config',
    title: 'Datadog application key in a Datadog configuration block',
    provider: 'Datadog',
    severity: 'high',
    keywords: ['datadog'],
    pattern: new RegExp(
      String.raw`${BLOCK}["']?[Aa]pp(?:lication)?[_-]?[Kk]ey${ASSIGN}(?<secret>[a-f0-9]{40})(?![A-Za-z0-9_+/=-])`,
    ),
    window: { before: 24, after: 1600, multiline: true },
    minEntropy: 3,
    remediation:
      'Revoke the key under Organization Settings > Application Keys in Datadog and create a new one.',
    docs: DATADOG_KEYS,
    examples: {
      positive: [
        'provider "datadog" {\n  api_key = var.datadog_api_key\n  app_key = "47eeb4a41eb1d0d51c6c9eaa23c3ada036c21191"\n}',
        'datadog:\n  apiKeyExistingSecret: datadog-secret\n  appKey: 1a81faf16ce460f3277e279f1e84a520a15d7e10\n',
      ],
      negative: [
        'provider "datadog" {\n  app_key = var.datadog_app_key\n}',
        'datadog:\n  appKey: 1a81faf16ce460f3277e279f1e84a520\n',
      ],
    },
  },
]);
