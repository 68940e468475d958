import { defineRules } from './define.js';
import { hasPlausiblePemBody } from '../engine/validators.js';

/** A fabricated (never issued) RSA key in the escaped form a key file stores it. */
const FAKE_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAJljtfvr9tFKX4v9',
  'ArGs4Jig70lF1Monm1qkB4pvrOYPqLrfWRjs16NazmOVlkiknu5Q6Ayl1d+sxRDD',
  'P+DcTQng0GCRViFXkUAl1kfJthKOoTtp28WJTjqRTT81Nq5pD2PrhGYJ2HxUjXse',
  '6mMIeNCYkIyhuKJo5YDU263rfVCbAgMBAAECgYBiW3XOXLif67jo4wxfMiOyuz+1',
  'FHomRs9vh87uDj4oJ9JiQeW3/ecocIn3gWwkmKrw1iB2O8Cw9PBIl2rWnW0n8kSz',
  'dJ3DLZ/rj/Vdmt8VdH/1ehmkBZ/0qDwVs4zBPMAcGRca3mtGWxKDzIoeojc+jkam',
  'm2PErES1aQ27dRuEwQJBAMdqgpkb1JFWuojIBTvlOkYEl5Vwlks9wt+rQzuKvefA',
  'CgG+h12RpDmbKbK4A5hpFG8gGBSf2vDp+X3Kob0Ms6UCQQDE6dpOesa8K6abcRuE',
  'PECy6qaxSWxcAvROQm3q8GG0hXDcDyRHv+tRCTrdUjm9alOw7912kTNdm+b4TvYJ',
  '8b8/AkEAl0USgHZ+DyoNIgko/0Bprgd5vWDEgZr+IpFV1OrwF8azUJNpN+9s9k3f',
  'mbTA9XJwj8N2wN5qROoX2fZGLpReCQJATanOKFXUPDMbKwOZTrZU7jwOMq46xq+D',
  'm7onkBnu7zwSHzj5njLbpMJ3LQNZMpPVHlv8hN8P20O5/QVnlNR8EQJBAKRxCLQw',
  '+4ILRD6xFcBIAPR9jdScYM+/2TNIGmUizPiJKjMVbLsmg06Mif4004ApBL89fnvt',
  'OQ9aTfY+Jksd4xE=',
  '-----END PRIVATE KEY-----',
  '',
].join('\\n');
const FAKE_KEY_ID = '02750679eec669d7427be1a755113b22e531a909';

function keyFile(extra: Record<string, string> = {}): string {
  return [
    '{',
    '  "type": "service_account",',
    '  "project_id": "billing-prod-31877",',
    `  "private_key_id": "${extra['id'] ?? FAKE_KEY_ID}",`,
    `  "private_key": "${extra['key'] ?? FAKE_KEY}",`,
    '  "client_email": "exporter@billing-prod-31877.iam.gserviceaccount.com",',
    '  "client_id": "104729461732093851204",',
    '  "token_uri": "https://oauth2.googleapis.com/token"',
    '}',
  ].join('\n');
}

