import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, assignment } from './assignment.js';
import { isJwt } from '../engine/validators.js';
import { rules as customerPlatforms } from './customer-platforms.js';
import { rules as developerTools } from './developer-tools.js';
import { rules as codeAnalysis } from './code-analysis.js';
import { rules as social } from './social.js';

/** A Jira/Confluence Data Center token is base64 of `<numeric id>:<random bytes>`. */
function encodesNumericId(secret: string): boolean {
  return /^[0-9]{6,15}:/.test(Buffer.from(secret, 'base64').toString('latin1'));
}

/** A Dropbox long-lived token pads its middle with ten `A`s; the rest must still look random. */
function dropboxLongLived(secret: string): boolean {
  return new Set(secret.slice(0, 11) + secret.slice(21)).size >= 16;
}

/** Work management, documents, meetings and file storage; more SaaS families are spread in below. */
export const rules = defineRules([
  {
    id: 'atlassian-api-token',
    title: 'Atlassian Cloud API token (Jira, Confluence)',
    provider: 'Atlassian',
    severity: 'high',
    keywords: ['atatt3xffgf0'],
    pattern: /(?<![A-Za-z0-9_-])ATATT3xFfGF0[A-Za-z0-9_-]{150,220}=[A-F0-9]{8}(?![A-Za-z0-9_=-])/,
    minEntropy: 4,
    remediation: 'Revoke the token on id.atlassian.com (Security > API tokens) and create a new one.',
    docs: 'https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/',
    examples: {
      positive: [
        'JIRA_API_TOKEN=ATATT3xFfGF01jJ96MUkaU8YDEFw1K62Z-QNy_hEzhgTxJ2sqawUr0yG6OCUCmXuUe9hEUjTR3xp-0k0ilYTFNz0uGgSuhVU6dJ0aofgWyI-86CZwAHSyvTf9sSIpR6kWzuNpes99jGnUGa9_I1d3gCa73gosEPbs5U0r1CfU9jfaqLl4MUesgF=1F8EB3C8',
        "api_token = 'ATATT3xFfGF0i5OuWZ60NuHUHo1_XHn6Ezq2jjUmV6sLT_30yxmXNWAsOtH1rZ15ja5l_jwrqaIReY-MjSBfglcn8P-GtT-Ms7tgfB3OsY5cyZJ2-MR_SdWIEVfOYoeTKS5iy4X52Oh97BzPtmxnWkc2rjpzDhcOv4ncxpKdbJRfqupmee_QUum=E4152B15'",
      ],
      negative: [
        'ATLASSIAN_API_TOKEN=ATATTxxxxxxxxxxxxxxxxxxxxxxxxx',
        'export ATLASSIAN_API_TOKEN="ATATT3xFf..."',
      ],
    },
  },
  {
    id: 'atlassian-data-center-pat',
    title: 'Jira / Confluence Data Center personal access token',
    provider: 'Atlassian',
    severity: 'high',
    keywords: ['jira', 'confluence'],
    pattern: assignment(
      String.raw`(?:jira|confluence)${GAP}(?:token|pat)`,
      '[MNO][A-Za-z0-9+/]{43}',
      String.raw`Bearer\s{1,3}`,
    ),
    window: { before: 200, after: 256 },
    minEntropy: 4,
    validate: encodesNumericId,
    remediation:
      'Revoke the token under Profile > Personal Access Tokens in Jira or Confluence and create a new one.',
    docs: 'https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html',
    examples: {
      positive: [
        'JIRA_PAT=NDE4MjczNjUwOTEyOhfleLToM7aGhnTlYd5d+G0AiQyS',
        'curl -H "Authorization: Bearer NzMwMTk1ODQ2MjAzOuDO9N2ddkaNvVDyEvQfhmWHgCOd" https://jira.acme.io/rest/api/2/myself',
      ],
      negative: ['JIRA_TOKEN=ODc2NTQzMjEwOTg3NjU0MzIxMDk4NzY1NDMyMTA5ODc2NTQz', 'JIRA_PROJECT=PLATFORM'],
    },
  },
  {
    id: 'linear-api-key',
    title: 'Linear personal API key',
    provider: 'Linear',
    severity: 'high',
    keywords: ['lin_api_'],
    pattern: /(?<![A-Za-z0-9_])lin_api_[A-Za-z0-9]{40}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    remediation: 'Revoke the key under Settings > Security & access > Personal API keys in Linear.',
    docs: 'https://linear.app/developers/graphql#personal-api-keys',
    examples: {
      positive: [
        'LINEAR_API_KEY=lin_api_887IV8Sn7TjTJ932Sr3M2UOAfTODu6yvfl4y7Yzb',
        'new LinearClient({ apiKey: "lin_api_QTBvIZh3YyZKFx6V41HlPKuWvQKGut2WAecc3QpL" })',
      ],
      negative: [
        'LINEAR_API_KEY=lin_api_...',
        'LINEAR_API_KEY=lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ],
    },
  },
  {
    id: 'linear-oauth-token',
    title: 'Linear OAuth access token',
    provider: 'Linear',
    severity: 'high',
    keywords: ['lin_oauth_'],
    pattern: /(?<![A-Za-z0-9_])lin_oauth_[a-f0-9]{64}(?![A-Za-z0-9_])/,
    minEntropy: 3,
    remediation: 'Revoke the token (POST /oauth/revoke) or the app authorization in Linear.',
    docs: 'https://linear.app/developers/oauth-2-0-authentication',
    examples: {
      positive: [
        'LINEAR_TOKEN=lin_oauth_77824805f64f0fd85a4a360fa9d1f7680ef039d15924bd5385a76ed2b296726a',
        '"access_token": "lin_oauth_9a3e48115b5ba8fe26c17ddd6c423c3cf373ed202b87d8b997e4ba2c48ad5157"',
      ],
      negative: ['LINEAR_TOKEN=lin_oauth_...', 'LINEAR_TOKEN=lin_oauth_77824805f64f0fd85a4a360fa9d1f768'],
    },
  },
  {
    id: 'notion-integration-token',
    title: 'Notion integration token',
    provider: 'Notion',
    severity: 'high',
    keywords: ['ntn_'],
    pattern: /(?<![A-Za-z0-9_])ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    remediation: "Refresh the integration's secret on notion.so/my-integrations.",
    docs: 'https://developers.notion.com/docs/authorization',
    examples: {
      positive: [
        'NOTION_TOKEN=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',
        'const notion = new Client({ auth: "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" })',
      ],
      negative: ['NOTION_TOKEN=ntn_OLD_TOKEN_HERE', 'NOTION_TOKEN=ntn_...'],
    },
  },
  {
    id: 'notion-integration-token-legacy',
    title: 'Notion integration token (legacy secret_ format)',
    provider: 'Notion',
    severity: 'high',
    keywords: ['secret_'],
    pattern: /(?<![A-Za-z0-9_])secret_[A-Za-z0-9]{43}(?![A-Za-z0-9_])/,
    minEntropy: 4,
    remediation: "Refresh the integration's secret on notion.so/my-integrations.",
    docs: 'https://developers.notion.com/docs/authorization',
    examples: {
      positive: [
        'NOTION_API_KEY=secret_3uEmWYgsQgGNmCgWkYzhWBcPPnArPfMJUdbOlGGymZg',
        "notion = Client(auth='secret_MOrSrw1Qf3MO3mdrLZyldYfeiebEKrFSToPX26F6urR')",
      ],
      negative: [
        'NOTION_API_KEY=secret_...',
        'def get_secret_from_vault_or_environment_variables_cache_v2(): pass',
      ],
    },
  },
  {
    id: 'asana-personal-access-token',
    title: 'Asana personal access token',
    provider: 'Asana',
    severity: 'high',
    keywords: ['asana'],
    pattern: /(?<![0-9/])[12]\/[0-9]{15,19}(?:\/[0-9]{15,19})?:[a-f0-9]{32}(?![A-Za-z0-9])/,
    window: { before: 200, after: 256 },
    minEntropy: 3,
    remediation: 'Revoke the token in the Asana developer console (My apps > Personal access tokens).',
    docs: 'https://developers.asana.com/docs/personal-access-token',
    examples: {
      positive: [
        'ASANA_TOKEN=2/5808241315236175/0691970994700708:09dc9ec38d5bf0665ce672e000f159e1',
        "client = asana.Client.access_token('1/4414191670305514:052a271fe6579eb537f67040edb6963c')",
      ],
      negative: ['ASANA_WORKSPACE=5808241315236175', 'ratio = 2/5808241315236175'],
    },
  },
  {
    id: 'airtable-personal-access-token',
    title: 'Airtable personal access token',
    provider: 'Airtable',
    severity: 'high',
    keywords: ['pat'],
    pattern: /(?<![A-Za-z0-9_])pat[A-Za-z0-9]{14}\.[a-f0-9]{64}(?![A-Za-z0-9])/,
    minEntropy: 3.5,
    remediation: 'Regenerate or delete the token on airtable.com/create/tokens.',
    docs: 'https://airtable.com/developers/web/guides/personal-access-tokens',
    examples: {
      positive: [
        'AIRTABLE_TOKEN=pattO4OeHeqZ6V27b.f29c24aa5ca3d44ae64bcb9e6fe18c457e94342d857ebfe179b5da14f22cc7f7',
        "Airtable.configure({ apiKey: 'patDmppfBKFq5zRh9.2afc9c9b6b060344ef76b7189f2c4ab8439d1e6429ca411d1f2b010f6d14b6e5' })",
      ],
      negative: ['AIRTABLE_TOKEN=patXXXXXXXXXXXXXX.xxxxxxxx', 'AIRTABLE_BASE=appO4OeHeqZ6V27b'],
    },
  },
  {
    id: 'clickup-api-token',
    title: 'ClickUp personal API token',
    provider: 'ClickUp',
    severity: 'high',
    keywords: ['pk_'],
    pattern: /(?<![A-Za-z0-9_])pk_[0-9]{6,12}_[A-Z0-9]{32}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    remediation: 'Regenerate the token under Settings > Apps > API Token in ClickUp.',
    docs: 'https://developer.clickup.com/docs/authentication',
    examples: {
      positive: [
        'CLICKUP_API_TOKEN=pk_01114819_9ZV1M0O10E3YF82ZX6VLDFSPSS91WZVP',
        '"Authorization": "pk_122104081_7E4MJSFE24D1H8BLQHH84H7J7MWW3HIB"',
      ],
      negative: [
        'STRIPE_KEY=pk_live_9ZV1M0O10E3YF82ZX6VLDFSPSS91WZVP',
        'CLICKUP_API_TOKEN=pk_12345_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'monday-api-token',
    title: 'monday.com API token',
    provider: 'monday.com',
    severity: 'high',
    keywords: ['monday'],
    pattern: assignment(
      String.raw`monday${GAP}(?:token|key)`,
      'eyJ[A-Za-z0-9_-]{10,100}\\.eyJ[A-Za-z0-9_-]{10,1000}\\.[A-Za-z0-9_-]{20,100}',
    ),
    window: { before: 64, after: 1200 },
    validate: isJwt,
    remediation:
      'Regenerate the token under Administration > Connections > API (or Developers > My access tokens) on monday.com.',
    docs: 'https://developer.monday.com/api-reference/docs/authentication',
    examples: {
      positive: [
        'MONDAY_API_TOKEN=eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOjM5ODI3NDYxNSwiYWFpIjoxMSwidWlkIjo1ODIwMzkxNywiaWFkIjoiMjAyNC0wNS0xNFQwOToxMjo0NC4wMDBaIiwicGVyIjoibWU6d3JpdGUiLCJhY3RpZCI6MjMwMTg4NDUsInJnbiI6InVzZTEifQ.icMgFExQL4NIPEnWp8PldB1pXsHYA2LLFQ81sfBb0nc',
        'monday_api_key: "eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOjQwMjkxODM3NywiYWFpIjoxMSwidWlkIjo2MTAyOTM4NCwiaWFkIjoiMjAyNS0wMS0wOFQxNjo0MDowMi4wMDBaIiwicGVyIjoibWU6d3JpdGUiLCJhY3RpZCI6MjQxMDIyMzMsInJnbiI6ImV1YzEifQ.VfMlrhfQwV6M_0WwWrfDvL6owe5jyUV13QCV__PapAA"',
      ],
      negative: [
        'MONDAY_API_TOKEN=eyJhbGciOiJub25lIn0.eyJ0aWQiOjM5ODI3NDYxNX0.c2lnbmF0dXJlbm90cmVhbGx5',
        'MONDAY_BOARD_ID=398274615',
      ],
    },
  },
  {
    id: 'trello-api-token',
    title: 'Trello API token',
    provider: 'Trello',
    severity: 'high',
    keywords: ['trello'],
    pattern: assignment(String.raw`trello${GAP}token`, 'ATTA[A-Za-z0-9]{60,80}|[a-f0-9]{64}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Revoke the token under Account > Applications in Trello (or via DELETE /1/tokens/{token}).',
    docs: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/',
    examples: {
      positive: [
        'TRELLO_TOKEN=ATTA67a564dfaad93fb97c71f044132c6a91e6f7b988ebfc4c1d4bf0865461cdf786C9201857',
        'trello_api_token: "fc5b95a54284ad447d872f4f6b8e413dd3c258c36e0c546adcc5ee1a28e71625"',
      ],
      negative: ['TRELLO_API_KEY=fc5b95a54284ad447d872f4f6b8e413d', 'TRELLO_TOKEN=<token>'],
    },
  },
  {
    id: 'figma-personal-access-token',
    title: 'Figma personal access token',
    provider: 'Figma',
    severity: 'high',
    keywords: ['figd_'],
    pattern: /(?<![A-Za-z0-9_])figd_[A-Za-z0-9_-]{38,45}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: 'Revoke the token under Settings > Security > Personal access tokens in Figma.',
    docs: 'https://www.figma.com/developers/api#access-tokens',
    examples: {
      positive: [
        'FIGMA_TOKEN=figd_U_DSJsYzpGGYHuy4CzgvRkZANwnyE72_NtC8937K',
        '-H "X-Figma-Token: figd_laWcWX1EBYCQBnHgCjmX3zMyLEupXN4FVFNshOej"',
      ],
      negative: ['FIGMA_TOKEN=figd_...', 'FIGMA_TOKEN=figd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    },
  },
  {
    id: 'zoom-client-secret',
    title: 'Zoom app client secret or secret token',
    provider: 'Zoom',
    severity: 'high',
    keywords: ['zoom'],
    pattern: assignment(String.raw`zoom${GAP}secret`, '[A-Za-z0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation:
      "Regenerate the client secret (or secret token) on the app's page in the Zoom App Marketplace.",
    docs: 'https://developers.zoom.us/docs/integrations/oauth/',
    examples: {
      positive: [
        'ZOOM_CLIENT_SECRET=w4ETyYPe6KuMVvj4HeYTd0TRGiS0mceu',
        'zoom_webhook_secret_token: "ryIBB45ZnLLGO56zG2fcXx3Otjbth8w7"',
      ],
      negative: ['ZOOM_CLIENT_ID=w4ETyYPe6KuMVvj4HeYTd0', 'ZOOM_CLIENT_SECRET=<client secret>'],
    },
  },
  {
    id: 'dropbox-short-lived-token',
    title: 'Dropbox short-lived access token',
    provider: 'Dropbox',
    severity: 'high',
    keywords: ['dropbox'],
    pattern: /(?<![A-Za-z0-9_.-])sl\.(?:u\.)?[A-Za-z0-9_-]{130,1400}(?![A-Za-z0-9_-])/,
    window: { before: 300, after: 1600 },
    minEntropy: 4,
    remediation:
      "Revoke the token (POST /2/auth/token/revoke) or the app's access in Dropbox account settings.",
    docs: 'https://developers.dropbox.com/oauth-guide',
    examples: {
      positive: [
        'DROPBOX_ACCESS_TOKEN=sl.6DowArwX01E2EVs4QNAVcUhz3epOMU1nHOQAMw9dFojxCTmuZKCBzNq3LLuoILYgb1Gt3x_xSLYMpzNjP2gKKbh1GUnHiL7dBpEeflfA5UGIN1r_3eraORhx_oHgtx39FN8tPBS25d',
        'dbx = dropbox.Dropbox("sl.u.6DowArwX01E2EVs4QNAVcUhz3epOMU1nHOQAMw9dFojxCTmuZKCBzNq3LLuoILYgb1Gt3x_xSLYMpzNjP2gKKbh1GUnHiL7dBpEeflfA5UGIN1r_3eraORhx_oHgtx39FN8tPBS25d")',
      ],
      negative: ['DROPBOX_ACCESS_TOKEN=sl.xxxxx', 'dropbox_url = "https://www.dropbox.com/sl.html"'],
    },
  },
  {
    id: 'dropbox-long-lived-token',
    title: 'Dropbox long-lived access token',
    provider: 'Dropbox',
    severity: 'high',
    keywords: ['dropbox'],
    pattern: /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{11}AAAAAAAAAA[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
    window: { before: 300, after: 300 },
    // The run of ten `A`s is part of the format; randomness is checked on the rest instead.
    suppress: 'none',
    validate: dropboxLongLived,
    remediation:
      "Revoke the token (POST /2/auth/token/revoke) or the app's access in Dropbox account settings.",
    docs: 'https://developers.dropbox.com/oauth-guide',
    examples: {
      positive: [
        'DROPBOX_TOKEN=zEHQfiQ82kNAAAAAAAAAAJMntg0GxPKrWmzGRxm9jOinl8u2vCOaRaUvq8GuSztP',
        "dbx = dropbox.Dropbox('zEHQfiQ82kNAAAAAAAAAAJMntg0GxPKrWmzGRxm9jOinl8u2vCOaRaUvq8GuSztP')",
      ],
      negative: [
        'DROPBOX_TOKEN=xxxxxxxxxxxAAAAAAAAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'DROPBOX_APP_KEY=zEHQfiQ82kNq3a8',
      ],
    },
  },
  {
    id: 'box-api-token',
    title: 'Box developer token or client secret',
    provider: 'Box',
    severity: 'high',
    keywords: ['box'],
    pattern: assignment(String.raw`(?<![A-Za-z0-9])box${GAP}(?:token|secret)`, '[A-Za-z0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation: 'Regenerate the client secret (or revoke the developer token) in the Box Developer Console.',
    docs: 'https://developer.box.com/guides/authentication/tokens/developer-tokens/',
    examples: {
      positive: [
        'BOX_CLIENT_SECRET=Ss7wSvoW8UOTe14E3zehu0S7xVBRiHFa',
        'box_developer_token: "dL48h0jSX03lXLAI0O1k3V91VMtU1hC9"',
      ],
      negative: [
        'CHECKBOX_TOKEN=Ss7wSvoW8UOTe14E3zehu0S7xVBRiHFa',
        'BOX_CLIENT_ID=Ss7wSvoW8UOTe14E3zehu0S7xVBRiHFa',
      ],
    },
  },
  ...customerPlatforms,
  ...developerTools,
  ...codeAnalysis,
  ...social,
]);
