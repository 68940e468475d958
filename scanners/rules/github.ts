import { defineRules } from './define.js';
import type { Rule, Severity } from '../engine/types.js';
import { hasValidCrc32Suffix } from '../engine/validators.js';

const TOKEN_FORMATS =
  'https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/';

interface PrefixedToken {
  id: string;
  title: string;
  prefix: string;
  severity: Severity;
  remediation: string;
  docs: string;
  positive: [string, string];
  /** A token of this type whose last character was changed, so its CRC32 no longer matches. */
  badChecksum: string;
}

/**
 * `gh?_` tokens are 30 random base62 characters and a 6-character base62 CRC32 of them; the
 * checksum makes these rules exact, so placeholder heuristics are not needed.
 */
function prefixedToken(t: PrefixedToken): Rule {
  return {
    id: t.id,
    title: t.title,
    provider: 'GitHub',
    severity: t.severity,
    keywords: [t.prefix],
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9_])(?<secret>${t.prefix}[A-Za-z0-9]{36})(?![A-Za-z0-9])`),
    window: { before: 1, after: 45 },
    validate: (secret) => hasValidCrc32Suffix(secret, t.prefix),
    suppress: 'none',
    remediation: t.remediation,
    docs: t.docs,
    examples: {
      positive: t.positive,
      negative: [
        `GITHUB_TOKEN=${t.badChecksum}`,
        `token: ${t.prefix}${'x'.repeat(36)}`,
        `const prefix = '${t.prefix}';`,
      ],
    },
  };
}

export const rules = defineRules([
  prefixedToken({
    id: 'github-pat-classic',
    title: 'GitHub personal access token (classic)',
    prefix: 'ghp_',
    severity: 'critical',
    remediation:
      'Delete the token in GitHub Settings > Developer settings > Personal access tokens (classic).',
    docs: 'https://docs.github.com/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
    positive: [
      'export GITHUB_TOKEN=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',
      'git remote set-url origin https://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@github.com/acme/api.git',
    ],
    badChecksum: 'ghp_jnMYmyu8nHG366EKQV1aiRAj00MCIL3QlDUA',
  }),
  prefixedToken({
    id: 'github-oauth-token',
    title: 'GitHub OAuth access token',
    prefix: 'gho_',
    severity: 'high',
    remediation:
      'Revoke the authorization in GitHub Settings > Applications > Authorized OAuth Apps, or via the OAuth app API.',
    docs: TOKEN_FORMATS,
    positive: [
      '{"access_token": "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", "token_type": "bearer"}',
      'oauth_token: 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',
    ],
    badChecksum: 'gho_1HVN8W2Av6jBkgWHvIqyHDPc9JUbFk3Zo9SA',
  }),
  prefixedToken({
    id: 'github-user-to-server-token',
    title: 'GitHub App user access token',
    prefix: 'ghu_',
    severity: 'high',
    remediation:
      'Revoke the user authorization of the GitHub App (Settings > Applications > Authorized GitHub Apps).',
    docs: 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app',
    positive: [
      'Authorization: Bearer ghu_d2CXwXKZEi83i2U3tVCIqrhhTohZIE3EhshM',
      'GH_USER_TOKEN="ghu_Li155ERmXw4gwSezQQzooNFEOcUKSz1gqm5q"',
    ],
    badChecksum: 'ghu_d2CXwXKZEi83i2U3tVCIqrhhTohZIE3EhshA',
  }),
  prefixedToken({
    id: 'github-server-to-server-token',
    title: 'GitHub App installation access token',
    prefix: 'ghs_',
    severity: 'high',
    remediation:
      'Installation tokens expire within an hour; revoke it now with DELETE /installation/token and rotate the app private key if it leaked too.',
    docs: 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app',
    positive: [
      'git clone https://x-access-token:ghs_PrhSROAUEBwkdDDjCM8HiVpgeB1PEb4OBkTo@github.com/acme/infra.git',
      '"token": "ghs_GN9N6oVCoqVaXRa2zQ6yci0H1jFBN62LbbX3",',
    ],
    badChecksum: 'ghs_PrhSROAUEBwkdDDjCM8HiVpgeB1PEb4OBkTA',
  }),
  prefixedToken({
    id: 'github-refresh-token',
    title: 'GitHub App refresh token',
    prefix: 'ghr_',
    severity: 'high',
    remediation:
      'Revoke the user authorization of the GitHub App (Settings > Applications > Authorized GitHub Apps).',
    docs: 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens',
    positive: [
      '"refresh_token": "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",',
      'GITHUB_REFRESH_TOKEN=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',
    ],
    badChecksum: 'ghr_BXB94mAYkb9NfYcs8DhTdOTmu0XPb64Ie6fA',
  }),
  {
    id: 'github-pat-fine-grained',
    title: 'GitHub fine-grained personal access token',
    provider: 'GitHub',
    severity: 'critical',
    keywords: ['github_pat_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9])/,
    window: { before: 1, after: 100 },
    minEntropy: 4,
    remediation:
      'Delete the token in GitHub Settings > Developer settings > Fine-grained tokens; organization owners can revoke it too.',
    docs: 'https://docs.github.com/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
    examples: {
      positive: [
        'GH_TOKEN=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',
        "token: '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'",
      ],
      negative: [
        // second part one character short
        'GH_TOKEN=github_pat_11FB6ETC7I8ZHCSLIQEYJ1_jSf0lHjnwqdppfTyriAbecYu4x0CA8JXvDDNtceXy4NVzyeFBET9FH5D5L',
        'GH_TOKEN=github_pat_XXXXXXXXXXXXXXXXXXXXXX_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'github-token-legacy',
    title: 'GitHub token (legacy 40-hex format)',
    provider: 'GitHub',
    severity: 'critical',
    keywords: ['github', 'gh_token', 'gh_pat'],
    // Pre-2021 tokens are bare hex, the shape of a commit id: only a GitHub token name or a
    // credential in a github.com URL tells them apart.
    pattern:
      /(?:(?<![a-z0-9])(?:github|gh)[_-]?(?:api[_-]?|access[_-]?|oauth[_-]?|personal[_-]?access[_-]?)?(?:token|pat)["']?\s*(?::=|=>|[:=])\s*["']?|https:\/\/(?:[^\s:@/]{1,40}:)?)(?<secret>[0-9a-f]{40})(?![A-Za-z0-9])(?:@github\.com)?/i,
    window: { before: 80, after: 80 },
    validate: (secret, match) =>
      /^[0-9a-f]{40}$/.test(secret) && (!match[0].startsWith('https://') || match[0].endsWith('@github.com')),
    minEntropy: 3.2,
    remediation:
      'Delete the token in GitHub Settings > Developer settings > Personal access tokens and replace it with a fine-grained token or a GitHub App.',
    docs: 'https://docs.github.com/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
    examples: {
      positive: [
        'GITHUB_TOKEN=16069ec5ccc07a6d2c8d4cedba576db8a390bf81',
        'git clone https://deploy:86a5ebbe34be9267d26f4e8f49b058f26f6d5a4f@github.com/acme/legacy.git',
        'github_token: "86a5ebbe34be9267d26f4e8f49b058f26f6d5a4f"',
      ],
      negative: [
        'GITHUB_SHA=16069ec5ccc07a6d2c8d4cedba576db8a390bf81',
        'https://github.com/acme/api/commit/16069ec5ccc07a6d2c8d4cedba576db8a390bf81',
        'GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}',
      ],
    },
  },
  {
    id: 'github-oauth-client-secret',
    title: 'GitHub OAuth / GitHub App client secret',
    provider: 'GitHub',
    severity: 'high',
    keywords: ['github'],
    pattern:
      /(?<![a-z0-9])github[_-]?(?:oauth[_-]?)?(?:app[_-]?)?client[_-]?secret["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>[0-9a-f]{40})(?![A-Za-z0-9])/i,
    window: { before: 5, after: 90 },
    minEntropy: 3.2,
    remediation:
      'Generate a new client secret and delete the old one in the OAuth app or GitHub App settings.',
    docs: 'https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
    examples: {
      positive: [
        'GITHUB_CLIENT_SECRET=6b9511b15f121aa5cd0c0124e4b2bc2c90b10b24',
        'github_oauth_client_secret: "6b9511b15f121aa5cd0c0124e4b2bc2c90b10b24"',
      ],
      negative: ['GITHUB_CLIENT_ID=Iv1.61b9a7704b62c493', 'GITHUB_CLIENT_SECRET=<client secret>'],
    },
  },
]);
