import { defineRules } from './define.js';

/** Cloudflare credentials. Included by cloud-platforms.ts. */

const ASSIGN = String.raw`["']?\s*(?::=|=>|[:=])\s*["']?`;
const CF_DOCS = 'https://developers.cloudflare.com/fundamentals/api/get-started/token-formats/';
const CF_ROLL = 'Roll or delete the token in the Cloudflare dashboard (My Profile / Account > API Tokens).';

export const rules = defineRules([
  {
    id: 'cloudflare-api-token',
    title: 'Cloudflare API token or key (scannable format)',
    provider: 'Cloudflare',
    severity: 'high',
    keywords: ['cfut_', 'cfat_', 'cfk_'],
    // `cfut_` user token, `cfat_` account token, `cfk_` global key: 40 characters and an 8-hex checksum.
    pattern: /(?<![A-Za-z0-9_])(?<secret>cf(?:ut|at|k)_[A-Za-z0-9]{40}[0-9a-f]{8})(?![A-Za-z0-9])/,
    window: { before: 1, after: 60 },
    minEntropy: 3.8,
    remediation: CF_ROLL,
    docs: CF_DOCS,
    examples: {
      positive: [
        'CLOUDFLARE_API_TOKEN=cfut_0nrpC7xm7OzI9DscYShR2w8cgpoGx9heKh415xRx783fdf5b',
        'api_token = "cfat_8k41Wv9uSESe1nuU1NBj4iDiMmjGLjeieQ9EtR6wb8246151"',
        'CF_API_KEY=cfk_3WpdGnR2NxytW56UFk9wj1qq9EgtyZH7WQDCLms4d5cdbe04',
      ],
      negative: [
        'CLOUDFLARE_API_TOKEN=cfut_0nrpC7xm7OzI9DscYShR2w8cgpoGx9heKh41',
        'CLOUDFLARE_API_TOKEN=cfut_<token>',
      ],
    },
  },
  {
    id: 'cloudflare-api-token-legacy',
    title: 'Cloudflare API token (unprefixed)',
    provider: 'Cloudflare',
    severity: 'high',
    keywords: ['cloudflare', 'cf_api_token', 'cf_token', 'cf-api-token'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])(?:cloudflare|cf)[_-]?(?:api[_-]?)?token${ASSIGN}(?!cf(?:ut|at|k)_)(?<secret>[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])`,
      'i',
    ),
    window: { before: 5, after: 80 },
    minEntropy: 3.8,
    remediation: CF_ROLL,
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
    examples: {
      positive: [
        'CLOUDFLARE_API_TOKEN=okBvlZ2S9BWTC-bpTpBcfCge7VLhAZVozdPMRu8T',
        'cf_api_token: "0fsqUcZNjJUGWpUnTtfEEfP2CgA5a5KRe4QGVEHM"',
      ],
      negative: [
        'CLOUDFLARE_API_TOKEN=${{ secrets.CLOUDFLARE_API_TOKEN }}',
        'CLOUDFLARE_ACCOUNT_ID=4e3e6e374de6dadb0df4fae1a2b9c7e5',
      ],
    },
  },
  {
    id: 'cloudflare-global-api-key',
    title: 'Cloudflare global API key (legacy format)',
    provider: 'Cloudflare',
    severity: 'critical',
    keywords: ['cloudflare', 'cf_api_key', 'cf_key', 'x-auth-key'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])(?:(?:cloudflare|cf)[_-]?(?:global[_-]?)?(?:api[_-]?)?key|x-auth-key)${ASSIGN}(?<secret>[0-9a-f]{37})(?![A-Za-z0-9])`,
      'i',
    ),
    window: { before: 5, after: 80 },
    minEntropy: 3,
    remediation:
      'Change the Global API Key (My Profile > API Tokens > Global API Key > Change) and move to scoped API tokens.',
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/keys/',
    examples: {
      positive: [
        'CLOUDFLARE_API_KEY=d2911d7e479efd7cfa318d8faa6cc5e2fedff',
        'curl -H "X-Auth-Key: d2911d7e479efd7cfa318d8faa6cc5e2fedff" https://api.cloudflare.com/client/v4/zones',
      ],
      negative: [
        'CLOUDFLARE_API_KEY=d2911d7e479efd7cfa318d8faa6cc5e2',
        'CLOUDFLARE_ZONE_ID=d2911d7e479efd7cfa318d8faa6cc5e2fedff',
      ],
    },
  },
  {
    id: 'cloudflare-origin-ca-key',
    title: 'Cloudflare Origin CA key',
    provider: 'Cloudflare',
    severity: 'high',
    keywords: ['v1.0-'],
    pattern: /(?<![A-Za-z0-9.-])(?<secret>v1\.0-[0-9a-f]{24}-[0-9a-f]{146})(?![A-Za-z0-9])/,
    window: { before: 1, after: 185 },
    minEntropy: 3,
    remediation:
      'Change the Origin CA Key (My Profile > API Tokens > Origin CA Key) and review issued origin certificates.',
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/',
    examples: {
      positive: [
        'CF_ORIGIN_CA_KEY=v1.0-4e3e6e374de6dadb0df4fae1-666b2f9681c30dc537163ca6b81c485a93a5813ebc83f0d5ea7b95d581529427500dc207a867ad88b186ddea9bbeb9b601ee294c1b1f6f8383e8855521f12a3ac82e402546689f70fd',
        'X-Auth-User-Service-Key: v1.0-4e3e6e374de6dadb0df4fae1-666b2f9681c30dc537163ca6b81c485a93a5813ebc83f0d5ea7b95d581529427500dc207a867ad88b186ddea9bbeb9b601ee294c1b1f6f8383e8855521f12a3ac82e402546689f70fd',
      ],
      negative: [
        'version: v1.0-beta',
        'CF_ORIGIN_CA_KEY=v1.0-4e3e6e374de6dadb0df4fae1-666b2f9681c30dc537163ca6b81c485a93a',
      ],
    },
  },
]);
