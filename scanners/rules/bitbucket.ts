import { defineRules } from './define.js';

const REVOKE_APP_PASSWORD =
  'Revoke the app password in Bitbucket (Personal settings > App passwords) and replace it with an API token or access token.';

export const rules = defineRules([
  {
    id: 'bitbucket-app-password',
    title: 'Bitbucket app password',
    provider: 'Bitbucket',
    severity: 'high',
    keywords: ['atbb'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ATBB[A-Za-z0-9_=.-]{32})(?![A-Za-z0-9_=.-])/,
    window: { before: 1, after: 40 },
    minEntropy: 3.5,
    remediation: REVOKE_APP_PASSWORD,
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/',
    examples: {
      positive: [
        'BITBUCKET_APP_PASSWORD=ATBBAqQUrPTTADv1p7jw7bin6njq9D7454BB',
        'git clone https://ci-bot:ATBBciHbH1M9zbMpGx1cRdc1TQmq547EB624@bitbucket.org/acme/api.git',
      ],
      negative: [
        'BITBUCKET_APP_PASSWORD=ATBBAqQUrPTTADv1p7jw7bin',
        'BITBUCKET_APP_PASSWORD=ATBBXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'bitbucket-access-token',
    title: 'Bitbucket repository, project or workspace access token',
    provider: 'Bitbucket',
    severity: 'high',
    keywords: ['atctt3xffgn0'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ATCTT3xFfGN0[A-Za-z0-9_=-]{100,300})(?![A-Za-z0-9_=-])/,
    window: { before: 1, after: 320 },
    minEntropy: 4,
    remediation:
      'Revoke the token in the repository, project or workspace settings under Security > Access tokens.',
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/access-tokens/',
    examples: {
      positive: [
        'BITBUCKET_ACCESS_TOKEN=ATCTT3xFfGN0X6l0S39gXvb8zRAddeWA4TWruC08yJ4lmEde114oofmxmq_5pDkXS6ala0oxx9ywHGyG8Bl4OvPL7ZiciUmKmq860PpKGJK1ugzBSEurCr8w641_lxKo8Ya2oaTbYFPz2OVwzSeMoDlFRk0LWLgoh6t215DIC9vqcygrryth_b=7D91D524',
        'curl -H "Authorization: Bearer ATCTT3xFfGN0PaN20waaPqYNlHOXAVNiiJjaj5urDE1MdHxND2C3sd5NhxOVlgADCTQKXVTJ-KO8lrQDb-gYSYl207ozbOEEM6MyNpR65BdSTqpJzcBU_YpmVAGp4fJQpUe6OLRQ9wRyU7LvOWFdtAt5DKlj7FdcP96B1z-gDSjd5UejF8JQ1L=62E76D50" https://api.bitbucket.org/2.0/repositories/acme',
      ],
      negative: [
        'BITBUCKET_ACCESS_TOKEN=ATCTT3xFfGN0X6l0S39gXvb8zRAddeWA4',
        'BITBUCKET_ACCESS_TOKEN=ATCTT3xFfGN0<rest-of-token>',
      ],
    },
  },
  {
    id: 'bitbucket-data-center-token',
    title: 'Bitbucket Data Center HTTP access token',
    provider: 'Bitbucket',
    severity: 'high',
    keywords: ['bbdc-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>BBDC-[A-Za-z0-9+/_=-]{40,60})(?![A-Za-z0-9+/_=-])/,
    window: { before: 1, after: 70 },
    minEntropy: 4,
    remediation:
      'Revoke the token under Manage account > HTTP access tokens (or the project/repository settings).',
    docs: 'https://confluence.atlassian.com/bitbucketserver/http-access-tokens-939515499.html',
    examples: {
      positive: [
        'BITBUCKET_TOKEN=BBDC-9UCDuG6y4uW4QjbxIdFJCEZlg1sxyUZzfbKMMN4SWLW7',
        'Authorization: Bearer BBDC-oKgGbYGRM3WnT08Oi6v1emOFceYaglTYtwL9kl8C69AD',
      ],
      negative: ['placeholder="BBDC-..."', 'BITBUCKET_TOKEN=BBDC-9UCDuG6y4uW4Qjbx'],
    },
  },
  {
    id: 'bitbucket-oauth-consumer-secret',
    title: 'Bitbucket OAuth consumer secret',
    provider: 'Bitbucket',
    severity: 'high',
    keywords: ['bitbucket'],
    pattern:
      /(?<![a-z0-9])bitbucket[\w.-]{0,20}?(?:client|oauth|consumer)[_.-]?secret["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>[A-Za-z0-9]{32})(?![A-Za-z0-9])/i,
    window: { before: 5, after: 100 },
    minEntropy: 3.5,
    remediation:
      'Delete the OAuth consumer in the workspace settings (Apps and features > OAuth consumers) and create a new one.',
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/',
    examples: {
      positive: [
        'BITBUCKET_CLIENT_SECRET=qTguyrXvRYGluSMqhzbf4ZwFWZXUeN8T',
        'bitbucket:\n  oauth_key: qxVt1mTOLRviyVTp4S\nbitbucket_oauth_secret: "AbHHnmEIZK67bpBdFcmAkfqS7H3cWLgn"',
      ],
      negative: [
        'BITBUCKET_CLIENT_ID=qxVt1mTOLRviyVTp4S',
        'BITBUCKET_CLIENT_SECRET=${{ secrets.BITBUCKET_CLIENT_SECRET }}',
      ],
    },
  },
  {
    id: 'bitbucket-app-password-legacy',
    title: 'Bitbucket app password (pre-2023 format)',
    provider: 'Bitbucket',
    severity: 'high',
    keywords: ['bitbucket'],
    // Older app passwords are 20 bare alphanumerics: only a Bitbucket password name identifies them.
    pattern:
      /(?<![a-z0-9])bitbucket[\w.-]{0,20}?(?:app[_.-]?)?(?:password|passwd|pass)["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>[A-Za-z0-9]{20})(?![A-Za-z0-9_=.-])/i,
    window: { before: 5, after: 80 },
    minEntropy: 3.5,
    remediation: REVOKE_APP_PASSWORD,
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/',
    examples: {
      positive: ['BITBUCKET_APP_PASSWORD=EjjJBjKKrZZfU7MAKYfF', 'bitbucket_password: "ycA8OVtOTEhNzHs3bv22"'],
      negative: [
        'BITBUCKET_APP_PASSWORD=$BITBUCKET_APP_PASSWORD',
        // the current format is reported by bitbucket-app-password instead
        'BITBUCKET_APP_PASSWORD=ATBBAqQUrPTTADv1p7jw7bin6njq9D7454BB',
      ],
    },
  },
]);
