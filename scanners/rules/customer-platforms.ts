import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

/** Intercom access tokens are base64 of `tok:<id>:…`. */
function intercomToken(secret: string): boolean {
  return Buffer.from(secret, 'base64').toString('latin1').startsWith('tok:');
}

/** CRM, customer support, forms and shipping platforms. */
export const rules = defineRules([
  {
    id: 'hubspot-private-app-token',
    title: 'HubSpot private app / personal access token',
    provider: 'HubSpot',
    severity: 'high',
    keywords: ['pat-'],
    pattern: new RegExp(`(?<![A-Za-z0-9_-])pat-(?:na|eu|ap)[0-9]-${UUID}(?![A-Za-z0-9-])`),
    remediation: "Rotate the token on the private app's Auth tab (or Personal access key page) in HubSpot.",
    docs: 'https://developers.hubspot.com/docs/api/private-apps',
    examples: {
      positive: [
        'HUBSPOT_ACCESS_TOKEN=pat-na1-6d0e2a39-8f4b-4c71-9b52-1e7a3f5c8d24',
        'hubspot.Client(access_token="pat-eu1-3f9a7c21-5e8d-4b06-a2c4-9d71e0b3f658")',
      ],
      negative: [
        'HUBSPOT_ACCESS_TOKEN=pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
        'HUBSPOT_PORTAL_ID=6d0e2a39',
      ],
    },
  },
  {
    id: 'hubspot-api-key',
    title: 'HubSpot API key (legacy hapikey)',
    provider: 'HubSpot',
    severity: 'high',
    keywords: ['hubspot', 'hapikey'],
    pattern: assignment(String.raw`hubspot${GAP}(?:api[_.-]?)?key|(?<![A-Za-z0-9])hapikey`, UUID),
    window: ASSIGNMENT_WINDOW,
    remediation:
      'Deactivate the API key in HubSpot settings (Integrations > API key) and migrate to a private app.',
    docs: 'https://developers.hubspot.com/changelog/upcoming-api-key-sunset',
    examples: {
      positive: [
        'HUBSPOT_API_KEY=8a1c3e5f-7b9d-4f20-8c4e-6a8b0d2f4e61',
        'https://api.hubapi.com/contacts/v1/lists/all/contacts/all?hapikey=2d4f6a8c-0e1b-4d35-9f7a-1c3e5b7d9f02',
      ],
      negative: ['HUBSPOT_PORTAL_ID=8a1c3e5f-7b9d-4f20-8c4e-6a8b0d2f4e61', '?hapikey=demo'],
    },
  },
  {
    id: 'intercom-access-token',
    title: 'Intercom access token',
    provider: 'Intercom',
    severity: 'high',
    keywords: ['dg9ro'],
    pattern: /(?<![A-Za-z0-9+/])dG9rO[A-Za-z0-9+/]{40,90}={0,2}(?![A-Za-z0-9+/=])/,
    minEntropy: 4,
    validate: intercomToken,
    remediation:
      "Regenerate the access token on the app's Authentication page in the Intercom Developer Hub.",
    docs: 'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication',
    examples: {
      positive: [
        'INTERCOM_ACCESS_TOKEN=dG9rOjVjMDY1ZmRmXzQxYmZfNGNiOF9iZjA5XzNhZTFjZWY2ZTA5MjoxOjA=',
        "Intercom::Client.new(token: 'dG9rOjgwOGRlMmZhXzYyMTdfNDhiZV9hNjUzX2RhNzY1MDc2YTFlYjoxOjA=')",
      ],
      negative: ['INTERCOM_ACCESS_TOKEN=dG9rOjEyMzQ=', 'INTERCOM_APP_ID=k3x9q2vd'],
    },
  },
  {
    id: 'zendesk-api-token',
    title: 'Zendesk API token',
    provider: 'Zendesk',
    severity: 'high',
    keywords: ['zendesk'],
    // Either a name mentioning Zendesk or the `email/token:TOKEN` basic-auth user.
    pattern: assignment(String.raw`zendesk${GAP}(?:token|key)`, '[A-Za-z0-9]{40}', '/token:'),
    window: { before: 200, after: 256 },
    minEntropy: 3.5,
    remediation:
      'Delete the token in Admin Center > Apps and integrations > Zendesk API and create a new one.',
    docs: 'https://developer.zendesk.com/api-reference/introduction/security-and-auth/',
    examples: {
      positive: [
        'ZENDESK_API_TOKEN=af9abrZCtGQOMcWKrGf7AHZDzfmHSmP7QUXLJg6L',
        'curl https://acme.zendesk.com/api/v2/users.json -u ops@acme.io/token:Ox3hptkcAJsM7apQ4C5C1bCwjlvprn49x9LCxpX6',
      ],
      negative: ['ZENDESK_SUBDOMAIN=acme', 'ZENDESK_API_TOKEN=<token>'],
    },
  },
  {
    id: 'typeform-personal-access-token',
    title: 'Typeform personal access token',
    provider: 'Typeform',
    severity: 'high',
    keywords: ['tfp_'],
    pattern: /(?<![A-Za-z0-9_])tfp_[A-Za-z0-9_-]{40,64}(?![A-Za-z0-9_-])/,
    minEntropy: 4,
    remediation: 'Revoke the token under Account > Personal tokens in Typeform and create a new one.',
    docs: 'https://www.typeform.com/developers/get-started/personal-access-token/',
    examples: {
      positive: [
        'TYPEFORM_TOKEN=tfp_zUyrdTzvJuMWXUN-tBZtC12cESw2OmdPlQOEAxm2QosD_m7Sz9SUnnv6XRw',
        "headers: { Authorization: 'Bearer tfp_G3an7TlQ-jTuR8vVxCM1Jf0STgQJbJzNu_vV8br7VEbP_GmmdqKpYTaAV2S' }",
      ],
      negative: [
        'TYPEFORM_TOKEN=tfp_...',
        'TYPEFORM_TOKEN=tfp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxx',
      ],
    },
  },
  {
    id: 'shippo-live-api-token',
    title: 'Shippo live API token',
    provider: 'Shippo',
    severity: 'high',
    keywords: ['shippo_live_'],
    pattern: /(?<![A-Za-z0-9_])shippo_live_[a-f0-9]{40}(?![A-Za-z0-9_])/,
    minEntropy: 3,
    remediation: 'Regenerate the live token under Settings > API in Shippo.',
    docs: 'https://docs.goshippo.com/docs/guides_general/authentication/',
    examples: {
      positive: [
        'SHIPPO_API_KEY=shippo_live_8a5ef90d176856d6bfcb8601b566c9cabc7da5da',
        "shippo.config.api_key = 'shippo_live_77bce0874baa6d9abed4d42f0d97a5dd1eb901d3'",
      ],
      negative: ['SHIPPO_API_KEY=shippo_live_...', 'SHIPPO_API_KEY=shippo_live_<token>'],
    },
  },
  {
    id: 'shippo-test-api-token',
    title: 'Shippo test API token',
    provider: 'Shippo',
    severity: 'medium',
    keywords: ['shippo_test_'],
    pattern: /(?<![A-Za-z0-9_])shippo_test_[a-f0-9]{40}(?![A-Za-z0-9_])/,
    minEntropy: 3,
    remediation: 'Regenerate the test token under Settings > API in Shippo.',
    docs: 'https://docs.goshippo.com/docs/guides_general/authentication/',
    examples: {
      positive: [
        'SHIPPO_API_KEY=shippo_test_77bce0874baa6d9abed4d42f0d97a5dd1eb901d3',
        '"shippoToken": "shippo_test_8a5ef90d176856d6bfcb8601b566c9cabc7da5da"',
      ],
      negative: [
        'SHIPPO_API_KEY=shippo_test_...',
        'SHIPPO_API_KEY=shippo_test_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ],
    },
  },
]);
