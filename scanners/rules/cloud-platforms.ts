import { defineRules } from './define.js';
import { rules as cloudflare } from './cloudflare.js';
import { rules as cloudProviders } from './cloud-providers.js';
import { rules as cdnDatabaseServices } from './cdn-database-services.js';

const ASSIGN = String.raw`["']?\s*(?::=|=>|[:=])\s*["']?`;
const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;

export const rules = defineRules([
  {
    id: 'digitalocean-pat',
    title: 'DigitalOcean personal access token',
    provider: 'DigitalOcean',
    severity: 'critical',
    keywords: ['dop_v1_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>dop_v1_[a-f0-9]{64})(?![A-Za-z0-9])/,
    window: { before: 1, after: 75 },
    minEntropy: 3,
    remediation:
      'Delete the token in the DigitalOcean control panel (API > Tokens) and review the account activity.',
    docs: 'https://docs.digitalocean.com/reference/api/create-personal-access-token/',
    examples: {
      positive: [
        'export DIGITALOCEAN_TOKEN=dop_v1_f8d6d16925a8a47d8e168ef879309848a23ec6fc33090680aca7819903794833',
        'doctl auth init --access-token dop_v1_13abe82c4c482a44e070c3530cfda4d10d7a87325a064160b7936c41ff154295',
      ],
      negative: [
        'DIGITALOCEAN_TOKEN=dop_v1_f8d6d16925a8a47d8e168ef879309848',
        'DIGITALOCEAN_TOKEN=dop_v1_<token>',
      ],
    },
  },
  {
    id: 'digitalocean-oauth-token',
    title: 'DigitalOcean OAuth access or refresh token',
    provider: 'DigitalOcean',
    severity: 'high',
    keywords: ['doo_v1_', 'dor_v1_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>do[or]_v1_[a-f0-9]{64})(?![A-Za-z0-9])/,
    window: { before: 1, after: 75 },
    minEntropy: 3,
    remediation:
      'Revoke the authorization in the DigitalOcean control panel (API > OAuth Applications / Authorized applications).',
    docs: 'https://docs.digitalocean.com/reference/api/oauth/',
    examples: {
      positive: [
        '{"access_token":"doo_v1_60771f899ac6492c4d38a0693c81c45a995b35b1a88bac4778eaa7eebdf3175c","token_type":"bearer"}',
        'refresh_token: dor_v1_13ddaa043ea56bc365ef0e4d0287cc6e1db4aa83263d1dc4a187e0862573ba62',
      ],
      negative: [
        'refresh_token: dor_v1_13ddaa043ea56bc365ef0e4d',
        'token: doo_v2_60771f899ac6492c4d38a0693c81c45a995b35b1a88bac4778eaa7eebdf3175c',
      ],
    },
  },
  {
    id: 'heroku-api-key',
    title: 'Heroku API key',
    provider: 'Heroku',
    severity: 'critical',
    keywords: ['hrku-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>HRKU-AA[A-Za-z0-9_-]{58})(?![A-Za-z0-9_-])/,
    window: { before: 1, after: 70 },
    minEntropy: 4,
    remediation:
      'Regenerate the API key (Account settings > API Key) or revoke the authorization with `heroku authorizations:revoke`.',
    docs: 'https://devcenter.heroku.com/articles/authentication',
    examples: {
      positive: [
        'HEROKU_API_KEY=HRKU-AACOcki9u5PnRacDzAITeKFE74gXtxAOoIodSETunhQ0KfHpPC3KB71pdxfY',
        'heroku_api_key: "HRKU-AAfWf7Ng9BA7DsxwBKpe4n1J0jnmJyKRhRvkkaAw02vB7ibh97nIua-8zcRc"',
      ],
      negative: ['HEROKU_API_KEY=HRKU-AACOcki9u5PnRacDzAITeKFE74', 'HEROKU_API_KEY=HRKU-<key>'],
    },
  },
  {
    id: 'heroku-api-key-legacy',
    title: 'Heroku API key (UUID format)',
    provider: 'Heroku',
    severity: 'critical',
    keywords: ['heroku'],
    // Keys issued before 2024 are UUIDs: only a Heroku-named assignment identifies them.
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])heroku[\w.-]{0,20}?(?:api[_-]?key|api[_-]?token|auth[_-]?token|token|password)${ASSIGN}(?<secret>${UUID})(?![0-9a-f-])`,
      'i',
    ),
    window: { before: 5, after: 90 },
    minEntropy: 3,
    remediation:
      'Regenerate the API key (Account settings > API Key) or revoke the authorization with `heroku authorizations:revoke`.',
    docs: 'https://devcenter.heroku.com/articles/authentication',
    examples: {
      positive: [
        'HEROKU_API_KEY=86517d63-bcd0-4b16-a845-469c1b86950a',
        'heroku:\n  heroku_api_key: "86517d63-bcd0-4b16-a845-469c1b86950a"',
      ],
      negative: [
        'HEROKU_APP_ID=86517d63-bcd0-4b16-a845-469c1b86950a',
        'HEROKU_API_KEY=${{ secrets.HEROKU_API_KEY }}',
      ],
    },
  },
  {
    id: 'databricks-pat',
    title: 'Databricks personal access token',
    provider: 'Databricks',
    severity: 'high',
    keywords: ['dapi'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>dapi[a-f0-9]{32}(?:-\d)?)(?![A-Za-z0-9-])/,
    window: { before: 1, after: 45 },
    minEntropy: 3,
    remediation:
      'Revoke the token in the workspace (Settings > Developer > Access tokens); admins can revoke it with the Token Management API.',
    docs: 'https://docs.databricks.com/dev-tools/auth/pat.html',
    examples: {
      positive: [
        'DATABRICKS_TOKEN=dapi80afd1e3eefa1de7b839df452f7fc4ca',
        'token = dapi44183bc7a5cc6f79a65f2d29ed8d25c1-3',
      ],
      negative: ['DATABRICKS_TOKEN=dapi80afd1e3eefa1de7b', 'import dapi from "./dapi-client";'],
    },
  },
  {
    id: 'vercel-token',
    title: 'Vercel access token or API key',
    provider: 'Vercel',
    severity: 'high',
    keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
    // personal (vcp), integration (vci), app access/refresh (vca/vcr) tokens and API keys (vck)
    pattern: /(?<![A-Za-z0-9_])(?<secret>vc[pciark]_[A-Za-z0-9]{24,80})(?![A-Za-z0-9_])/,
    window: { before: 1, after: 90 },
    minEntropy: 4,
    remediation:
      'Delete the token in Vercel (Account settings > Tokens, or the team/AI Gateway API keys page).',
    docs: 'https://vercel.com/changelog/new-token-formats-and-secret-scanning',
    examples: {
      positive: [
        'VERCEL_TOKEN=vcp_4obYw5lVplJeSiggLdcF1L1TLU3z4A5FZayu9Dq300dU8gUYwyOszMeZ',
        'AI_GATEWAY_API_KEY="vck_4sSI0AOerZU7T0Fi9YARGnvoYD1DOwVr3vKrjfiT1534Y06vHZXBNNZY"',
      ],
      negative: ['VERCEL_TOKEN=vcp_4obYw5lVplJe', 'const vcp_enabled = true;'],
    },
  },
  {
    id: 'vercel-token-legacy',
    title: 'Vercel access token (unprefixed)',
    provider: 'Vercel',
    severity: 'high',
    keywords: ['vercel'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])vercel[_-]?(?:api[_-]?|access[_-]?|auth[_-]?)?token${ASSIGN}(?<secret>[A-Za-z0-9]{24})(?![A-Za-z0-9_])`,
      'i',
    ),
    window: { before: 5, after: 60 },
    minEntropy: 3.8,
    remediation: 'Delete the token in Vercel (Account settings > Tokens) and prefer OIDC federation for CI.',
    docs: 'https://vercel.com/docs/rest-api#creating-an-access-token',
    examples: {
      positive: ['VERCEL_TOKEN=1iEUvVFyHsvuyn8MOJwpQdc0', 'vercel_api_token: "1iEUvVFyHsvuyn8MOJwpQdc0"'],
      negative: ['VERCEL_TOKEN=${{ secrets.VERCEL_TOKEN }}', 'VERCEL_ORG_ID=team_1iEUvVFyHsvuyn8MOJwpQdc0'],
    },
  },
  {
    id: 'netlify-pat',
    title: 'Netlify personal access token',
    provider: 'Netlify',
    severity: 'high',
    keywords: ['nfp_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>nfp_[A-Za-z0-9]{36})(?![A-Za-z0-9])/,
    window: { before: 1, after: 45 },
    minEntropy: 3.8,
    remediation: 'Delete the token in Netlify (User settings > Applications > Personal access tokens).',
    docs: 'https://docs.netlify.com/api/get-started/#authentication',
    examples: {
      positive: [
        'NETLIFY_AUTH_TOKEN=nfp_oWAKeM2dpKvUVzMzHmWAn1Tp3p9NqKmOFNN7',
        'netlify deploy --auth nfp_ITQGYrbRWntgW7ZqlEHHIOwKrJfc4wQ2jISm',
      ],
      negative: [
        'NETLIFY_AUTH_TOKEN=nfp_oWAKeM2dpKvUV',
        'NETLIFY_AUTH_TOKEN=nfp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ],
    },
  },
  {
    id: 'flyio-access-token',
    title: 'Fly.io access token',
    provider: 'Fly.io',
    severity: 'high',
    keywords: ['fm2_', 'fm1a_', 'fm1r_', 'fo1_'],
    // Macaroon tokens (`FlyV1 fm2_…`, possibly several joined by commas) and OAuth tokens (`fo1_`).
    pattern:
      /(?<![A-Za-z0-9_+/])(?<secret>fm(?:2|1a|1r)_[A-Za-z0-9+/]{60,3000}={0,3}|fo1_[A-Za-z0-9_-]{43})(?![A-Za-z0-9_+/=-])/,
    window: { before: 1, after: 3100 },
    minEntropy: 4,
    remediation:
      'Revoke the token with `fly tokens revoke` (or in the dashboard under Tokens) and issue a narrower one.',
    docs: 'https://fly.io/docs/security/tokens/',
    examples: {
      positive: [
        'FLY_API_TOKEN="FlyV1 fm2_/iZWjB8WyUacqmo5tnQ/TJw9czEKBamBuhghw2QO38TPfLQGDguNARV65tWquq/6XowwemlPzCYaJT31sCpOt2Z84CIfHwuZ6Gp5G+lxaGPqC58vx08hH00AHcv0v6HXFPpriYjtjcu3+WkzCfr5euADI9pq4Tmh7ji3sWBGpDEtBUdO33BZbjfluHmiqMfLCU1VOs4U0K0MDGPKvj4onZdGVSKipEWWuSgvjIcls+c3xvICI42DSNFyRADEpw==,fm2_ryBj/sgUZ2G8szNeRFqPZhaf05qaIQL0926AMpznYUCnWuw+ShbBBMNHrL884hqU/aB0Gaotq/oCYy/j7sK7MIEM+NoZe4Nt/IOlBWuFk28="',
        'access_token: fo1_akVS_s32U4ciTKlwHBthgOfqtxKj4C-DJPGUeeMPVc1',
      ],
      negative: ['FLY_API_TOKEN="FlyV1 fm2_/iZWjB8WyUacqmo5tnQ"', 'access_token: fo1_akVS_s32U4ciTKlw'],
    },
  },
  {
    id: 'supabase-access-token',
    title: 'Supabase personal access token',
    provider: 'Supabase',
    severity: 'critical',
    keywords: ['sbp_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>sbp_[a-f0-9]{40})(?![A-Za-z0-9])/,
    window: { before: 1, after: 50 },
    minEntropy: 3,
    remediation: 'Revoke the token in the Supabase dashboard (Account > Access Tokens).',
    docs: 'https://supabase.com/docs/reference/cli/supabase-login',
    examples: {
      positive: [
        'SUPABASE_ACCESS_TOKEN=sbp_b3da3a0d2b715d89bb6876488d8408bcd1a98b9b',
        'supabase login --token sbp_78fe242cc0e6c60b478fdee2b617aa9be7a5c5a9',
      ],
      negative: [
        'SUPABASE_ACCESS_TOKEN=sbp_b3da3a0d2b715d89',
        'SUPABASE_ACCESS_TOKEN=sbp_0000000000000000000000000000000000000000',
      ],
    },
  },
  {
    id: 'supabase-secret-key',
    title: 'Supabase secret API key',
    provider: 'Supabase',
    severity: 'critical',
    keywords: ['sb_secret_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>sb_secret_[A-Za-z0-9_-]{28,64})(?![A-Za-z0-9_-])/,
    window: { before: 1, after: 80 },
    minEntropy: 3.8,
    remediation:
      'Delete the secret key in the project (Settings > API Keys); it bypasses Row Level Security.',
    docs: 'https://supabase.com/docs/guides/api/api-keys',
    examples: {
      positive: [
        'SUPABASE_SECRET_KEY=sb_secret_6sLjx_GkEAhTRg9CcLrFxEUbU_s7CAw',
        "createClient(url, 'sb_secret_Lx-onz6T6nXt-KsE5P5XaJ2LnlfKzQw')",
      ],
      negative: [
        'SUPABASE_SECRET_KEY=sb_secret_...',
        'SUPABASE_PUBLISHABLE_KEY=sb_publishable_6sLjx_GkEAhTRg9CcLrFxEUbU_s7CAw',
      ],
    },
  },
  {
    id: 'planetscale-api-token',
    title: 'PlanetScale service or OAuth token',
    provider: 'PlanetScale',
    severity: 'high',
    keywords: ['pscale_tkn_', 'pscale_oauth_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>pscale_(?:tkn|oauth)_[A-Za-z0-9_=.-]{32,64})(?![A-Za-z0-9_=.-])/,
    window: { before: 1, after: 80 },
    minEntropy: 3.8,
    remediation:
      'Delete the service token (Organization settings > Service tokens) or revoke the OAuth application grant.',
    docs: 'https://planetscale.com/docs/concepts/service-tokens',
    examples: {
      positive: [
        'PLANETSCALE_SERVICE_TOKEN=pscale_tkn_q-KuKzxQpko_EZpU9K6GDRjzvR_CEQOmq9fyEXTXXEF',
        'token: pscale_oauth_niJgzRgfxRO9KJQ_zjX8IQcYGVbpFnx2uoc_VtRZkIn',
      ],
      negative: [
        'PLANETSCALE_SERVICE_TOKEN=pscale_tkn_q-KuKzxQ',
        'PLANETSCALE_SERVICE_TOKEN_ID=pscale_tkn_id',
      ],
    },
  },
  {
    id: 'planetscale-password',
    title: 'PlanetScale database password',
    provider: 'PlanetScale',
    severity: 'critical',
    keywords: ['pscale_pw_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>pscale_pw_[A-Za-z0-9_=.-]{32,64})(?![A-Za-z0-9_=.-])/,
    window: { before: 1, after: 80 },
    minEntropy: 3.8,
    remediation: 'Delete the password in the database branch (Settings > Passwords) and create a new one.',
    docs: 'https://planetscale.com/docs/concepts/connection-strings',
    examples: {
      positive: [
        'DATABASE_URL=mysql://k2v9x7m1:pscale_pw_aRkUYODOz1ZBkGHuh5gAdu5JB5Q61eur1ND4_h4ztVg@aws.connect.psdb.cloud/shop?sslaccept=strict',
        'DB_PASSWORD="pscale_pw_aRkUYODOz1ZBkGHuh5gAdu5JB5Q61eur1ND4_h4ztVg"',
      ],
      negative: ['DB_PASSWORD="pscale_pw_aRkUYODOz1"', 'DB_PASSWORD="pscale_pw_<password>"'],
    },
  },
  {
    id: 'render-api-key',
    title: 'Render API key',
    provider: 'Render',
    severity: 'high',
    keywords: ['rnd_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>rnd_[A-Za-z0-9]{32})(?![A-Za-z0-9])/,
    window: { before: 1, after: 40 },
    minEntropy: 3.8,
    remediation: 'Revoke the key in the Render dashboard (Account settings > API Keys).',
    docs: 'https://render.com/docs/api#1-create-an-api-key',
    examples: {
      positive: [
        'RENDER_API_KEY=rnd_DgBHyrJfICKhZ4Y1HXqEWjPBapzouk75',
        'curl -H "Authorization: Bearer rnd_gfFuAH2xJsGchnPPa2g9kwROsTLx6EAS" https://api.render.com/v1/services',
      ],
      negative: ['RENDER_API_KEY=rnd_DgBHyrJfICKhZ4Y1', 'const rnd_seed = Math.random();'],
    },
  },
  {
    id: 'railway-token',
    title: 'Railway API or project token',
    provider: 'Railway',
    severity: 'high',
    keywords: ['railway'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])railway[_-]?(?:api[_-]?|project[_-]?)?token${ASSIGN}(?<secret>${UUID})(?![0-9a-f-])`,
      'i',
    ),
    window: { before: 5, after: 80 },
    minEntropy: 3,
    remediation: 'Delete the token in Railway (Account settings > Tokens, or the project settings > Tokens).',
    docs: 'https://docs.railway.com/guides/public-api#creating-a-token',
    examples: {
      positive: [
        'RAILWAY_TOKEN=a85ab978-31e8-4711-a26d-6da32c4e5583',
        'railway_api_token: "a85ab978-31e8-4711-a26d-6da32c4e5583"',
      ],
      negative: [
        'RAILWAY_PROJECT_ID=a85ab978-31e8-4711-a26d-6da32c4e5583',
        'RAILWAY_TOKEN=${{ secrets.RAILWAY_TOKEN }}',
      ],
    },
  },
  {
    id: 'okta-api-token',
    title: 'Okta API token',
    provider: 'Okta',
    severity: 'critical',
    keywords: ['okta', 'ssws'],
    // 00 + 40 characters: recognised in the `SSWS` authorization scheme or an Okta-named assignment.
    pattern: new RegExp(
      String.raw`(?:SSWS\s+|(?<![a-z0-9])okta[\w.-]{0,20}?(?:api[_-]?)?(?:token|key)${ASSIGN})(?<secret>00[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])`,
      'i',
    ),
    window: { before: 5, after: 80 },
    minEntropy: 3.8,
    remediation:
      'Revoke the token in the Okta Admin Console (Security > API > Tokens) and move integrations to OAuth service apps.',
    docs: 'https://developer.okta.com/docs/guides/create-an-api-token/main/',
    examples: {
      positive: [
        'curl -H "Authorization: SSWS 00AoKW4xutWHonlR7v5FZncY7YM5Ir97y-OVDyMDfB" https://acme.okta.com/api/v1/users',
        'OKTA_API_TOKEN=00PWGUiGwvhEPl0W34TK6XA4UXJB60WucJScxCSQIl',
      ],
      negative: ['OKTA_CLIENT_ID=0oa4xutWHonlR7v5FZncY7YM5', 'Authorization: SSWS ${OKTA_API_TOKEN}'],
    },
  },
  ...cloudflare,
  ...cloudProviders,
  ...cdnDatabaseServices,
]);
