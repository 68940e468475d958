import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

const SLACK_TOKENS = 'https://api.slack.com/authentication/token-types';

/** A Discord bot token starts with the bot's numeric user id in unpadded base64. */
function encodesDiscordUserId(token: string): boolean {
  const first = token.split('.')[0] ?? '';
  return /^[0-9]{17,20}$/.test(Buffer.from(first, 'base64url').toString('latin1'));
}

export const rules = defineRules([
  {
    id: 'slack-bot-token',
    title: 'Slack bot token',
    provider: 'Slack',
    severity: 'high',
    keywords: ['xoxb-'],
    pattern: /(?<![A-Za-z0-9-])xoxb-[0-9]{9,14}-(?:[0-9]{9,14}-)?[A-Za-z0-9]{24,34}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation:
      'Revoke the token with auth.revoke or reinstall the app, then store the new one in a secret store.',
    docs: SLACK_TOKENS,
    examples: {
      positive: [
        'SLACK_BOT_TOKEN=xoxb-236624338383-4653877805153-PBNtsqNJ5Q3CXKFxeDI6dL2y',
        'slack:\n  token: "xoxb-68519346314-338686804877-0Gwcg2BxeAOpFr1S3Lhwn7xN"',
      ],
      negative: [
        'SLACK_BOT_TOKEN=xoxb-your-bot-token',
        'token = "xoxb-236624338383-4653877805153-xxxxxxxxxxxxxxxxxxxxxxxx"',
        'SLACK_BOT_TOKEN=xoxb-236624338383-4653877805153-PBNtsqNJ5Q3C',
      ],
    },
  },
  {
    id: 'slack-user-token',
    title: 'Slack user token',
    provider: 'Slack',
    severity: 'high',
    keywords: ['xoxp-'],
    pattern: /(?<![A-Za-z0-9.-])xoxp-[0-9]{9,14}-[0-9]{9,14}-[0-9]{9,14}-[a-f0-9]{32}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Revoke the token with auth.revoke (or remove the app from the user), then reissue it.',
    docs: SLACK_TOKENS,
    examples: {
      positive: [
        'export SLACK_USER_TOKEN=xoxp-639921834831-609197483944-0891915499041-2d14693034dc9fe90d1dd50c904a9849',
        '{"user_token": "xoxp-639921834831-609197483944-0891915499041-2d14693034dc9fe90d1dd50c904a9849"}',
      ],
      negative: ['SLACK_USER_TOKEN=xoxp-12345-67890-1928471-abcdefg', 'token: xoxp-<your-user-token>'],
    },
  },
  {
    id: 'slack-app-level-token',
    title: 'Slack app-level token',
    provider: 'Slack',
    severity: 'high',
    keywords: ['xapp-'],
    pattern: /(?<![A-Za-z0-9-])xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{9,14}-[a-f0-9]{64}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: "Revoke the app-level token on the app's Basic Information page and generate a new one.",
    docs: SLACK_TOKENS,
    examples: {
      positive: [
        'SLACK_APP_TOKEN=xapp-1-BSVIS6RNKY-6933121335670-66ec259f5929cfad9cd96d8bc4d5ddf4a19bd81ba60de8ff9086f25166d4dc9b',
        "app = App(app_token='xapp-1-BSVIS6RNKY-6933121335670-66ec259f5929cfad9cd96d8bc4d5ddf4a19bd81ba60de8ff9086f25166d4dc9b')",
      ],
      negative: [
        'SLACK_APP_TOKEN=xapp-1-A0123-4567-abcdef',
        'appToken: process.env.SLACK_APP_TOKEN // xapp-...',
      ],
    },
  },
  {
    id: 'slack-configuration-token',
    title: 'Slack app configuration token',
    provider: 'Slack',
    severity: 'high',
    keywords: ['xoxe.xox'],
    pattern: /(?<![A-Za-z0-9.-])xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{140,260}(?![A-Za-z0-9])/,
    minEntropy: 4,
    remediation: 'Revoke the configuration token under "Your App Configuration Tokens" and rotate it.',
    docs: 'https://api.slack.com/authentication/config-tokens',
    examples: {
      positive: [
        'SLACK_CONFIG_TOKEN=xoxe.xoxp-1-okiDSytysB8kdvcGrs1IfFAsTtTo7qA5liK37pi6oCdGwEccq1hcIO0kK9V5PjGP3Ka3GoDeuEsiDYtxZlfKX6dwxsPjCytS3juDdJ3XZBvX7A7WVZrA93w2Ok5TZ5ooTpihJKOy0uw9PParEOxWLdsgkeZtrmBK',
        '"token": "xoxe.xoxp-1-okiDSytysB8kdvcGrs1IfFAsTtTo7qA5liK37pi6oCdGwEccq1hcIO0kK9V5PjGP3Ka3GoDeuEsiDYtxZlfKX6dwxsPjCytS3juDdJ3XZBvX7A7WVZrA93w2Ok5TZ5ooTpihJKOy0uw9PParEOxWLdsgkeZtrmBK"',
      ],
      negative: ['"token": "xoxe.xoxp-..."', 'config_token: xoxe.xoxp-1-abcdefg'],
    },
  },
  {
    id: 'slack-configuration-refresh-token',
    title: 'Slack configuration refresh token',
    provider: 'Slack',
    severity: 'high',
    keywords: ['xoxe-'],
    pattern: /(?<![A-Za-z0-9.-])xoxe-[0-9]-[A-Za-z0-9]{120,260}(?![A-Za-z0-9])/,
    minEntropy: 4,
    remediation: 'Revoke the configuration token pair in the Slack app settings and issue a new one.',
    docs: 'https://api.slack.com/methods/tooling.tokens.rotate',
    examples: {
      positive: [
        'SLACK_REFRESH_TOKEN=xoxe-1-xQFWCwxlTPGdOFvJkjxEUbANdXgUBKwM4YfLDYCaxEQ1KaHKY9IIiilG5rGoQKo4w9ygCmWAk50KshAyZhncJIQYj8aZfu4O1KrRtsuEAaJ9HMaKjctsqa78KWB4Ulww2p9V8vSESvguRs0JZI',
        'refresh_token: "xoxe-1-xQFWCwxlTPGdOFvJkjxEUbANdXgUBKwM4YfLDYCaxEQ1KaHKY9IIiilG5rGoQKo4w9ygCmWAk50KshAyZhncJIQYj8aZfu4O1KrRtsuEAaJ9HMaKjctsqa78KWB4Ulww2p9V8vSESvguRs0JZI"',
      ],
      negative: ['"refresh_token": "xoxe-1-abcdefg"', 'refresh_token: xoxe-1-<refresh-token>'],
    },
  },
  {
    id: 'slack-legacy-token',
    title: 'Slack legacy workspace, session or refresh token',
    provider: 'Slack',
    severity: 'high',
    keywords: ['xoxa-', 'xoxo-', 'xoxs-', 'xoxr-'],
    pattern:
      /(?<![A-Za-z0-9-])xox[aors]-(?:[0-9]-)?[0-9]{8,14}-[0-9]{8,14}(?:-[0-9]{8,14})?-[A-Za-z0-9]{32,64}(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation:
      'Revoke the token with auth.revoke and migrate the integration to a Slack app with bot tokens.',
    docs: 'https://api.slack.com/legacy/workspace-apps',
    examples: {
      positive: [
        'SLACK_TOKEN=xoxa-2-6559809318-39721062945-735168527620-8cbfa84beae80b4c54dc6d5041ca93106623afdef9d6a3659292c9d5230cdf2a',
        "token = 'xoxs-6559809318-39721062945-735168527620-8cbfa84beae80b4c54dc6d5041ca93106623afdef9d6a3659292c9d5230cdf2a'",
      ],
      negative: ['SLACK_TOKEN=xoxa-2-1234-5678', "token = 'xoxs-...'"],
    },
  },
  {
    id: 'slack-incoming-webhook',
    title: 'Slack incoming webhook URL',
    provider: 'Slack',
    severity: 'medium',
    keywords: ['hooks.slack.com/services/'],
    pattern:
      /hooks\.slack\.com\/services\/T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/(?<secret>[A-Za-z0-9]{24})(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Remove the webhook (or regenerate its URL) in the app\'s "Incoming Webhooks" settings.',
    docs: 'https://api.slack.com/messaging/webhooks',
    examples: {
      positive: [
        'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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',
        'webhook: "https://hooks.slack.com/services/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"',
      ],
      negative: [
        'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
        'url: https://hooks.slack.com/services/T88CQ0663/BHTU9K277QQ/<token>',
      ],
    },
  },
  {
    id: 'slack-workflow-webhook',
    title: 'Slack workflow webhook URL',
    provider: 'Slack',
    severity: 'medium',
    keywords: ['hooks.slack.com/workflows/', 'hooks.slack.com/triggers/'],
    pattern:
      /hooks\.slack\.com\/(?:workflows|triggers)\/T[A-Z0-9]{8,12}\/(?:A[A-Z0-9]{8,12}\/)?[0-9]{9,20}\/(?<secret>[a-f0-9]{32})(?![A-Za-z0-9])/,
    minEntropy: 3,
    remediation: 'Delete the workflow trigger (or republish the workflow) to invalidate its URL.',
    docs: 'https://slack.com/help/articles/360041352714',
    examples: {
      positive: [
        'WORKFLOW_URL=https://hooks.slack.com/workflows/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',
        'curl -X POST https://hooks.slack.com/triggers/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',
      ],
      negative: [
        'url: https://hooks.slack.com/triggers/T0123/456/<secret>',
        'https://hooks.slack.com/workflows/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',
      ],
    },
  },
  {
    id: 'discord-bot-token',
    title: 'Discord bot token',
    provider: 'Discord',
    severity: 'high',
    keywords: ['discord'],
    pattern:
      /(?<![A-Za-z0-9_-])[MNO][A-Za-z0-9_-]{22,26}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])/,
    window: { before: 400, after: 400, multiline: true },
    minEntropy: 3.5,
    validate: encodesDiscordUserId,
    remediation: 'Reset the token on the Bot page of the Discord developer portal.',
    docs: 'https://discord.com/developers/docs/reference#authentication',
    examples: {
      positive: [
        'DISCORD_TOKEN=MTE0ODM3MjYxMDk0NzI2NTUzNg.0H4B3w.THrAk8ZNDr8z7lcJHYFEK2NGrHWs0DDbrSSFGA',
        "import discord\n\nclient = discord.Client(intents=intents)\nclient.run('OTg3MjQ1NjAxODM0NzYxMjQ3.J_IeDJ.2POH10K_qzVvW0xXdJKJfLWGqKqb_r6xPrV6Os')",
      ],
      negative: [
        // Right shape, but the first segment does not decode to a numeric user id.
        'DISCORD_TOKEN=MzQ1a2xqZGZsa2pzZGZsa2pz.0H4B3w.THrAk8ZNDr8z7lcJHYFEK2NGrHWs0DDbrSSFGA',
        'DISCORD_TOKEN=your-discord-bot-token',
      ],
    },
  },
  {
    id: 'discord-client-secret',
    title: 'Discord OAuth2 client secret',
    provider: 'Discord',
    severity: 'high',
    keywords: ['discord'],
    pattern: assignment(String.raw`discord${GAP}client[_.-]?secret`, '[A-Za-z0-9_-]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation: 'Reset the client secret on the OAuth2 page of the Discord developer portal.',
    docs: 'https://discord.com/developers/docs/topics/oauth2',
    examples: {
      positive: [
        'DISCORD_CLIENT_SECRET=HkAIqNrvqqiE4x_XITOKNa1dabdAUhX2',
        '{"discord_client_secret": "jO43w_vj3vQoxqxJ0h5guUTmFo6yWGj9"}',
      ],
      negative: ['DISCORD_CLIENT_SECRET=${DISCORD_CLIENT_SECRET}', 'DISCORD_CLIENT_ID=1148372610947265536'],
    },
  },
  {
    id: 'discord-webhook',
    title: 'Discord webhook URL',
    provider: 'Discord',
    severity: 'medium',
    keywords: ['discord.com/api', 'discordapp.com/api'],
    pattern:
      /discord(?:app)?\.com\/api(?:\/v[0-9]{1,2})?\/webhooks\/[0-9]{17,20}\/(?<secret>[A-Za-z0-9_-]{60,80})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: "Delete the webhook in the channel's Integrations settings and create a new one.",
    docs: 'https://discord.com/developers/docs/resources/webhook',
    examples: {
      positive: [
        'DISCORD_WEBHOOK=https://discord.com/api/webhooks/487173882808461996/pfatco_NYkEFRHlggHxWGmIEn-jDiOCYeviYg2z-MVfKj9ubWne_b-TBodyR34EMlKJ3',
        'url: "https://discordapp.com/api/webhooks/6300042573460137348/es-D6xG471RyUWfoTcXUtmxlVYKZMMnTxI9vFX5Rrn72eHyMxIG-nvfOz0UPYKVL9xJR"',
      ],
      negative: [
        'https://discord.com/api/webhooks/{webhook.id}/{webhook.token}',
        'DISCORD_WEBHOOK=https://discord.com/api/webhooks/487173882808461996/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'telegram-bot-token',
    title: 'Telegram bot token',
    provider: 'Telegram',
    severity: 'high',
    keywords: ['telegram', 'bot'],
    pattern: /(?:(?<=bot)|(?<![A-Za-z0-9_:-]))[0-9]{8,12}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: 'Send /revoke to @BotFather for this bot to invalidate the token and get a new one.',
    docs: 'https://core.telegram.org/bots/api#authorizing-your-bot',
    examples: {
      positive: [
        'TELEGRAM_BOT_TOKEN=3958225408:AAvWldmpIQ6wCyYEvHobaylF--Ui4O0J5jY',
        'curl "https://api.telegram.org/bot762653433:AA4eyR7u8KCsYiWCdqROJnZRDijXj_owghx/getMe"',
      ],
      negative: [
        'TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'telegram_chat: 3958225408:-100177',
      ],
    },
  },
  {
    id: 'microsoft-teams-incoming-webhook',
    title: 'Microsoft Teams incoming webhook URL',
    provider: 'Microsoft Teams',
    severity: 'medium',
    keywords: [
      'webhook.office.com/webhookb2/',
      'outlook.office.com/webhook/',
      'outlook.office365.com/webhook/',
    ],
    pattern: new RegExp(
      String.raw`(?:webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)/${UUID}@${UUID}/IncomingWebhook/` +
        String.raw`(?<secret>[a-f0-9]{32}/${UUID}(?:/[A-Za-z0-9_-]{20,80})?)(?![A-Za-z0-9_-])`,
    ),
    minEntropy: 3,
    remediation: 'Remove the Incoming Webhook connector from the channel and configure a new one.',
    docs: 'https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook',
    examples: {
      positive: [
        'TEAMS_WEBHOOK=https://acme.webhook.office.com/webhookb2/28f84bda-4c2f-ab3d-ed0b-0e3d207f9416@8f8734a9-0742-64d4-eae3-651b46314173/IncomingWebhook/e608fc6d8137c0ad5aa752ba40036561/c0a2fe85-a144-3d74-81ff-2fd2daba02cd',
        'url: https://acme.webhook.office.com/webhookb2/28f84bda-4c2f-ab3d-ed0b-0e3d207f9416@8f8734a9-0742-64d4-eae3-651b46314173/IncomingWebhook/e608fc6d8137c0ad5aa752ba40036561/c0a2fe85-a144-3d74-81ff-2fd2daba02cd/V2X9r-h2dTiWnrK87VdtDNJuC0N0oIV6McffZeYMuZrHZ',
      ],
      negative: [
        'https://acme.webhook.office.com/webhookb2/<group-id>@<tenant-id>/IncomingWebhook/<id>/<owner-id>',
        'docs: https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/what-are-webhooks-and-connectors',
      ],
    },
  },
  {
    id: 'microsoft-teams-workflow-webhook',
    title: 'Microsoft Teams / Power Automate workflow trigger URL',
    provider: 'Microsoft Teams',
    severity: 'medium',
    keywords: ['logic.azure.com', 'api.powerplatform.com'],
    pattern:
      /(?:logic\.azure\.com|\.api\.powerplatform\.com)(?::443)?(?:\/powerautomate\/automations\/direct)?\/workflows\/[a-f0-9]{32}\/triggers\/[A-Za-z0-9_]{1,40}\/paths\/invoke\?[A-Za-z0-9%&;=._-]{0,200}?\bsig=(?<secret>[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation:
      'Regenerate the workflow access keys (or delete and recreate the trigger) so the old sig stops working.',
    docs: 'https://learn.microsoft.com/en-us/azure/logic-apps/logic-apps-securing-a-logic-app',
    examples: {
      positive: [
        'TEAMS_WEBHOOK_URL="https://prod-07.westeurope.logic.azure.com:443/workflows/18222d4d296ef0159660a7c928312486/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=S0gkwCQCPUjN_NR6M8wI4jxk-KoeSYTyhy9rFCh-QgB"',
        'url: https://default1234.56.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/3c6b0d8e883550eda2797cada50f567a/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=TQWbnFJU0uexIqPWNviiABpUzbj4IBZVImmKoMyTnt2',
      ],
      negative: [
        'https://prod-26.westus2.logic.azure.com:443/workflows/18222d4d296ef0159660a7c928312486/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={KEY}',
        'url: https://prod-12.westus.logic.azure.com:443/workflows/3c6b0d8e883550eda2797cada50f567a/triggers/manual/paths/invoke?api-version=2016-10-01',
      ],
    },
  },
  {
    id: 'mattermost-access-token',
    title: 'Mattermost personal access or bot token',
    provider: 'Mattermost',
    severity: 'high',
    keywords: ['mattermost'],
    pattern: assignment(String.raw`mattermost${GAP}(?:token|secret|key)`, '[a-z0-9]{26}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation:
      'Revoke the token under Profile > Security > Personal Access Tokens (or the bot account) and create a new one.',
    docs: 'https://developers.mattermost.com/integrate/reference/personal-access-token/',
    examples: {
      positive: [
        'MATTERMOST_TOKEN=y8buqd4ga903sltbkzei36finv',
        'mattermost_bot_token: "40vsxywknhsh5yfsco9akxbf74"',
      ],
      negative: ['MATTERMOST_TOKEN=changeme', 'MATTERMOST_TEAM=engineering-platform-team1'],
    },
  },
  {
    id: 'mattermost-incoming-webhook',
    title: 'Mattermost incoming webhook URL',
    provider: 'Mattermost',
    severity: 'medium',
    keywords: ['mattermost'],
    pattern: /https?:\/\/[A-Za-z0-9.-]{1,100}(?::[0-9]{2,5})?\/hooks\/(?<secret>[a-z0-9]{26})(?![A-Za-z0-9])/,
    window: { before: 200, after: 300 },
    minEntropy: 3.5,
    remediation: 'Delete the incoming webhook under Integrations and create a new one.',
    docs: 'https://developers.mattermost.com/integrate/webhooks/incoming/',
    examples: {
      positive: [
        'MATTERMOST_WEBHOOK_URL=https://chat.acme.io/hooks/9ndre9c9uq5r1w5kov0wsb81o4',
        'mattermost: { url: "https://mm.internal.acme.io:8065/hooks/40vsxywknhsh5yfsco9akxbf74" }',
      ],
      negative: [
        'GITEA_HOOK=https://git.acme.io/hooks/9ndre9c9uq5r1w5kov0wsb81o4',
        'MATTERMOST_WEBHOOK_URL=https://chat.acme.io/hooks/xxx-generatedkey-xxx',
      ],
    },
  },
  {
    id: 'zulip-api-key',
    title: 'Zulip API key',
    provider: 'Zulip',
    severity: 'high',
    keywords: ['zulip'],
    pattern: assignment(
      String.raw`zulip${GAP}(?:api[_.-]?key|key|token)`,
      '[A-Za-z0-9]{32}',
      '^[ \\t]*key[ \\t]*=[ \\t]*',
      'm',
    ),
    window: { before: 300, after: 300, multiline: true },
    minEntropy: 3.5,
    remediation:
      'Regenerate the API key in Zulip under Personal settings > Account & privacy (or the bot settings).',
    docs: 'https://zulip.com/api/api-keys',
    examples: {
      positive: [
        '[api]\nemail=deploy-bot@acme.zulipchat.com\nkey=6PViIg0eMvJqInqBtNmqSHpjLQ3Sa0sK\nsite=https://acme.zulipchat.com',
        'ZULIP_API_KEY=CokZPw2p0QNiJfJKSjCy1tUh5x15grzy',
      ],
      negative: ['ZULIP_API_KEY=<api key from zuliprc>', '[api]\nemail=bot@acme.zulipchat.com\nkey=abcd1234'],
    },
  },
  {
    id: 'twitch-oauth-token',
    title: 'Twitch OAuth token or client secret',
    provider: 'Twitch',
    severity: 'high',
    keywords: ['twitch'],
    pattern: assignment(String.raw`twitch${GAP}(?:secret|token|oauth|password)`, '(?:oauth:)?[a-z0-9]{30}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation:
      'Revoke the token via id.twitch.tv/oauth2/revoke or create a new client secret in the developer console.',
    docs: 'https://dev.twitch.tv/docs/authentication/',
    examples: {
      positive: [
        'TWITCH_CLIENT_SECRET=ytdwa29istb290hwuaxsx3g7npq92b',
        'twitch_irc_password = "oauth:gq1vdhgx6sej30ovtc3g6z29zzjith"',
      ],
      negative: [
        'TWITCH_CLIENT_SECRET=your_client_secret_here',
        'twitch_channel = "speedrunners_official_channel1"',
      ],
    },
  },
  {
    id: 'webex-access-token',
    title: 'Webex bot or personal access token',
    provider: 'Cisco Webex',
    severity: 'high',
    keywords: ['webex'],
    pattern: new RegExp(String.raw`(?<![A-Za-z0-9])[A-Za-z0-9]{64}_[A-Za-z0-9]{4}_${UUID}(?![A-Za-z0-9-])`),
    minEntropy: 3.5,
    remediation:
      'Regenerate the bot access token on developer.webex.com (personal tokens expire after 12 hours).',
    docs: 'https://developer.webex.com/docs/bots',
    examples: {
      positive: [
        'WEBEX_BOT_TOKEN=fa5WDYaPVi7qO5id0NpUi5J8O9g4Vk0jY2NOyFNDPOHM2Pwa5pr7fadw5vlR17T7_o2Y4_1d8989b5-d0b3-7380-3414-ba062c87773f',
        'webexteamssdk.WebexTeamsAPI(access_token="fa5WDYaPVi7qO5id0NpUi5J8O9g4Vk0jY2NOyFNDPOHM2Pwa5pr7fadw5vlR17T7_o2Y4_1d8989b5-d0b3-7380-3414-ba062c87773f")',
      ],
      negative: ['WEBEX_BOT_TOKEN=<bot access token>', 'WEBEX_ROOM_ID=Y2lzY29zcGFyazovL3VzL1JPT00v'],
    },
  },
]);
