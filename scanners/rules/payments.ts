import type { Rule } from '../engine/types.js';
import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, assignment } from './assignment.js';
import { rules as regional } from './payments-regional.js';

/**
 * Paystack also issues `sk_live_`/`sk_test_` keys, always 40 lower-case hex; Stripe bodies are mixed-case
 * base62, so a body that is exactly 40 hex belongs to the Paystack rules.
 */
const NOT_PAYSTACK = '(?![a-f0-9]{40}(?![A-Za-z0-9]))';

const STRIPE_KEYS = 'https://docs.stripe.com/keys';

/** Card processors and commerce platforms; regional gateways, open banking and crypto live in payments-regional. */
export const rules = defineRules([
  {
    id: 'stripe-secret-key',
    title: 'Stripe live secret key',
    provider: 'Stripe',
    severity: 'critical',
    keywords: ['sk_live_'],
    pattern: new RegExp(`(?<![A-Za-z0-9_])sk_live_${NOT_PAYSTACK}[A-Za-z0-9]{24,247}(?![A-Za-z0-9])`),
    minEntropy: 3.5,
    remediation: 'Roll the key in the Stripe Dashboard (Developers > API keys) and update every consumer.',
    docs: STRIPE_KEYS,
    examples: {
      positive: [
        'STRIPE_SECRET_KEY=sk_live_xzQ8ZAwmJ1eoqkB007cWmuBA',
        "Stripe.api_key = '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'",
      ],
      negative: [
        'STRIPE_PUBLISHABLE_KEY=pk_live_xzQ8ZAwmJ1eoqkB007cWmuBA',
        'STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
        'STRIPE_SECRET_KEY=sk_live_...',
      ],
    },
  },
  {
    id: 'stripe-test-secret-key',
    title: 'Stripe test-mode secret or restricted key',
    provider: 'Stripe',
    severity: 'medium',
    keywords: ['sk_test_', 'rk_test_'],
    pattern: new RegExp(`(?<![A-Za-z0-9_])[rs]k_test_${NOT_PAYSTACK}[A-Za-z0-9]{24,247}(?![A-Za-z0-9])`),
    minEntropy: 3.5,
    remediation: 'Roll the test key in the Stripe Dashboard (test mode > Developers > API keys).',
    docs: STRIPE_KEYS,
    examples: {
      positive: [
        'STRIPE_SECRET_KEY=sk_test_sdxnN5M4H2vli51Mdnco3Wwu',
        'stripe:\n  secret_key: "rk_test_51M0jG2jwDCs5VHY3bJvNWqYL462C3an3yUQkXhzlH5E6GJXn2PBICzOd6WbTDhkOm5S83KD52Ko70Pykb4tDuwnjGQfwLFAHrzBw"',
      ],
      negative: [
        // Stripe's own documentation key.
        "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'",
        'STRIPE_PUBLISHABLE_KEY=pk_test_sdxnN5M4H2vli51Mdnco3Wwu',
      ],
    },
  },
  {
    id: 'stripe-restricted-key',
    title: 'Stripe live restricted key',
    provider: 'Stripe',
    severity: 'high',
    keywords: ['rk_live_'],
    pattern: /(?<![A-Za-z0-9_])rk_live_[A-Za-z0-9]{24,247}(?![A-Za-z0-9])/,
    minEntropy: 3.5,
    remediation: 'Roll or delete the restricted key in the Stripe Dashboard (Developers > API keys).',
    docs: 'https://docs.stripe.com/keys#limit-access',
    examples: {
      positive: [
        'STRIPE_RESTRICTED_KEY=rk_live_ICMb9bHHdE1TWbbASh34KLSH',
        '"stripeKey": "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"',
      ],
      negative: ['STRIPE_RESTRICTED_KEY=rk_live_<key>', 'STRIPE_KEY=pk_live_ICMb9bHHdE1TWbbASh34KLSH'],
    },
  },
  {
    id: 'stripe-webhook-secret',
    title: 'Webhook signing secret (Stripe whsec_)',
    provider: 'Stripe',
    severity: 'medium',
    keywords: ['whsec_'],
    pattern: /(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/]{32,88}={0,2}(?![A-Za-z0-9+/=])/,
    minEntropy: 3.5,
    remediation: 'Roll the endpoint signing secret in the Stripe Dashboard (Developers > Webhooks).',
    docs: 'https://docs.stripe.com/webhooks#verify-events',
    examples: {
      positive: [
        'STRIPE_WEBHOOK_SECRET=whsec_WCXpoRYrI3lTwUqwTd253qL2vbquhOtG',
        'endpoint_secret = "whsec_3a54f92d1c896bc0885cc0a3d0aa4ca8c2c0923b08a3eb42318bcbbe146e3842"',
      ],
      negative: ['STRIPE_WEBHOOK_SECRET=whsec_...', 'STRIPE_WEBHOOK_SECRET=whsec_test_secret'],
    },
  },
  {
    id: 'square-access-token',
    title: 'Square access token',
    provider: 'Square',
    severity: 'critical',
    keywords: ['eaaa', 'sq0atp-'],
    pattern: /(?<![A-Za-z0-9_-])(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: 'Revoke the token (or replace the personal access token) in the Square Developer Dashboard.',
    docs: 'https://developer.squareup.com/docs/build-basics/access-tokens',
    examples: {
      positive: [
        'SQUARE_ACCESS_TOKEN=EAAADyKII3jDrJsSQMH-lIrm2Rf9QBxDF98emacc5EsB_6Ldkn4U4oe3cttx0jyT',
        "client = Client(access_token='sq0atp-USAk3h9dxu7wnJgXAk7iZc')",
      ],
      negative: [
        'SQUARE_APPLICATION_ID=sq0idp-USAk3h9dxu7wnJgXAk7iZc',
        'SQUARE_ACCESS_TOKEN=EAAA-your-token',
      ],
    },
  },
  {
    id: 'square-oauth-secret',
    title: 'Square OAuth application secret',
    provider: 'Square',
    severity: 'high',
    keywords: ['sq0csp-'],
    pattern: /(?<![A-Za-z0-9_-])sq0csp-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: "Replace the application secret on the app's OAuth page in the Square Developer Dashboard.",
    docs: 'https://developer.squareup.com/docs/oauth-api/overview',
    examples: {
      positive: [
        'SQUARE_APP_SECRET=sq0csp-ejpkUlkv0eVJDpXG3_JD8josC23PVe-a30YSjJxOYry',
        '"client_secret": "sq0csp-sLDo2svjl9I5B_3O9jBNNqgbRqKN6_m28Af3uEJKCbE"',
      ],
      negative: ['SQUARE_APP_SECRET=sq0csp-xxxxxxxx', 'SQUARE_APP_SECRET=sq0csp-<secret>'],
    },
  },
  {
    id: 'braintree-access-token',
    title: 'Braintree / PayPal production access token',
    provider: 'PayPal Braintree',
    severity: 'critical',
    keywords: ['access_token$production$'],
    pattern: /access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation:
      'Revoke the access token in the Braintree Control Panel (or PayPal developer dashboard) and issue a new one.',
    docs: 'https://developer.paypal.com/braintree/docs/guides/authorization/overview',
    examples: {
      positive: [
        'BRAINTREE_ACCESS_TOKEN=access_token$production$2nb4azykumdepvpc$c9690ce5dcb327ff9629ef02796cf429',
        'gateway = braintree.BraintreeGateway(access_token="access_token$production$39xsj2sdrm1dbc3g$1666b6645835d086829345aa85a2ffcb")',
      ],
      negative: [
        'BRAINTREE_ACCESS_TOKEN=access_token$sandbox$2nb4azykumdepvpc$c9690ce5dcb327ff9629ef02796cf429',
        'BRAINTREE_ACCESS_TOKEN=access_token$production$<merchant>$<token>',
      ],
    },
  },
  {
    id: 'braintree-sandbox-access-token',
    title: 'Braintree / PayPal sandbox access token',
    provider: 'PayPal Braintree',
    severity: 'medium',
    keywords: ['access_token$sandbox$'],
    pattern: /access_token\$sandbox\$[0-9a-z]{16}\$[0-9a-f]{32}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Revoke the sandbox access token in the Braintree sandbox Control Panel.',
    docs: 'https://developer.paypal.com/braintree/docs/guides/authorization/overview',
    examples: {
      positive: [
        'BRAINTREE_ACCESS_TOKEN=access_token$sandbox$2nb4azykumdepvpc$c9690ce5dcb327ff9629ef02796cf429',
        "accessToken: 'access_token$sandbox$39xsj2sdrm1dbc3g$1666b6645835d086829345aa85a2ffcb'",
      ],
      negative: ['BRAINTREE_ACCESS_TOKEN=access_token$sandbox$...', 'access_token$sandbox$2nb4azykumdepvpc'],
    },
  },
  {
    id: 'braintree-private-key',
    title: 'Braintree API private key',
    provider: 'PayPal Braintree',
    severity: 'critical',
    keywords: ['braintree'],
    pattern: assignment(String.raw`braintree${GAP}private[_.-]?key`, '[a-f0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Generate a new API key pair in the Braintree Control Panel (Settings > API) and delete the old one.',
    docs: 'https://developer.paypal.com/braintree/articles/control-panel/important-gateway-credentials',
    examples: {
      positive: [
        'BRAINTREE_PRIVATE_KEY=1d093731ce5fa4aef32106a6a8bfa421',
        'braintree.private_key: "c5b4f446bd555c201d0578fe2ac16bb3"',
      ],
      negative: [
        'BRAINTREE_PUBLIC_KEY=1d093731ce5fa4aef32106a6a8bfa421',
        'BRAINTREE_PRIVATE_KEY=use_your_private_key',
      ],
    },
  },
  {
    id: 'paypal-client-secret',
    title: 'PayPal REST API client secret',
    provider: 'PayPal',
    severity: 'critical',
    keywords: ['paypal'],
    pattern: assignment(String.raw`paypal${GAP}secret`, '[A-Za-z0-9_-]{80}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 4,
    remediation:
      'Generate a new secret for the app in the PayPal Developer Dashboard and disable the old one.',
    docs: 'https://developer.paypal.com/api/rest/authentication/',
    examples: {
      positive: [
        'PAYPAL_CLIENT_SECRET=EkgD8xgzUcYOMddBBNLJKfU-S6r_RMG8c-OhDc5EELge0TEILOYkSdeiMj-XCy0CkY8GAPot8RSAfuPZ',
        '"paypalClientSecret": "EnvNa0GZyayrfi1rABP26PDFAMBK9Zv7mMahFrOkN8AH0L6bH8F0UVMapcGYUXllJzNkTK53aGmWGuay"',
      ],
      negative: [
        'PAYPAL_CLIENT_ID=AkgD8xgzUcYOMddBBNLJKfU-S6r_RMG8c-OhDc5EELge0TEILOYkSdeiMj-XCy0CkY8GAPot8RSAfuPZ',
        'PAYPAL_CLIENT_SECRET=<client secret from the developer dashboard>',
      ],
    },
  },
  shopify('shpat', 'shopify-access-token', 'Shopify Admin API access token', [
    '0226452eea225b92f72280eae04e5b51',
    '3be9094628881804c8abfceffc28fbf0',
  ]),
  shopify('shpca', 'shopify-custom-app-token', 'Shopify custom app access token', [
    '0ec88ef08ed58a2a2a4e7d9c91f6b8b7',
    '399aa52a07251ba7bc56bd9f700b877b',
  ]),
  shopify('shppa', 'shopify-private-app-password', 'Shopify private app password', [
    'e79fb16a28e56d99cdc2553b14da52a8',
    '3be9094628881804c8abfceffc28fbf0',
  ]),
  shopify('shpss', 'shopify-shared-secret', 'Shopify app shared secret', [
    '399aa52a07251ba7bc56bd9f700b877b',
    '0226452eea225b92f72280eae04e5b51',
  ]),
  {
    id: 'adyen-api-key',
    title: 'Adyen API key',
    provider: 'Adyen',
    severity: 'critical',
    keywords: ['aqe'],
    pattern: /(?<![A-Za-z0-9+/])AQE[A-Za-z0-9+/]{60,120}={0,2}-[A-Za-z0-9+/]{43}=(?:-[!-~]{16}(?![!-~]))?/,
    minEntropy: 4,
    remediation:
      'Generate a new API key for the API credential in the Adyen Customer Area and revoke the old one.',
    docs: 'https://docs.adyen.com/development-resources/api-credentials/',
    examples: {
      positive: [
        'ADYEN_API_KEY=AQESMaemhsAyLY/a26N09pPw0Bov/XOaJhjFzpAgNMjf+l+iYuuopDZQSJLSn+RcIKFXqV4oJw==-KdAA7AgroZi95EQjKYIyplifZ4BtaYn8Sh1py9jdDYP=-0vfulaRHZ5e8Y28v',
        '-H "X-API-Key: AQESMaemhsAyLY/a26N09pPw0Bov/XOaJhjFzpAgNMjf+l+iYuuopDZQSJLSn+RcIKFXqV4oJw==-KdAA7AgroZi95EQjKYIyplifZ4BtaYn8Sh1py9jdDYP="',
      ],
      negative: ['ADYEN_API_KEY=AQE...', 'ADYEN_CLIENT_KEY=live_KdAA7AgroZi95EQjKYIyplifZ4BtaYn8'],
    },
  },
  ...regional,
]);

/** Shopify's four token kinds share one shape: prefix, underscore, 32 hex. */
function shopify(prefix: string, id: string, title: string, values: readonly [string, string]): Rule {
  return {
    id,
    title,
    provider: 'Shopify',
    severity: 'high',
    keywords: [`${prefix}_`],
    pattern: new RegExp(`(?<![A-Za-z0-9_])${prefix}_[a-fA-F0-9]{32}(?![A-Za-z0-9])`),
    minEntropy: 3,
    remediation:
      prefix === 'shpss'
        ? 'Rotate the client secret in the Shopify Partner Dashboard (or the app settings) and redeploy.'
        : 'Uninstall/reinstall the app or rotate the token in the Shopify admin, then update consumers.',
    docs: 'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin',
    examples: {
      positive: [
        `SHOPIFY_TOKEN=${prefix}_${values[0]}`,
        `"X-Shopify-Access-Token": "${prefix}_${values[1]}"`,
      ],
      negative: [
        `SHOPIFY_TOKEN=${prefix}_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
        `SHOPIFY_TOKEN=${prefix}_${values[0].slice(0, 20)}`,
      ],
    },
  };
}
