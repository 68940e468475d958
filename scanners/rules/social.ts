import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, assignment } from './assignment.js';

/** An X/Twitter app bearer token opens with a run of `A`s; what follows must still look random. */
function twitterBearer(secret: string): boolean {
  const rest = secret.replace(/^A+/, '');
  return rest.length >= 50 && new Set(rest).size >= 16;
}

/** Social networks and their developer platforms. */
export const rules = defineRules([
  {
    id: 'twitter-bearer-token',
    title: 'X (Twitter) app bearer token',
    provider: 'X (Twitter)',
    severity: 'high',
    keywords: ['aaaaaaaaaaaaaaaaaaaa'],
    pattern: /(?<![A-Za-z0-9%])A{20,24}[A-Za-z0-9%]{60,150}(?![A-Za-z0-9%])/,
    // The leading run of `A`s is part of the format, so the placeholder heuristics cannot apply.
    suppress: 'none',
    validate: twitterBearer,
    remediation: 'Regenerate the bearer token under Keys and tokens for the app in the X developer portal.',
    docs: 'https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/bearer-tokens',
    examples: {
      positive: [
        'TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAAFq7kAAAAAAAAAD5A7U%2By29MTjWsihs3XB1XNKRT%2FSrqHDZk5A5dl%3DhY8aDO7tl8Wjim9e9eUnjop9kwsAsI',
        'client = tweepy.Client(bearer_token="AAAAAAAAAAAAAAAAAAAAALd9wAAAAAAAAQr9FdCcuFN%2FXcaSv4fgq3nQsA5CmPQgwiK0%3DnFzCQQqgWe4uauyGFYbPg0nWSSxVjVes3B")',
      ],
      negative: [
        'TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'padding = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"',
      ],
    },
  },
  {
    id: 'twitter-api-secret',
    title: 'X (Twitter) API key secret or access token secret',
    provider: 'X (Twitter)',
    severity: 'high',
    keywords: ['twitter'],
    pattern: assignment(
      String.raw`twitter${GAP}(?:consumer|api|access|token|key)[_.-]?(?:token[_.-]?|key[_.-]?)?secret`,
      '[A-Za-z0-9]{45,50}',
    ),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 4,
    remediation: 'Regenerate the API key and secret (or access token and secret) in the X developer portal.',
    docs: 'https://docs.x.com/resources/fundamentals/authentication/oauth-1-0a/api-key-and-secret',
    examples: {
      positive: [
        'TWITTER_API_SECRET=LKKAaJCXG4vvAHUDNrCxneX11UveHFl3fjxSGqGMoDBIpqB3ky',
        'twitter_access_token_secret: "1riiiR4V9voJb5vCy2ZgrOwgX2BMXCEUAbDaY5Qq8P5U5"',
      ],
      negative: ['TWITTER_API_KEY=LKKAaJCXG4vvAHUDNrCxneX11', 'TWITTER_API_SECRET=<api key secret>'],
    },
  },
  {
    id: 'facebook-access-token',
    title: 'Facebook / Meta Graph API access token',
    provider: 'Meta',
    severity: 'high',
    keywords: [
      'eaacedeose0cba',
      'facebook',
      'fb_',
      'fb-',
      'graph.facebook',
      'instagram',
      'whatsapp',
      'meta_',
    ],
    pattern: /(?<![A-Za-z0-9])EAA[A-Za-z0-9]{90,400}(?![A-Za-z0-9])/,
    window: { before: 200, after: 600 },
    minEntropy: 4,
    remediation:
      'Invalidate the token (reset the app secret or remove the app from the user/page) in Meta for Developers.',
    docs: 'https://developers.facebook.com/docs/facebook-login/guides/access-tokens',
    examples: {
      positive: [
        'FB_ACCESS_TOKEN=EAAGMBc1QRP7T3lUB5lU0oXDULsJ6jGCCh1k2TyIcb4H6OvtyWOboBHrx42lcuV6u2aHTjnd08RQyQWRi2mdZBm9srbk65mO4JX6Fr9WBgvh8hVTqNUnSSC6XBwkTCuqBFSOvTkOShoYWYhLdEDVfGq218O4EiqOcFGT1nyz9QiuWdLpNXCBypkv',
        'curl "https://graph.facebook.com/v19.0/me?access_token=EAACEdEose0cBAMBc1QRP7T3lUB5lU0oXDULsJ6jGCCh1k2TyIcb4H6OvtyWOboBHrx42lcuV6u2aHTjnd08RQyQWRi2mdZBm9srbk65mO4JX6Fr9WBgvh8hVTqN"',
      ],
      negative: ['FB_ACCESS_TOKEN=EAAG...', 'FB_PAGE_ID=109283746501928'],
    },
  },
  {
    id: 'facebook-app-secret',
    title: 'Facebook / Meta app secret',
    provider: 'Meta',
    severity: 'high',
    keywords: ['facebook', 'fb_', 'fb-', 'fbapp', 'fbsecret'],
    pattern: assignment(String.raw`(?:facebook|(?<![A-Za-z0-9])fb)${GAP}secret`, '[a-f0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Reset the app secret under App settings > Basic in Meta for Developers.',
    docs: 'https://developers.facebook.com/docs/facebook-login/security/#appsecret',
    examples: {
      positive: [
        'FACEBOOK_APP_SECRET=dcb381aa412f86a56b120a9a24780ebc',
        '"fbAppSecret": "dcb381aa412f86a56b120a9a24780ebc"',
      ],
      negative: ['FACEBOOK_APP_ID=109283746501928', 'FB_APP_SECRET=<app secret>'],
    },
  },
  {
    id: 'linkedin-client-secret',
    title: 'LinkedIn app client secret',
    provider: 'LinkedIn',
    severity: 'high',
    keywords: ['linkedin'],
    pattern: assignment(
      String.raw`linkedin${GAP}secret`,
      String.raw`WPL_AP[0-9]\.[A-Za-z0-9._+/=-]{20,60}|[A-Za-z0-9]{16}`,
    ),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: "Generate a new client secret on the app's Auth tab in the LinkedIn developer portal.",
    docs: 'https://learn.microsoft.com/en-us/linkedin/shared/authentication/client-credentials-flow',
    examples: {
      positive: ['LINKEDIN_CLIENT_SECRET=NUuLRQHTDLl25Zu9', 'linkedin_secret: "vR1tQl6KwBug6I7n"'],
      negative: ['LINKEDIN_CLIENT_ID=77ab3kd9x2qwer', 'LINKEDIN_CLIENT_SECRET=<client secret>'],
    },
  },
]);
