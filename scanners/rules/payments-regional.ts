import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

/** Regional payment gateways, bank-debit and open-banking providers, payouts and crypto exchanges. */
export const rules = defineRules([
  {
    id: 'razorpay-key-secret',
    title: 'Razorpay API key secret',
    provider: 'Razorpay',
    severity: 'critical',
    keywords: ['razorpay', 'rzp_'],
    // Either a name mentioning Razorpay, or the secret passed right after its key id.
    pattern: assignment(
      String.raw`razorpay${GAP}secret`,
      '[A-Za-z0-9]{24}',
      String.raw`rzp_(?:live|test)_[A-Za-z0-9]{14}["']?\s{0,3}[,:]\s{0,3}["']?`,
    ),
    window: { before: 200, after: 256 },
    minEntropy: 3.5,
    remediation: 'Regenerate the API key pair in the Razorpay Dashboard (Account & Settings > API Keys).',
    docs: 'https://razorpay.com/docs/api/authentication/',
    examples: {
      positive: [
        'RAZORPAY_KEY_SECRET=8UGbVjf15wE8tp9GcK6kzEap',
        'client = razorpay.Client(auth=("rzp_live_6VzAHp2tbSEJTf", "mu5G4ZPV45AzLf1W8CII06nx"))',
      ],
      negative: ['RAZORPAY_KEY_ID=rzp_live_6VzAHp2tbSEJTf', 'RAZORPAY_KEY_SECRET=your_key_secret_here'],
    },
  },
  {
    id: 'flutterwave-secret-key',
    title: 'Flutterwave live secret key',
    provider: 'Flutterwave',
    severity: 'critical',
    keywords: ['flwseck-'],
    pattern: /(?<![A-Za-z0-9_-])FLWSECK-[a-f0-9]{32}-X(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Regenerate the API keys in the Flutterwave dashboard (Settings > API Keys).',
    docs: 'https://developer.flutterwave.com/docs/authentication',
    examples: {
      positive: [
        'FLW_SECRET_KEY=FLWSECK-b65ab96ac625d883010778c4d4dabece-X',
        "secretKey: 'FLWSECK-dfa17b94f39e3df8806562b27691bc33-X'",
      ],
      negative: [
        'FLW_PUBLIC_KEY=FLWPUBK-b65ab96ac625d883010778c4d4dabece-X',
        'FLW_SECRET_KEY=FLWSECK-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X',
      ],
    },
  },
  {
    id: 'flutterwave-test-secret-key',
    title: 'Flutterwave test secret key',
    provider: 'Flutterwave',
    severity: 'medium',
    keywords: ['flwseck_test-'],
    pattern: /(?<![A-Za-z0-9_-])FLWSECK_TEST-[a-f0-9]{32}-X(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Regenerate the test API keys in the Flutterwave dashboard (Settings > API Keys).',
    docs: 'https://developer.flutterwave.com/docs/authentication',
    examples: {
      positive: [
        'FLW_SECRET_KEY=FLWSECK_TEST-b65ab96ac625d883010778c4d4dabece-X',
        '"secret": "FLWSECK_TEST-dfa17b94f39e3df8806562b27691bc33-X"',
      ],
      negative: [
        'FLW_PUBLIC_KEY=FLWPUBK_TEST-b65ab96ac625d883010778c4d4dabece-X',
        'FLW_SECRET_KEY=FLWSECK_TEST-SANDBOXDEMOKEY-X',
      ],
    },
  },
  {
    id: 'flutterwave-encryption-key',
    title: 'Flutterwave encryption key',
    provider: 'Flutterwave',
    severity: 'medium',
    keywords: ['flwseck'],
    pattern: /(?<![A-Za-z0-9_-])FLWSECK(?:_TEST)?[a-f0-9]{12}(?![A-Za-z0-9_-])/,
    minEntropy: 2.5,
    remediation:
      'Regenerate the API keys (the encryption key changes with them) in the Flutterwave dashboard.',
    docs: 'https://developer.flutterwave.com/docs/encryption',
    examples: {
      positive: ['FLW_ENCRYPTION_KEY=FLWSECK_TESTcb14eb68d858', 'encryption_key: "FLWSECK60435fac2115"'],
      negative: [
        'FLW_ENCRYPTION_KEY=FLWSECK_TEST-b65ab96ac625d883010778c4d4dabece-X',
        'FLW_ENCRYPTION_KEY=FLWSECK_TEST',
      ],
    },
  },
  {
    id: 'paystack-secret-key',
    title: 'Paystack live secret key',
    provider: 'Paystack',
    severity: 'critical',
    keywords: ['sk_live_'],
    pattern: /(?<![A-Za-z0-9_])sk_live_[a-f0-9]{40}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Generate new API keys in the Paystack dashboard (Settings > API Keys & Webhooks).',
    docs: 'https://paystack.com/docs/api/authentication/',
    examples: {
      positive: [
        'PAYSTACK_SECRET_KEY=sk_live_67b0561bc79ed127e0465ef552160effd268c04b',
        "Authorization: 'Bearer sk_live_bef88751af588c64de533749d009c61c0b7ad2ea'",
      ],
      negative: [
        'PAYSTACK_PUBLIC_KEY=pk_live_67b0561bc79ed127e0465ef552160effd268c04b',
        'PAYSTACK_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ],
    },
  },
  {
    id: 'paystack-test-secret-key',
    title: 'Paystack test secret key',
    provider: 'Paystack',
    severity: 'medium',
    keywords: ['sk_test_'],
    pattern: /(?<![A-Za-z0-9_])sk_test_[a-f0-9]{40}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Generate new test API keys in the Paystack dashboard (Settings > API Keys & Webhooks).',
    docs: 'https://paystack.com/docs/api/authentication/',
    examples: {
      positive: [
        'PAYSTACK_SECRET_KEY=sk_test_edfdecc2b60fb74b607cb013177e07af8d675a00',
        '"paystackSecret": "sk_test_bef88751af588c64de533749d009c61c0b7ad2ea"',
      ],
      negative: [
        'PAYSTACK_PUBLIC_KEY=pk_test_edfdecc2b60fb74b607cb013177e07af8d675a00',
        'PAYSTACK_SECRET_KEY=sk_test_edfdecc2b60fb74b607c',
      ],
    },
  },
  {
    id: 'mollie-api-key',
    title: 'Mollie API key or organization access token',
    provider: 'Mollie',
    severity: 'high',
    keywords: ['mollie'],
    pattern: /(?<![A-Za-z0-9_])(?:(?:live|test)_[A-Za-z0-9]{30}|access_[A-Za-z0-9]{40})(?![A-Za-z0-9_])/,
    window: { before: 200, after: 256 },
    minEntropy: 3.5,
    remediation: 'Reset the API key (or revoke the access token) in the Mollie Dashboard under Developers.',
    docs: 'https://docs.mollie.com/reference/authentication',
    examples: {
      positive: [
        'MOLLIE_API_KEY=live_YzGHsTuRVuaur1IvyhNW2ZOFHUYdyX',
        '$mollie->setAccessToken("access_4Hi3lLxfeeDLwf0RK5M7WMUDvuajubMCQ63xHQ0N");',
      ],
      negative: ['MOLLIE_PROFILE_ID=pfl_Ix2PIC36XI', 'FEATURE_FLAG=live_YzGHsTuRVuaur1IvyhNW2ZOFHUYdyX'],
    },
  },
  {
    id: 'gocardless-access-token',
    title: 'GoCardless access token',
    provider: 'GoCardless',
    severity: 'high',
    keywords: ['gocardless'],
    pattern: /(?<![A-Za-z0-9_])(?:live|sandbox)_[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])/,
    window: { before: 200, after: 256 },
    minEntropy: 3.5,
    remediation:
      'Revoke the access token in the GoCardless dashboard (Developers > Access tokens) and create a new one.',
    docs: 'https://developer.gocardless.com/getting-started/api/making-your-first-request/',
    examples: {
      positive: [
        'GOCARDLESS_ACCESS_TOKEN=live_WJ53bJ4Gpiv551NVrlhHPrrpWQ-DkKZp7eG8aVgv',
        "client = gocardless_pro.Client(access_token='sandbox_RFzUsCgthU7NvLCvp4yu1abuCR2l8WvkS4jVHdTD', environment='sandbox')",
      ],
      negative: ['GOCARDLESS_ACCESS_TOKEN=live_...', 'GOCARDLESS_ENVIRONMENT=live'],
    },
  },
  {
    id: 'wise-api-token',
    title: 'Wise (TransferWise) API token',
    provider: 'Wise',
    severity: 'critical',
    keywords: ['wise'],
    pattern: assignment(String.raw`(?:transferwise|(?<![A-Za-z0-9])wise)${GAP}(?:token|key)`, UUID),
    window: ASSIGNMENT_WINDOW,
    remediation: 'Delete the personal API token in Wise (Settings > API tokens) and create a new one.',
    docs: 'https://docs.wise.com/api-docs/features/authentication-access/personal-tokens',
    examples: {
      positive: [
        'WISE_API_TOKEN=2ea13de0-8b1a-4de0-a893-a53df99b4d01',
        'transferwise_api_key: "8db391dc-5b82-4540-909e-f5b6b9ef1519"',
      ],
      negative: ['WISE_PROFILE_ID=16043882', 'otherwise_token = "2ea13de0-8b1a-4de0-a893-a53df99b4d01"'],
    },
  },
  {
    id: 'plaid-secret',
    title: 'Plaid API secret',
    provider: 'Plaid',
    severity: 'critical',
    keywords: ['plaid'],
    pattern: assignment(String.raw`plaid${GAP}secret`, '[a-f0-9]{30}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Rotate the secret for the environment in the Plaid Dashboard (Developers > Keys).',
    docs: 'https://plaid.com/docs/api/#api-access',
    examples: {
      positive: [
        'PLAID_SECRET=e7d7cfea95563992ef4182614a6bd9',
        'plaid_secret_production: "696670288165866e5cdc8029d9715c"',
      ],
      negative: ['PLAID_CLIENT_ID=b070153d769f88c5805a003b', 'PLAID_SECRET=<sandbox secret>'],
    },
  },
  {
    id: 'plaid-access-token',
    title: 'Plaid Item access token',
    provider: 'Plaid',
    severity: 'high',
    keywords: ['access-production-', 'access-development-'],
    pattern: new RegExp(`(?<![A-Za-z0-9-])access-(?:production|development)-${UUID}(?![A-Za-z0-9-])`),
    remediation:
      'Call /item/remove (or rotate with /item/access_token/invalidate) for the Item the token belongs to.',
    docs: 'https://plaid.com/docs/api/tokens/',
    examples: {
      positive: [
        'access_token = "access-production-2ea13de0-8b1a-4de0-a893-a53df99b4d01"',
        'PLAID_ACCESS_TOKEN=access-development-8db391dc-5b82-4540-909e-f5b6b9ef1519',
      ],
      negative: [
        'access_token = "access-sandbox-2ea13de0-8b1a-4de0-a893-a53df99b4d01"',
        'link_token = "link-production-2ea13de0-8b1a-4de0-a893-a53df99b4d01"',
      ],
    },
  },
  {
    id: 'coinbase-api-secret',
    title: 'Coinbase API secret',
    provider: 'Coinbase',
    severity: 'critical',
    keywords: ['coinbase'],
    pattern: assignment(String.raw`coinbase${GAP}secret`, '[A-Za-z0-9+/]{32,88}={0,2}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 4,
    remediation: 'Delete the API key in the Coinbase (Developer Platform) settings and create a new one.',
    docs: 'https://docs.cdp.coinbase.com/get-started/docs/cdp-api-keys',
    examples: {
      positive: [
        'COINBASE_API_SECRET=VD9h2fmJsTLTCzCZpWyGYix5GktCnIRe',
        '"coinbaseApiSecret": "gHpLvtuX8Lg08RRWGY5p3yL/p6QlBvaarnfGkBZNu2piLq4qFY95l2Df8I+ygXNeg6Ymtp12p+NgATHt2k9JcX=="',
      ],
      negative: [
        'COINBASE_API_KEY=organizations/2ea13de0/apiKeys/8db391dc',
        'COINBASE_API_SECRET=$COINBASE_API_SECRET',
      ],
    },
  },
  {
    id: 'paddle-api-key',
    title: 'Paddle Billing live API key',
    provider: 'Paddle',
    severity: 'critical',
    keywords: ['pdl_live_apikey_'],
    pattern: /(?<![A-Za-z0-9_])pdl_live_apikey_[A-Za-z0-9_]{40,80}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    remediation:
      'Revoke the API key in the Paddle dashboard (Developer tools > Authentication) and create a new one.',
    docs: 'https://developer.paddle.com/api-reference/about/api-keys',
    examples: {
      positive: [
        'PADDLE_API_KEY=pdl_live_apikey_0rc1koypo929c36o8h9cx85cys_vE5pE6H2hDfS6g451zIviO_MA8',
        "new Paddle('pdl_live_apikey_0rc1koypo929c36o8h9cx85cys_vE5pE6H2hDfS6g451zIviO_MA8')",
      ],
      negative: [
        'PADDLE_API_KEY=pdl_sdbx_apikey_0rc1koypo929c36o8h9cx85cys_vE5pE6H2hDfS6g451zIviO_MA8',
        'PADDLE_API_KEY=pdl_live_apikey_...',
      ],
    },
  },
]);
