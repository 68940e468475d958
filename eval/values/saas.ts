import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { ALNUM, B64URL, DIGITS, HEX, LOWER, UPPER, b64json, digits, pick, uuid } from './random.js';
import type { PositiveSpec } from './spec.js';

function stripe(prefix: string, arg: string | undefined): string {
  // Older accounts have 24-character bodies; newer ones a ~99-character body starting with 51.
  return arg === 'short' ? `${prefix}${pick(ALNUM, 24)}` : `${prefix}51${pick(ALNUM, 97)}`;
}

/** SaaS APIs: payments, messaging, AI, observability, productivity, package registries. */
export const saas: Record<string, PositiveSpec> = {
  'stripe-sk': {
    kind: 'stripe-secret-key',
    title: 'Stripe live secret key',
    make: (a) => stripe('sk_live_', a),
  },
  'stripe-rk': {
    kind: 'stripe-restricted-key',
    title: 'Stripe live restricted key',
    make: (a) => stripe('rk_live_', a),
  },
  'stripe-sk-test': {
    kind: 'stripe-test-secret-key',
    title: 'Stripe test-mode secret key',
    make: (a) => stripe('sk_test_', a),
  },
  'stripe-whsec': {
    kind: 'stripe-webhook-secret',
    title: 'Stripe webhook signing secret',
    make: () => `whsec_${pick(ALNUM, 32)}`,
  },
  'square-token': {
    kind: 'square-access-token',
    title: 'Square production access token',
    make: () => `EAAA${pick(B64URL, 60)}`,
  },
  'square-oauth': {
    kind: 'square-oauth-secret',
    title: 'Square OAuth application secret',
    make: () => `sq0csp-${pick(B64URL, 43)}`,
  },
  braintree: {
    kind: 'braintree-access-token',
    title: 'Braintree/PayPal access token',
    make: () => `access_token$production$${pick(LOWER + DIGITS, 16)}$${pick(HEX, 32)}`,
  },
  'slack-bot': {
    kind: 'slack-bot-token',
    title: 'Slack bot token',
    make: () => `xoxb-${digits(12)}-${digits(13)}-${pick(ALNUM, 24)}`,
  },
  'slack-user': {
    kind: 'slack-user-token',
    title: 'Slack user token',
    make: () => `xoxp-${digits(12)}-${digits(12)}-${digits(13)}-${pick(HEX, 32)}`,
  },
  'slack-app': {
    kind: 'slack-app-token',
    title: 'Slack app-level token',
    make: () => `xapp-1-A${pick(UPPER + DIGITS, 10)}-${digits(13)}-${pick(HEX, 64)}`,
  },
  'slack-webhook': {
    kind: 'slack-webhook-url',
    title: 'Slack incoming webhook URL',
    make: () =>
      `https://hooks.slack.com/services/T${pick(UPPER + DIGITS, 10)}/B${pick(UPPER + DIGITS, 10)}/${pick(ALNUM, 24)}`,
  },
  'discord-bot': {
    kind: 'discord-bot-token',
    title: 'Discord bot token',
    make: () => `${Buffer.from(digits(19)).toString('base64url')}.${pick(B64URL, 6)}.${pick(B64URL, 38)}`,
  },
  'discord-webhook': {
    kind: 'discord-webhook-url',
    title: 'Discord webhook URL',
    make: () => `https://discord.com/api/webhooks/${digits(19)}/${pick(B64URL, 68)}`,
  },
  'telegram-bot': {
    kind: 'telegram-bot-token',
    title: 'Telegram bot token',
    make: () => `${digits(10)}:AA${pick(B64URL, 33)}`,
  },
  'teams-webhook': {
    kind: 'microsoft-teams-webhook-url',
    title: 'Microsoft Teams incoming webhook URL',
    make: () =>
      `https://acmecorp.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${pick(HEX, 32)}/${uuid()}/V2${pick(B64URL, 45)}`,
  },
  'twilio-api-key': { kind: 'twilio-api-key', title: 'Twilio API key SID', make: () => `SK${pick(HEX, 32)}` },
  'twilio-auth-token': { kind: 'twilio-auth-token', title: 'Twilio auth token', make: () => pick(HEX, 32) },
  sendgrid: {
    kind: 'sendgrid-api-key',
    title: 'SendGrid API key',
    make: () => `SG.${pick(B64URL, 22)}.${pick(B64URL, 43)}`,
  },
  mailgun: { kind: 'mailgun-api-key', title: 'Mailgun API key', make: () => `key-${pick(HEX, 32)}` },
  'mailgun-new': {
    kind: 'mailgun-api-key',
    title: 'Mailgun API key (current format)',
    make: () => `${pick(HEX, 32)}-${pick(HEX, 8)}-${pick(HEX, 8)}`,
  },
  mailchimp: {
    kind: 'mailchimp-api-key',
    title: 'Mailchimp API key',
    make: () => `${pick(HEX, 32)}-us${pick('123456789', 1)}${pick(DIGITS, 1)}`,
  },
  'postmark-token': { kind: 'postmark-server-token', title: 'Postmark server token', make: () => uuid() },
  'openai-proj': {
    kind: 'openai-api-key',
    title: 'OpenAI project API key',
    make: () => `sk-proj-${pick(B64URL, 74)}T3BlbkFJ${pick(B64URL, 74)}`,
  },
  'openai-legacy': {
    kind: 'openai-api-key',
    title: 'OpenAI user API key (legacy format)',
    make: () => `sk-${pick(ALNUM, 20)}T3BlbkFJ${pick(ALNUM, 20)}`,
  },
  'openai-svcacct': {
    kind: 'openai-api-key',
    title: 'OpenAI service account key',
    make: () => `sk-svcacct-${pick(B64URL, 74)}T3BlbkFJ${pick(B64URL, 74)}`,
  },
  anthropic: {
    kind: 'anthropic-api-key',
    title: 'Anthropic API key',
    make: () => `sk-ant-api03-${pick(B64URL, 93)}AA`,
  },
  'anthropic-admin': {
    kind: 'anthropic-admin-key',
    title: 'Anthropic admin API key',
    make: () => `sk-ant-admin01-${pick(B64URL, 93)}AA`,
  },
  huggingface: {
    kind: 'huggingface-token',
    title: 'Hugging Face access token',
    make: () => `hf_${pick(UPPER + LOWER, 34)}`,
  },
  groq: { kind: 'groq-api-key', title: 'Groq API key', make: () => `gsk_${pick(ALNUM, 52)}` },
  replicate: { kind: 'replicate-token', title: 'Replicate API token', make: () => `r8_${pick(ALNUM, 37)}` },
  perplexity: {
    kind: 'perplexity-api-key',
    title: 'Perplexity API key',
    make: () => `pplx-${pick(ALNUM, 48)}`,
  },
  openrouter: {
    kind: 'openrouter-api-key',
    title: 'OpenRouter API key',
    make: () => `sk-or-v1-${pick(HEX, 64)}`,
  },
  cohere: { kind: 'cohere-api-key', title: 'Cohere API key', make: () => pick(ALNUM, 40) },
  pinecone: {
    kind: 'pinecone-api-key',
    title: 'Pinecone API key',
    make: () => `pcsk_${pick(ALNUM, 5)}_${pick(ALNUM, 63)}`,
  },
  'datadog-api': { kind: 'datadog-api-key', title: 'Datadog API key', make: () => pick(HEX, 32) },
  'datadog-app': { kind: 'datadog-app-key', title: 'Datadog application key', make: () => pick(HEX, 40) },
  'newrelic-user': {
    kind: 'new-relic-user-api-key',
    title: 'New Relic user API key',
    make: () => `NRAK-${pick(UPPER + DIGITS, 27)}`,
  },
  'newrelic-license': {
    kind: 'new-relic-license-key',
    title: 'New Relic ingest license key',
    make: () => `${pick(HEX, 36)}NRAL`,
  },
  'newrelic-insert': {
    kind: 'new-relic-insert-key',
    title: 'New Relic insert key',
    make: () => `NRII-${pick(B64URL, 32)}`,
  },
  'grafana-sa': {
    kind: 'grafana-service-account-token',
    title: 'Grafana service account token',
    make: () => `glsa_${pick(ALNUM, 32)}_${pick(HEX, 8)}`,
  },
  'grafana-cloud': {
    kind: 'grafana-cloud-token',
    title: 'Grafana Cloud access policy token',
    make: () =>
      `glc_${b64json({ o: digits(6), n: `stack-${digits(6)}-otlp-write`, k: pick(ALNUM, 24), m: { r: 'prod-eu-west-2' } })}`,
  },
  'honeycomb-key': {
    kind: 'honeycomb-api-key',
    title: 'Honeycomb ingest key',
    make: () => `hcaik_01${pick(LOWER + DIGITS, 56)}`,
  },
  'linear-key': { kind: 'linear-api-key', title: 'Linear API key', make: () => `lin_api_${pick(ALNUM, 40)}` },
  'notion-secret': {
    kind: 'notion-token',
    title: 'Notion internal integration secret (legacy)',
    make: () => `secret_${pick(ALNUM, 43)}`,
  },
  'notion-ntn': {
    kind: 'notion-token',
    title: 'Notion integration token',
    make: () => `ntn_${digits(11)}${pick(ALNUM, 35)}`,
  },
  atlassian: {
    kind: 'atlassian-api-token',
    title: 'Atlassian API token',
    make: () => `ATATT3xFfGF0${pick(B64URL, 171)}=${pick(HEX.toUpperCase(), 8)}`,
  },
  airtable: {
    kind: 'airtable-pat',
    title: 'Airtable personal access token',
    make: () => `pat${pick(ALNUM, 14)}.${pick(HEX, 64)}`,
  },
  figma: {
    kind: 'figma-token',
    title: 'Figma personal access token',
    make: () => `figd_${pick(B64URL, 40)}`,
  },
  contentful: {
    kind: 'contentful-token',
    title: 'Contentful management token',
    make: () => `CFPAT-${pick(B64URL, 43)}`,
  },
  asana: {
    kind: 'asana-pat',
    title: 'Asana personal access token',
    make: () => `2/${digits(16)}/${digits(16)}:${pick(HEX, 32)}`,
  },
  'postman-key': {
    kind: 'postman-api-key',
    title: 'Postman API key',
    make: () => `PMAK-${pick(HEX, 24)}-${pick(HEX, 34)}`,
  },
  'shopify-pat': {
    kind: 'shopify-access-token',
    title: 'Shopify Admin API access token',
    make: () => `shpat_${pick(HEX, 32)}`,
  },
  'shopify-secret': {
    kind: 'shopify-shared-secret',
    title: 'Shopify app shared secret',
    make: () => `shpss_${pick(HEX, 32)}`,
  },
  'algolia-admin': { kind: 'algolia-admin-key', title: 'Algolia admin API key', make: () => pick(HEX, 32) },
  'launchdarkly-sdk': {
    kind: 'launchdarkly-sdk-key',
    title: 'LaunchDarkly server SDK key',
    make: () => `sdk-${uuid()}`,
  },
  'launchdarkly-api': {
    kind: 'launchdarkly-access-token',
    title: 'LaunchDarkly API access token',
    make: () => `api-${uuid()}`,
  },
  'mapbox-sk': {
    kind: 'mapbox-secret-token',
    title: 'Mapbox secret access token',
    make: () => `sk.${b64json({ u: 'acme-maps', a: pick(LOWER + DIGITS, 25) })}.${pick(B64URL, 22)}`,
  },
  'okta-token': { kind: 'okta-api-token', title: 'Okta API token', make: () => `00${pick(B64URL, 40)}` },
  'twitter-bearer': {
    kind: 'twitter-bearer-token',
    title: 'X/Twitter app bearer token',
    make: () => `AAAAAAAAAAAAAAAAAAAAA${pick(ALNUM, 22)}%3D${pick(ALNUM, 50)}`,
  },
  'facebook-token': {
    kind: 'facebook-access-token',
    title: 'Facebook/Meta access token',
    make: () => `EAAG${pick(ALNUM, 180)}`,
  },
  dropbox: {
    kind: 'dropbox-token',
    title: 'Dropbox short-lived access token',
    make: () => `sl.B${pick(B64URL, 137)}`,
  },
  'fcm-server-key': {
    kind: 'firebase-cloud-messaging-server-key',
    title: 'Firebase Cloud Messaging legacy server key',
    make: () => `AAAA${pick(B64URL, 7)}:APA91b${pick(B64URL, 134)}`,
  },
  'npm-token': {
    kind: 'npm-token',
    title: 'npm access token',
    make: () => withCrc32Suffix('npm_', pick(ALNUM, 30)),
  },
  'npm-legacy': { kind: 'npm-token', title: 'npm legacy (UUID) auth token', make: () => uuid() },
  pypi: {
    kind: 'pypi-token',
    title: 'PyPI API token',
    make: () => `pypi-AgEIcHlwaS5vcmc${pick(B64URL, 150)}`,
  },
  rubygems: { kind: 'rubygems-api-key', title: 'RubyGems API key', make: () => `rubygems_${pick(HEX, 48)}` },
  nuget: { kind: 'nuget-api-key', title: 'NuGet API key', make: () => `oy2${pick(LOWER + DIGITS, 43)}` },
  'dockerhub-pat': {
    kind: 'docker-hub-pat',
    title: 'Docker Hub personal access token',
    make: () => `dckr_pat_${pick(B64URL, 27)}`,
  },
  'crates-io': { kind: 'crates-io-token', title: 'crates.io API token', make: () => `cio${pick(ALNUM, 32)}` },
  'jfrog-key': {
    kind: 'jfrog-api-key',
    title: 'JFrog Artifactory API key',
    make: () => `AKCp${pick(ALNUM, 69)}`,
  },
  'snyk-token': { kind: 'snyk-token', title: 'Snyk API token', make: () => uuid() },
};
