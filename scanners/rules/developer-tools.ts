import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

/** Mapbox tokens carry a base64url JSON payload naming the account (`{"u":…}`). */
function mapboxPayload(secret: string): boolean {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(secret.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    return typeof payload === 'object' && payload !== null && 'u' in payload;
  } catch {
    return false;
  }
}

/** Developer platforms: headless CMS, search, identity, API tooling, feature flags, maps, media review. */
export const rules = defineRules([
  {
    id: 'contentful-personal-access-token',
    title: 'Contentful personal access token',
    provider: 'Contentful',
    severity: 'high',
    keywords: ['cfpat-'],
    pattern: /(?<![A-Za-z0-9_-])CFPAT-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: 'Revoke the token under Settings > CMA tokens in Contentful and create a new one.',
    docs: 'https://www.contentful.com/developers/docs/references/authentication/',
    examples: {
      positive: [
        'CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-BlbIsI6EfiFlNhFuRzLo_wCFKZT_OKXoPG982GjSFZJ',
        "contentful.createClient({ accessToken: 'CFPAT-HEBepSkVbeS8QkAt64zTFisGf6c6F3viiAE8qGfNq8y' })",
      ],
      negative: ['CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-...', 'CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-<token>'],
    },
  },
  {
    id: 'contentful-delivery-token',
    title: 'Contentful delivery or preview API token',
    provider: 'Contentful',
    // Read-only access to published (or preview) content.
    severity: 'medium',
    keywords: ['contentful'],
    pattern: assignment(String.raw`contentful${GAP}(?:token|key)`, '[A-Za-z0-9_-]{43}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation: 'Regenerate the API key under Settings > API keys in Contentful.',
    docs: 'https://www.contentful.com/developers/docs/references/authentication/',
    examples: {
      positive: [
        'CONTENTFUL_DELIVERY_TOKEN=ORyGWQGM5eMO2cFyy_A7S2NqZS85n72GDvmvlkJ1H31',
        'contentful_preview_token: "HEBepSkVbeS8QkAt64zTFisGf6c6F3viiAE8qGfNq8y"',
      ],
      negative: ['CONTENTFUL_SPACE_ID=cfexampleapi', 'CONTENTFUL_ACCESS_TOKEN=${CONTENTFUL_ACCESS_TOKEN}'],
    },
  },
  {
    id: 'algolia-admin-api-key',
    title: 'Algolia admin or write API key',
    provider: 'Algolia',
    severity: 'high',
    keywords: ['algolia'],
    pattern: assignment(String.raw`algolia${GAP}(?:admin|write)${GAP}key`, '[a-f0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Regenerate the admin key (or delete the write key) under Settings > API Keys in the Algolia dashboard.',
    docs: 'https://www.algolia.com/doc/guides/security/api-keys/',
    examples: {
      positive: [
        'ALGOLIA_ADMIN_KEY=eb3ef4f9a3078a2e796817a972cde9bb',
        'algolia_write_api_key: "2b46afb5de7e6122ecdfd52e7adece5b"',
      ],
      negative: ['ALGOLIA_SEARCH_KEY=eb3ef4f9a3078a2e796817a972cde9bb', 'ALGOLIA_ADMIN_KEY=<admin api key>'],
    },
  },
  {
    id: 'auth0-client-secret',
    title: 'Auth0 application client secret',
    provider: 'Auth0',
    severity: 'high',
    keywords: ['auth0'],
    pattern: assignment(String.raw`auth0${GAP}secret`, '[A-Za-z0-9_-]{64}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 4,
    remediation: "Rotate the client secret on the application's Settings page in the Auth0 dashboard.",
    docs: 'https://auth0.com/docs/get-started/applications/rotate-client-secret',
    examples: {
      positive: [
        'AUTH0_CLIENT_SECRET=jFf2eNQxHVlI6Zr9u2vaGWcke6fwOH8zVd_wpb68ipk-c4Vo4aLXz9fQgYjs6Zr3',
        '"auth0ClientSecret": "DyyohSazfpVTb0GE_6Gy9Z4lgHCt_0GjJaxpyjFIPmmxMqKsbaZ4dLH6G_A3w-r6"',
      ],
      negative: [
        'AUTH0_CLIENT_ID=jFf2eNQxHVlI6Zr9u2vaGWcke6fwOH8z',
        'AUTH0_SECRET=use [openssl rand -hex 32] to generate a 32 bytes value',
      ],
    },
  },
  {
    id: 'postman-api-key',
    title: 'Postman API key',
    provider: 'Postman',
    severity: 'high',
    keywords: ['pmak-'],
    pattern: /(?<![A-Za-z0-9_-])PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9_-])/,
    minEntropy: 3,
    remediation: 'Revoke the key under Settings > API keys in Postman and create a new one.',
    docs: 'https://learning.postman.com/docs/developer/postman-api/authentication/',
    examples: {
      positive: [
        'POSTMAN_API_KEY=PMAK-ee5c31115a7a90d59e0f5d07-69f6dbcd827fcfe11fe0d8ea163b1d1b75',
        '-H "X-Api-Key: PMAK-77ac403e7bb088936f454f35-82c5e590cb7c6c97afc1212fa3bf96fdf5"',
      ],
      negative: ['POSTMAN_API_KEY=PMAK-...', 'POSTMAN_API_KEY=PMAK-ee5c31115a7a90d59e0f5d07'],
    },
  },
  {
    id: 'sourcegraph-access-token',
    title: 'Sourcegraph access token',
    provider: 'Sourcegraph',
    severity: 'high',
    keywords: ['sgp_'],
    pattern: /(?<![A-Za-z0-9_])sgp_(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}(?![A-Za-z0-9_])/,
    minEntropy: 3,
    remediation: 'Delete the token under Settings > Access tokens on the Sourcegraph instance.',
    docs: 'https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token',
    examples: {
      positive: [
        'SRC_ACCESS_TOKEN=sgp_9266057e58a3dc36dc7c32f4d4c1d8ba5a7f49fd',
        'token: "sgp_b5eccfd54b37febd_0ec9ee64d61574df536556f4a729710815419256"',
      ],
      negative: ['SRC_ACCESS_TOKEN=sgp_...', 'SRC_ACCESS_TOKEN=sgp_9266057e58a3dc36dc7c'],
    },
  },
  {
    id: 'launchdarkly-access-token',
    title: 'LaunchDarkly API access token or server SDK key',
    provider: 'LaunchDarkly',
    severity: 'high',
    keywords: ['launchdarkly', 'launch_darkly'],
    pattern: new RegExp(`(?<![A-Za-z0-9_-])(?:api|sdk)-${UUID}(?![A-Za-z0-9-])`),
    window: { before: 200, after: 256 },
    remediation: 'Reset the SDK key (or delete the access token) under Account settings in LaunchDarkly.',
    docs: 'https://docs.launchdarkly.com/home/account/api',
    examples: {
      positive: [
        'LAUNCHDARKLY_SDK_KEY=sdk-6d0e2a39-8f4b-4c71-9b52-1e7a3f5c8d24',
        'launchdarkly_api_token: "api-3f9a7c21-5e8d-4b06-a2c4-9d71e0b3f658"',
      ],
      negative: [
        'LAUNCHDARKLY_MOBILE_KEY=mob-6d0e2a39-8f4b-4c71-9b52-1e7a3f5c8d24',
        'LAUNCHDARKLY_CLIENT_ID=6d0e2a398f4b4c719b521e7a',
      ],
    },
  },
  {
    id: 'frameio-developer-token',
    title: 'Frame.io developer token',
    provider: 'Frame.io',
    severity: 'high',
    keywords: ['fio-u-'],
    pattern: /(?<![A-Za-z0-9_-])fio-u-[A-Za-z0-9_=-]{64}(?![A-Za-z0-9_=-])/,
    minEntropy: 4,
    remediation: 'Delete the token in the Frame.io developer site (Tokens) and create a new one.',
    docs: 'https://developer.frame.io/docs/getting-started/authentication',
    examples: {
      positive: [
        'FRAMEIO_TOKEN=fio-u-2uWDwFU3bT4GrYbMwbjhJQFnHUhH3LB4fs-Fm5PyKzZpVNpK8qzs7LADKuawDQP5',
        "client = FrameioClient('fio-u-2uWDwFU3bT4GrYbMwbjhJQFnHUhH3LB4fs-Fm5PyKzZpVNpK8qzs7LADKuawDQP5')",
      ],
      negative: ['FRAMEIO_TOKEN=fio-u-...', 'FRAMEIO_TOKEN=fio-u-2uWDwFU3bT4GrYbMwbjhJQFnHUhH3LB4'],
    },
  },
  {
    id: 'mapbox-secret-token',
    title: 'Mapbox secret access token',
    provider: 'Mapbox',
    severity: 'high',
    keywords: ['sk.eyj'],
    pattern: /(?<![A-Za-z0-9_.-])sk\.eyJ[A-Za-z0-9_-]{20,300}\.[A-Za-z0-9_-]{20,30}(?![A-Za-z0-9_-])/,
    minEntropy: 4,
    validate: mapboxPayload,
    remediation: 'Delete the secret token on the Access tokens page of your Mapbox account.',
    docs: 'https://docs.mapbox.com/accounts/guides/tokens/',
    examples: {
      positive: [
        'MAPBOX_DOWNLOADS_TOKEN=sk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6ImNseDhxMnY3azBiM3AxbXF6OXI0dDZ3ZnkifQ.KADf4s7iRG6-cJMvlX2daL',
        'MAPBOX_SECRET_TOKEN: "sk.eyJ1Ijoibm9ydGh3aW5kIiwiYSI6ImNtMWQ0aDhzMjBmN2sybHBxNXc5eDNhanYifQ.xVKoF8BsZKzD3Rrq6AqSGO"',
      ],
      negative: [
        // Public tokens (pk.) are meant to ship in web pages.
        'MAPBOX_TOKEN=pk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6ImNseDhxMnY3azBiM3AxbXF6OXI0dDZ3ZnkifQ.KADf4s7iRG6-cJMvlX2daL',
        'MAPBOX_SECRET_TOKEN=sk.eyJ...',
      ],
    },
  },
]);