export const rules = defineRules([
  {
    id: 'gcp-service-account-key',
    title: 'Google Cloud service account key file',
    provider: 'Google Cloud',
    severity: 'critical',
    keywords: ['private_key_id'],
    // The key file lists `private_key_id` right before the PEM, which is stored with `\n` escapes.
    pattern:
      /"private_key_id"\s*:\s*"[0-9a-f]{40}"\s*,\s*"private_key"\s*:\s*"(?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----\\n[A-Za-z0-9+/=\\]{600,4000}-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)"/,
    window: { before: 1, after: 4200, multiline: true },
    validate: (secret) => hasPlausiblePemBody(secret.replace(/\\n/g, '\n')),
    remediation:
      'Delete the key in IAM & Admin > Service accounts > Keys (or `gcloud iam service-accounts keys delete`) and prefer workload identity federation.',
    docs: 'https://cloud.google.com/iam/docs/keys-create-delete',
    examples: {
      positive: [keyFile(), keyFile().replace(/\n\s*/g, '')],
      negative: [
        keyFile({ key: '-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n' }),
        keyFile({ key: '${GCP_PRIVATE_KEY}' }),
      ],
    },
  },
  {
    id: 'gcp-api-key',
    title: 'Google API key',
    provider: 'Google Cloud',
    severity: 'high',
    keywords: ['aiza'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation:
      'Delete or regenerate the key in APIs & Services > Credentials, and restrict replacements to specific APIs and referrers.',
    docs: 'https://cloud.google.com/docs/authentication/api-keys',
    examples: {
      positive: [
        'GOOGLE_MAPS_API_KEY=AIzapIoEgHaiQ60MFVTz3WoC-41k07t3zoSXdrL',
        '<script src="https://maps.googleapis.com/maps/api/js?key=AIzafib2u8ANjCsnXfFLyPPeZMYnHAoPGQvCCm1"></script>',
        '  "apiKey": "AIzapIoEgHaiQ60MFVTz3WoC-41k07t3zoSXdrL",',
      ],
      negative: [
        'GOOGLE_MAPS_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        // 34 characters after the prefix
        'key=AIzapIoEgHaiQ60MFVTz3WoC-41k07t3zoSXdr',
        'const AIzaPrefix = "AIza";',
      ],
    },
  },
  {
    id: 'gcp-oauth-client-secret',
    title: 'Google OAuth client secret',
    provider: 'Google Cloud',
    severity: 'high',
    keywords: ['gocspx-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation: 'Reset the secret of the OAuth client in APIs & Services > Credentials.',
    docs: 'https://support.google.com/cloud/answer/15549257',
    examples: {
      positive: [
        'GOOGLE_CLIENT_SECRET=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',
        '{"web":{"client_id":"865252928835-nrxwq3o3md5fr0rm5symvyby76hes4e3.apps.googleusercontent.com","client_secret":"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"}}',
      ],
      negative: [
        'GOOGLE_CLIENT_SECRET=GOCSPX-jF35-6JtVarmiD13HeluCfsp5c',
        'client_secret: GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ],
    },
  },
  {
    id: 'gcp-oauth-client-secret-legacy',
    title: 'Google OAuth client secret (pre-2022 format)',
    provider: 'Google Cloud',
    severity: 'high',
    keywords: ['apps.googleusercontent.com'],
    // Older secrets have no prefix: recognised inside a client JSON next to the client id.
    pattern:
      /apps\.googleusercontent\.com"[\s\S]{0,500}?"client_secret"\s*:\s*"(?<secret>[A-Za-z0-9_-]{24})"/,
    window: { before: 0, after: 600, multiline: true },
    minEntropy: 3.5,
    remediation: 'Reset the secret of the OAuth client in APIs & Services > Credentials.',
    docs: 'https://developers.google.com/identity/protocols/oauth2',
    examples: {
      positive: [
        '{"installed":{"client_id":"865252928835-nrxwq3o3md5fr0rm5symvyby76hes4e3.apps.googleusercontent.com","project_id":"desk-tools","auth_uri":"https://accounts.google.com/o/oauth2/auth","client_secret":"iHfFoRVmvBmAiVKJcJ09jw0H","redirect_uris":["http://localhost"]}}',
        '{\n  "web": {\n    "client_id": "865252928835-nrxwq3o3md5fr0rm5symvyby76hes4e3.apps.googleusercontent.com",\n    "client_secret": "iHfFoRVmvBmAiVKJcJ09jw0H"\n  }\n}',
      ],
      negative: [
        '{"installed":{"client_id":"865252928835-nrxwq3o3md5fr0rm5symvyby76hes4e3.apps.googleusercontent.com","client_secret":"<client-secret>"}}',
        '{"client_id":"865252928835-nrxwq3o3md5fr0rm5symvyby76hes4e3.apps.googleusercontent.com","client_secret":"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"}',
      ],
    },
  },
  {
    id: 'gcp-oauth-access-token',
    title: 'Google OAuth access token',
    provider: 'Google Cloud',
    severity: 'medium',
    keywords: ['ya29.'],
    pattern:
      /(?<![A-Za-z0-9_.-])(?<secret>ya29\.[0-9A-Za-z_-][0-9A-Za-z_.-]{28,2000}[0-9A-Za-z_-])(?![A-Za-z0-9_-])/,
    window: { before: 0, after: 2100 },
    minEntropy: 4,
    remediation:
      'Access tokens expire within an hour; revoke it at https://oauth2.googleapis.com/revoke and rotate the credential that minted it.',
    docs: 'https://developers.google.com/identity/protocols/oauth2',
    examples: {
      positive: [
        'curl -H "Authorization: Bearer ya29.a0HrCjVieXLu0IufoB4Ty6BqLRvu0RQU_Abns6s6S37ixkC_c4nkYQWKm_3PhkQbGwLpeAmkDx5tHWbhD-urRhDv9VeMeGN1ujwOwlyqSc7xTJMSyrMNeUh4QL6-KKtDh4dT3CCmnW9W5MAtJDBunbH5" https://www.googleapis.com/drive/v3/files',
        'access_token = "ya29.c.b0owbJVmvcU_J2Q5IMwwZTlYXSozIVORj8j4g1sGSnRqFH_qibSQYanGKc1A_8cdi5MvqfXZihPMYCrhXqug_FsAz_wX51qas4GZ7LVPmCfhmk9K87GiUxuFkScmX4biuw6qBPR8WgVXwTJDGD7E7V160tr_TYPFNnd_Ml6taTp-FjXzGyeECQ"',
      ],
      negative: [
        'Tokens start with ya29. and are short lived.',
        'token = "ya29.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
      ],
    },
  },
  {
    id: 'gcp-oauth-refresh-token',
    title: 'Google OAuth refresh token',
    provider: 'Google Cloud',
    severity: 'high',
    keywords: ['1//0'],
    pattern: /(?<![A-Za-z0-9_:/-])(?<secret>1\/\/0[A-Za-z0-9_-]{40,300})(?![A-Za-z0-9_-])/,
    minEntropy: 4,
    remediation:
      'Revoke the grant at https://myaccount.google.com/permissions (or POST it to https://oauth2.googleapis.com/revoke) and reset the client secret if it leaked too.',
    docs: 'https://developers.google.com/identity/protocols/oauth2#expiration',
    examples: {
      positive: [
        '"refresh_token": "1//0efxjFS0iqRQb2wmvT2PL6yBGer-1CGlGMm4CPwx8LuitqvbUS24qH20JAPPPVpfWqHeekkbME2c4XVvW4mGcbyS8ICnRqhlQNe6",',
        'GOOGLE_REFRESH_TOKEN=1//0zi8nhIeEPKE-Qqb8FsgqD5U3ZSSPvFi_wOCtVFA_oZKodP6xg9lateFbmaDoUit3VEfs7c41URvUF0HZI3LJbRfN_l6j5cPHtIk',
      ],
      negative: [
        'url = "https://1//0efxjFS0iqRQb2wmvT2PL6yBGer-1CGlGMm4CPwx8LuitqvbUS24qH"',
        'GOOGLE_REFRESH_TOKEN=1//0efxjFS0iqRQb2wmvT2PL6yB',
      ],
    },
  },
  {
    id: 'gcp-storage-hmac-secret',
    title: 'Google Cloud Storage HMAC key secret',
    provider: 'Google Cloud',
    severity: 'high',
    keywords: ['goog1'],
    // HMAC access ids are `GOOG1` + 56 characters; the 40-character secret follows in the same config.
    pattern:
      /(?<![A-Z0-9])GOOG1[A-Z0-9]{56}(?![A-Z0-9])[\s\S]{0,160}?secret[\w"'-]{0,30}\s*[:=]\s*["']?(?<secret>[A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])/i,
    window: { before: 0, after: 320, multiline: true },
    minEntropy: 3.5,
    remediation: 'Deactivate and delete the HMAC key in Cloud Storage > Settings > Interoperability.',
    docs: 'https://cloud.google.com/storage/docs/authentication/hmackeys',
    examples: {
      positive: [
        '[Credentials]\ngs_access_key_id = GOOG1EVUEAJWUOJMET3G5ZKBTALLPVX6P9OH3NI9JADBHYUHN688H1P56W8NS\ngs_secret_access_key = lE3yzfACV0N8Bds43bgyddGiOYoc5bChu16+Co/x\n',
        'HMAC_ACCESS_ID=GOOG1OAVXIU5AYXIJC5RJEY80SUX0G9OBE6UU1ERPX3BFAO3U47DZHNBKJMGA\nHMAC_SECRET=lwPk+iNgaxe3ApOouIPOmbPvD9QzUIMNqzPw0R73',
      ],
      negative: [
        'gs_access_key_id = GOOG1EVUEAJWUOJMET3G5ZKBTALLPVX6P9OH3NI9JADBHYUHN688H1P56W8NS\ngs_secret_access_key = ${GCS_SECRET}',
        'gs_access_key_id = GOOG1EVUEAJWUOJMET3\ngs_secret_access_key = lE3yzfACV0N8Bds43bgyddGiOYoc5bChu16+Co/x',
      ],
    },
  },
]);
