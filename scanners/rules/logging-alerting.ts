import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

/** An Elasticsearch API key is base64 of `id:key`. */
function encodesIdAndKey(secret: string): boolean {
  return /^[\w-]{16,64}:[\w-]{16,64}$/.test(Buffer.from(secret, 'base64').toString('latin1'));
}

/** Log shipping, tracing backends, incident alerting and error reporting. */
export const rules = defineRules([
  {
    id: 'pagerduty-api-key',
    title: 'PagerDuty API key or integration key',
    provider: 'PagerDuty',
    severity: 'high',
    keywords: ['pagerduty', 'token token='],
    pattern: assignment(
      String.raw`pagerduty${GAP}(?:key|token)`,
      String.raw`u\+[A-Za-z0-9_+-]{18}|[A-Za-z0-9_+-]{20}|[a-f0-9]{32}`,
      String.raw`Token token=`,
    ),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Delete the key under Integrations > API Access Keys (or the service integration) in PagerDuty.',
    docs: 'https://support.pagerduty.com/main/docs/api-access-keys',
    examples: {
      positive: [
        'PAGERDUTY_API_KEY=1eCbx7C8fiC_79wv4rQ0',
        'curl -H "Authorization: Token token=u+CF4cPNt-vB7DDOWqXS" https://api.pagerduty.com/incidents',
        'pagerduty_integration_key: "45aae5bf0e705fc23c3606ce6d263233"',
      ],
      negative: ['PAGERDUTY_API_KEY=<your-api-key>', 'PAGERDUTY_SERVICE_ID=PZYX321'],
    },
  },
  {
    id: 'opsgenie-api-key',
    title: 'Opsgenie API key',
    provider: 'Atlassian Opsgenie',
    severity: 'high',
    keywords: ['opsgenie', 'geniekey'],
    pattern: assignment(String.raw`opsgenie${GAP}(?:key|token)`, UUID, String.raw`GenieKey\s{1,3}`),
    window: ASSIGNMENT_WINDOW,
    remediation:
      'Delete the API key (Settings > API key management, or the integration) in Opsgenie and create a new one.',
    docs: 'https://support.atlassian.com/opsgenie/docs/api-key-management/',
    examples: {
      positive: [
        'OPSGENIE_API_KEY=6d0e2a39-8f4b-4c71-9b52-1e7a3f5c8d24',
        'curl -H "Authorization: GenieKey 3f9a7c21-5e8d-4b06-a2c4-9d71e0b3f658" https://api.opsgenie.com/v2/alerts',
      ],
      negative: [
        'OPSGENIE_TEAM_ID=6d0e2a39-8f4b-4c71-9b52-1e7a3f5c8d24',
        'Authorization: GenieKey <api-key>',
      ],
    },
  },
  {
    id: 'splunk-hec-token',
    title: 'Splunk HTTP Event Collector token',
    provider: 'Splunk',
    severity: 'high',
    keywords: ['splunk'],
    pattern: assignment(String.raw`splunk${GAP}token`, UUID, String.raw`Splunk\s{1,3}`),
    window: ASSIGNMENT_WINDOW,
    remediation:
      'Delete or regenerate the token under Settings > Data inputs > HTTP Event Collector in Splunk.',
    docs: 'https://docs.splunk.com/Documentation/Splunk/latest/Data/UsetheHTTPEventCollector',
    examples: {
      positive: [
        'SPLUNK_HEC_TOKEN=B5A79AAD-D822-46CC-80D1-819F80D7BFB0',
        'curl -H "Authorization: Splunk 7e1c9d42-3a85-4f06-b2d7-5c9e18a4f03b" https://hec.acme.io:8088/services/collector',
      ],
      negative: ['SPLUNK_INDEX=main', 'SPLUNK_HEC_TOKEN=00000000-0000-0000-0000-000000000000'],
    },
  },
  {
    id: 'logzio-token',
    title: 'Logz.io shipping or API token',
    provider: 'Logz.io',
    severity: 'high',
    keywords: ['logz'],
    pattern: assignment(String.raw`logz${GAP}(?:token|key)`, `[A-Za-z]{32}|${UUID}`),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Delete the token under Settings > Manage tokens in Logz.io and create a new one.',
    docs: 'https://docs.logz.io/docs/user-guide/admin/authentication-tokens/',
    examples: {
      positive: [
        'LOGZIO_TOKEN=uhQqHtUlCpkQqoMVnkWOszuRyLfLuGRc',
        'logzio_api_token: "a1f3c5e7-9b2d-4f60-8e1a-3c5b7d9f0e24"',
      ],
      negative: ['LOGZIO_LISTENER=listener.logz.io', 'LOGZIO_TOKEN=<<LOG-SHIPPING-TOKEN>>'],
    },
  },
  {
    id: 'lightstep-access-token',
    title: 'Lightstep (ServiceNow Cloud Observability) access token',
    provider: 'Lightstep',
    severity: 'high',
    keywords: ['lightstep'],
    pattern: assignment(String.raw`lightstep${GAP}(?:token|key)`, '[A-Za-z0-9+/]{32,200}={0,2}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 4,
    remediation: 'Revoke the access token under Project settings > Access tokens and create a new one.',
    docs: 'https://docs.lightstep.com/docs/create-and-manage-access-tokens',
    examples: {
      positive: [
        'LIGHTSTEP_ACCESS_TOKEN=H51chwu0mK/7Ht2GbGd3dRU51Kn4YD9IZcLXBbfsp5nXGZ0RogXg/KwZ/BEpL47HirxYeed+EbdjPAuSOi3t',
        'headers: { "lightstep-access-token": "H51chwu0mK/7Ht2GbGd3dRU51Kn4YD9IZcLXBbfsp5nXGZ0RogXg/KwZ/BEpL47HirxYeed+EbdjPAuSOi3t" }',
      ],
      negative: [
        'LIGHTSTEP_ACCESS_TOKEN=${LS_ACCESS_TOKEN}',
        'LIGHTSTEP_SERVICE_NAME=checkout-service-frontend-production-eu',
      ],
    },
  },
  {
    id: 'elastic-api-key',
    title: 'Elasticsearch / Elastic Cloud API key',
    provider: 'Elastic',
    severity: 'high',
    keywords: ['elastic'],
    pattern: assignment(
      String.raw`elastic${GAP}api[_.-]?key`,
      '[A-Za-z0-9+/]{40,120}={0,2}',
      String.raw`ApiKey\s{1,3}`,
    ),
    window: { before: 200, after: 256 },
    minEntropy: 4,
    validate: encodesIdAndKey,
    remediation:
      'Invalidate the key (Stack Management > API keys, or the invalidate API key API) and create a new one.',
    docs: 'https://www.elastic.co/guide/en/elasticsearch/reference/current/security-api-create-api-key.html',
    examples: {
      positive: [
        'ELASTIC_API_KEY=V3cwX0lTZjB5VTZiUzl1Mkk4Z3M6SGFWdVJPOElkcXdqMkRYTDhkMXlVSg==',
        'curl -H "Authorization: ApiKey WEI4cmhVUlItbi1JWnNXbWNsekQ6SkpNMWtCSlhxQmg3SkFjYW1wUC14MQ==" https://acme.es.us-east-1.aws.elastic.cloud',
      ],
      negative: [
        'ELASTIC_API_KEY=dGhpcyBpcyBub3QgYW4gYXBpIGtleSBhdCBhbGwgcmVhbGx5',
        'ELASTIC_CLOUD_ID=deployment:ZXUtd2VzdC0xLmF3cy5mb3VuZC5pbw==',
      ],
    },
  },
  {
    id: 'axiom-token',
    title: 'Axiom API or personal token',
    provider: 'Axiom',
    severity: 'high',
    keywords: ['xaat-', 'xapt-'],
    pattern: new RegExp(`(?<![A-Za-z0-9-])xa[ap]t-${UUID}(?![A-Za-z0-9-])`),
    remediation: 'Delete the token under Settings > API tokens (or Profile > Personal tokens) in Axiom.',
    docs: 'https://axiom.co/docs/reference/tokens',
    examples: {
      positive: [
        'AXIOM_TOKEN=xaat-6d0e2a39-8f4b-4c71-9b52-1e7a3f5c8d24',
        'token: "xapt-3f9a7c21-5e8d-4b06-a2c4-9d71e0b3f658"',
      ],
      negative: ['AXIOM_TOKEN=xaat-...', 'AXIOM_TOKEN=xaat-00000000-0000-0000-0000-000000000000'],
    },
  },
  {
    id: 'betterstack-source-token',
    title: 'Better Stack (Logtail) source or API token',
    provider: 'Better Stack',
    severity: 'high',
    keywords: ['betterstack', 'better_stack', 'better-stack', 'logtail'],
    pattern: assignment(String.raw`(?:better[_.-]?stack|logtail)${GAP}(?:token|key)`, '[A-Za-z0-9]{24,32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation: 'Regenerate the source token (or delete the API token) in the Better Stack dashboard.',
    docs: 'https://betterstack.com/docs/logs/api/getting-started/',
    examples: {
      positive: [
        'LOGTAIL_SOURCE_TOKEN=HE1aTu6a8gmsHA2qmaIZ7S3w',
        'BETTERSTACK_API_TOKEN="3cxrFon1R2rfhuy5IH6Fnaxk"',
      ],
      negative: ['LOGTAIL_SOURCE_TOKEN=your_source_token', 'BETTERSTACK_HOST=in.logs.betterstack.com'],
    },
  },
  {
    id: 'bugsnag-api-key',
    title: 'Bugsnag notifier API key or auth token',
    provider: 'Bugsnag',
    // Notifier keys ship inside client apps; data-access tokens are the sensitive case.
    severity: 'medium',
    keywords: ['bugsnag'],
    pattern: assignment(String.raw`bugsnag${GAP}(?:key|token)`, '[a-f0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Regenerate the project notifier key (or revoke the personal auth token) in Bugsnag settings.',
    docs: 'https://docs.bugsnag.com/api/data-access/#authentication',
    examples: {
      positive: [
        'BUGSNAG_API_KEY=47e00984fd6ff23e98e3a7e149fee0ea',
        '"bugsnagApiKey": "d8aa66e11befb097e879e067477d2ce5"',
      ],
      negative: ['BUGSNAG_RELEASE_STAGE=production', 'BUGSNAG_API_KEY=YOUR_API_KEY_HERE_32_CHARS_LONG_OK'],
    },
  },
  {
    id: 'rollbar-access-token',
    title: 'Rollbar access token',
    provider: 'Rollbar',
    severity: 'medium',
    keywords: ['rollbar'],
    pattern: assignment(String.raw`rollbar${GAP}(?:token|key)`, '[a-f0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Disable the token under Project settings > Project Access Tokens in Rollbar and create a new one.',
    docs: 'https://docs.rollbar.com/docs/access-tokens',
    examples: {
      positive: [
        'ROLLBAR_ACCESS_TOKEN=6cc73e9ad85c07b354d9757b900fff21',
        'ROLLBAR_SERVER_TOKEN: "13e0a8802fad1c89b40ee1b9a205c5e0"',
      ],
      negative: ['ROLLBAR_ENVIRONMENT=production', 'ROLLBAR_ACCESS_TOKEN=POST_SERVER_ITEM_ACCESS_TOKEN'],
    },
  },
  {
    id: 'sumologic-access-key',
    title: 'Sumo Logic access key',
    provider: 'Sumo Logic',
    severity: 'high',
    keywords: ['sumo'],
    pattern: assignment(String.raw`sumo(?:logic)?${GAP}(?:access[_.-]?key|key|secret)`, '[A-Za-z0-9]{64}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 4,
    remediation: 'Delete the access key under Administration > Security > Access Keys in Sumo Logic.',
    docs: 'https://help.sumologic.com/docs/manage/security/access-keys/',
    examples: {
      positive: [
        'SUMO_ACCESS_KEY=4Y7TEHPEnUfDRhBJNZlHBYCFiz5j49XHF3hvxit4EkVIQtzZKPCPqN4Gvdb5q6vG',
        'sumologic_access_key: "4Y7TEHPEnUfDRhBJNZlHBYCFiz5j49XHF3hvxit4EkVIQtzZKPCPqN4Gvdb5q6vG"',
      ],
      negative: ['SUMO_ACCESS_ID=suAbCdEfGh1234', 'SUMO_ACCESS_KEY=${SUMO_ACCESS_KEY}'],
    },
  },
  {
    id: 'sumologic-http-source-url',
    title: 'Sumo Logic HTTP source URL',
    provider: 'Sumo Logic',
    severity: 'medium',
    keywords: ['sumologic.com/receiver/'],
    pattern:
      /sumologic\.com\/receiver\/v1\/(?:http|otlp)\/(?<secret>[A-Za-z0-9_=-]{40,200})(?![A-Za-z0-9_=-])/,
    minEntropy: 4,
    remediation: 'Regenerate the source URL on the HTTP source in Sumo Logic (Manage Data > Collection).',
    docs: 'https://help.sumologic.com/docs/send-data/hosted-collectors/http-source/logs-metrics/',
    examples: {
      positive: [
        'SUMO_URL=https://endpoint4.collection.us2.sumologic.com/receiver/v1/http/oupKUKVucbeMoBAWvbPUJSMEgNZ0BMVHmUeyWpeTaMmtvGgX0zkjN89pwgZBbqG_5RQXeGX7M13VLUzMtpj9xb0RqI',
        'url: "https://collectors.au.sumologic.com/receiver/v1/otlp/oupKUKVucbeMoBAWvbPUJSMEgNZ0BMVHmUeyWpeTaMmtvGgX0zkjN89pwgZBbqG_5RQXeGX7M13VLUzMtpj9xb0RqI"',
      ],
      negative: [
        'SUMO_URL=https://endpoint4.collection.us2.sumologic.com/receiver/v1/http/<token>',
        'SUMO_URL=https://endpoint4.collection.us2.sumologic.com/receiver/v1/http/',
      ],
    },
  },
]);
