import { defineRules } from './define.js';
import type { Rule, Severity } from '../engine/types.js';
import { crc32 } from '../engine/validators.js';

const PREFIXES_DOC = 'https://docs.gitlab.com/security/tokens/#token-prefixes';
const NOT_BODY = String.raw`(?![A-Za-z0-9_-])`;
/** Routable tokens: `<prefix><base64url payload>.[<version>.]<payload length, 2 base36><crc32, 7 base36>`. */
const ROUTABLE_TAIL = String.raw`[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}${NOT_BODY}`;

/**
 * The CRC32 covers everything before it, prefix included; the length field is the payload's
 * length in base36. Legacy (non-routable) tokens have no dot and nothing to check.
 */
export function isValidGitlabToken(token: string): boolean {
  const firstDot = token.indexOf('.');
  if (firstDot === -1) return true;
  const crc = token.slice(-7);
  if (crc32(token.slice(0, -7)).toString(36).padStart(7, '0') !== crc) return false;
  const declared = parseInt(token.slice(-9, -7), 36);
  const head = token.slice(0, firstDot);
  const payload = head.slice(head.indexOf('-') + 1);
  return declared === payload.length || declared === payload.replace(/^t\d_/, '').length;
}

interface TokenType {
  id: string;
  title: string;
  prefix: string;
  /** Body of the pre-routable format. */
  legacy: string;
  severity: Severity;
  remediation: string;
  docs?: string;
  positive: string[];
  negative: string[];
}

function gitlabToken(t: TokenType): Rule {
  const prefix = t.prefix.replace(/[.]/g, '\\.');
  return {
    id: t.id,
    title: t.title,
    provider: 'GitLab',
    severity: t.severity,
    keywords: [t.prefix.toLowerCase()],
    pattern: new RegExp(
      String.raw`(?<![A-Za-z0-9_])(?<secret>${prefix}(?:${t.legacy}(?![A-Za-z0-9_-]|\.[0-9a-z]{2})|${ROUTABLE_TAIL}))`,
    ),
    window: { before: 1, after: 330 },
    minEntropy: 3,
    validate: isValidGitlabToken,
    remediation: t.remediation,
    docs: t.docs ?? PREFIXES_DOC,
    examples: { positive: t.positive, negative: t.negative },
  };
}

const REVOKE_ACCESS_TOKEN =
  'Revoke it under User settings > Access tokens (or the project/group Settings > Access tokens), or with the token revocation API.';

export const rules = defineRules([
  gitlabToken({
    id: 'gitlab-pat',
    title: 'GitLab personal, project or group access token',
    prefix: 'glpat-',
    legacy: '[A-Za-z0-9_-]{20}',
    severity: 'critical',
    remediation: REVOKE_ACCESS_TOKEN,
    docs: 'https://docs.gitlab.com/user/profile/personal_access_tokens/',
    positive: [
      'export GITLAB_TOKEN=glpat-hw9J1Pj-6bJJjL4dpdqA',
      'git clone https://oauth2:glpat-CqSimFwl29p-G2qQvBi4@gitlab.com/acme/api.git',
      'PRIVATE-TOKEN: glpat-SsBbuQ3kIarGu7UBMkw9uG86OHhhZ3UxCnU6NWxvNnoM.01.1808dnyag',
      'gitlab_token = "glpat-6gqYy71ur3PptNgHPiQEu286cG55eXE3CnU6MGJjb3cM.01.1807fpqmq"',
    ],
    negative: [
      'export GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx',
      // routable token with a corrupted checksum
      'PRIVATE-TOKEN: glpat-SsBbuQ3kIarGu7UBMkw9uG86OHhhZ3UxCnU6NWxvNnoM.01.1808dnyah',
      'GITLAB_TOKEN=glpat-hw9J1Pj-6bJJ',
    ],
  }),
  gitlabToken({
    id: 'gitlab-deploy-token',
    title: 'GitLab deploy token',
    prefix: 'gldt-',
    legacy: '[A-Za-z0-9_-]{20}',
    severity: 'high',
    remediation: 'Revoke it in the project or group under Settings > Repository > Deploy tokens.',
    docs: 'https://docs.gitlab.com/user/project/deploy_tokens/',
    positive: [
      'docker login registry.gitlab.com -u gitlab+deploy-token-31 -p gldt-9AuzlVXNEn-v3ovrFjyx',
      'DEPLOY_TOKEN: "gldt-SO90aU5THmFh2wrSfpQs"',
    ],
    negative: ['DEPLOY_TOKEN: "gldt-SO90aU5THm"', 'DEPLOY_TOKEN: "gldt-<token>"'],
  }),
  gitlabToken({
    id: 'gitlab-runner-auth-token',
    title: 'GitLab runner authentication token',
    prefix: 'glrt',
    legacy: '-[A-Za-z0-9_-]{20}',
    severity: 'high',
    remediation:
      'Reset the runner authentication token (CI/CD > Runners > runner > Reset token) or delete the runner.',
    docs: 'https://docs.gitlab.com/ci/runners/runners_scope/',
    positive: [
      '  token = "glrt--Ja1pbcFATaQEvYVFM5u"',
      'gitlab-runner register --token glrt-t1_pkkbpIyvCC6Hn64RtVKBq286cHBmNWNhCnU6eW9ybTkM.01.181rahmjg',
      'runnerToken: glrtr-ABoV6N_DtyLhqtokPqGjzG86NzI2eWNmCnU6ZWQ0ZWUM.01.181i08anx',
    ],
    negative: [
      'gitlab-runner register --token glrt-t1_pkkbpIyvCC6Hn64RtVKBq286cHBmNWNhCnU6eW9ybTkM.01.181rahmja',
      '  token = "glrt-REDACTED"',
    ],
  }),
  gitlabToken({
    id: 'gitlab-pipeline-trigger-token',
    title: 'GitLab pipeline trigger token',
    prefix: 'glptt-',
    legacy: '(?:[0-9a-f]{40}|[A-Za-z0-9_-]{20})',
    severity: 'high',
    remediation: 'Revoke the trigger in the project under Settings > CI/CD > Pipeline trigger tokens.',
    docs: 'https://docs.gitlab.com/ci/triggers/',
    positive: [
      'curl -X POST -F token=glptt-7bb71274bf246a7efe2c1bdf1b55bfd0e286e345 -F ref=main https://gitlab.com/api/v4/projects/42/trigger/pipeline',
      'TRIGGER_TOKEN=glptt-NC0-081go_Y9BRYLhbtl',
    ],
    negative: ['TRIGGER_TOKEN=glptt-7bb71274bf246a', 'TRIGGER_TOKEN=glptt-$CI_TRIGGER'],
  }),
  gitlabToken({
    id: 'gitlab-ci-job-token',
    title: 'GitLab CI/CD job token',
    prefix: 'glcbt-',
    legacy: '[A-Za-z0-9_-]{20,26}',
    severity: 'medium',
    remediation:
      'Job tokens expire when the job ends; cancel the job if it is still running and review what the token could reach.',
    docs: 'https://docs.gitlab.com/ci/jobs/ci_job_token/',
    positive: ['CI_JOB_TOKEN=glcbt-64_n1qVbND0S34pNKatsUim', 'JOB-TOKEN: glcbt-tGR_NySaw3FtVeNWfNlM'],
    negative: ['CI_JOB_TOKEN=glcbt-64_n1qVb', 'JOB-TOKEN: $CI_JOB_TOKEN'],
  }),
  gitlabToken({
    id: 'gitlab-feed-token',
    title: 'GitLab feed token',
    prefix: 'glft-',
    legacy: '[A-Za-z0-9_-]{20}',
    severity: 'medium',
    remediation: 'Reset the feed token under User settings > Access tokens > Feed token.',
    positive: [
      'https://gitlab.com/dashboard/issues.atom?feed_token=glft-VEn2zBy0FzMwr8cJe4LF&state=opened',
      'FEED_TOKEN=glft-b7IYDp5Ab4a69UT1xuNy',
    ],
    negative: ['FEED_TOKEN=glft-b7IYDp5A', 'FEED_TOKEN=glft-xxxxxxxxxxxxxxxxxxxx'],
  }),
  gitlabToken({
    id: 'gitlab-incoming-mail-token',
    title: 'GitLab incoming email token',
    prefix: 'glimt-',
    legacy: '[A-Za-z0-9_-]{25}',
    severity: 'medium',
    remediation: 'Reset the incoming email token under User settings > Access tokens.',
    positive: [
      'GITLAB_INCOMING_EMAIL_TOKEN: "glimt-JO8raTaYGLOlYXjZu4opKdfAw"',
      'INCOMING_EMAIL_TOKEN=glimt-85dtwVYCJeW1WYACTb1tBGdW5',
    ],
    negative: ['INCOMING_EMAIL_TOKEN=glimt-85dtwVYCJe', 'INCOMING_EMAIL_TOKEN=glimt-<token>'],
  }),
  gitlabToken({
    id: 'gitlab-agent-token',
    title: 'GitLab agent for Kubernetes token',
    prefix: 'glagent-',
    legacy: '[A-Za-z0-9_-]{50}',
    severity: 'high',
    remediation:
      'Revoke the token under Operate > Kubernetes clusters > agent > Access tokens and register a new one.',
    docs: 'https://docs.gitlab.com/user/clusters/agent/work_with_agent/',
    positive: [
      'helm upgrade --install agent gitlab/gitlab-agent --set config.token=glagent-reoR22AmNsJJN0tosHNgqQYQ-AHB4xagsl2oVvZCkRX_IyfqVV',
      'token: glagent-4fgsGMt5awNC5yJ9_b8hTfeeGJfuFFIer3P2Y1-o8_pTs9PTVZ',
    ],
    negative: ['token: glagent-4fgsGMt5awNC5yJ9_b8hTfeeGJ', 'token: glagent-${AGENT_TOKEN}'],
  }),
  gitlabToken({
    id: 'gitlab-scim-token',
    title: 'GitLab SCIM token',
    prefix: 'glsoat-',
    legacy: '[A-Za-z0-9_-]{20}',
    severity: 'high',
    remediation:
      'Reset the SCIM token in the group under Settings > SAML SSO (or the instance SCIM settings).',
    positive: [
      'SCIM_TOKEN=glsoat-qGl4Pqc-lTA45rghSy-m',
      '"Authorization": "Bearer glsoat-tlh69NNoRPpLuzp8Ibrv"',
    ],
    negative: ['SCIM_TOKEN=glsoat-qGl4Pqc', 'SCIM_TOKEN=glsoat-________________________'],
  }),
  gitlabToken({
    id: 'gitlab-feature-flags-client-token',
    title: 'GitLab feature flags client token',
    prefix: 'glffct-',
    legacy: '[A-Za-z0-9_-]{20}',
    severity: 'medium',
    remediation: 'Reset the instance ID token under Deploy > Feature flags > Configure.',
    docs: 'https://docs.gitlab.com/operations/feature_flags/',
    positive: [
      'UNLEASH_INSTANCE_ID=glffct-Rv-G_lT-OV9DnnoL8pVM',
      "instanceId: 'glffct-GBHzF0ntV-waqpaMuqtz'",
    ],
    negative: ['UNLEASH_INSTANCE_ID=glffct-Rv-G', "instanceId: 'glffct-'"],
  }),
  gitlabToken({
    id: 'gitlab-oauth-app-secret',
    title: 'GitLab OAuth application secret',
    prefix: 'gloas-',
    legacy: '[A-Za-z0-9_-]{64}',
    severity: 'high',
    remediation: 'Renew the secret of the application under Settings > Applications.',
    docs: 'https://docs.gitlab.com/integration/oauth_provider/',
    positive: [
      'GITLAB_APP_SECRET=gloas-60b061a06c4b52172f2f7e935c858d626ce1a170565dff50617a66be7ff8a5c3',
      'client_secret: "gloas-37ea05b7428d992706de935917cea2c3d8e65dcfe294833519f3795fcbd63b96"',
    ],
    negative: [
      'GITLAB_APP_SECRET=gloas-60b061a06c4b52172f2f7e935c858d626ce1a17',
      'GITLAB_APP_SECRET=gloas-<secret>',
    ],
  }),
  gitlabToken({
    id: 'gitlab-workspace-token',
    title: 'GitLab workspace token',
    prefix: 'glwt-',
    legacy: '[A-Za-z0-9_-]{20}',
    severity: 'medium',
    remediation: 'Stop or delete the workspace to invalidate its token.',
    docs: 'https://docs.gitlab.com/user/workspace/',
    positive: ['WORKSPACE_TOKEN=glwt-d7SJqOeXoNYR861hKYC3', 'token: "glwt-d7SJqOeXoNYR861hKYC3"'],
    negative: ['WORKSPACE_TOKEN=glwt-d7SJqOeX', 'WORKSPACE_TOKEN=glwt-{{token}}'],
  }),
  {
    id: 'gitlab-runner-registration-token',
    title: 'GitLab runner registration token (deprecated)',
    provider: 'GitLab',
    severity: 'high',
    keywords: ['gr1348941'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>GR1348941[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])/,
    minEntropy: 3,
    remediation: 'Reset the registration token (CI/CD > Runners) and move to runner authentication tokens.',
    docs: 'https://docs.gitlab.com/ci/runners/new_creation_workflow/',
    examples: {
      positive: [
        'gitlab-runner register --registration-token GR1348941j1XEi9icePlpgFT-GdJ9 --url https://gitlab.com',
        'runnerRegistrationToken: "GR1348941q4me0fM76wKQS7b5CUJQ"',
      ],
      negative: [
        'runnerRegistrationToken: "GR1348941q4me0fM76w"',
        'runnerRegistrationToken: "GR1348941<token>"',
      ],
    },
  },
  {
    id: 'gitlab-session-cookie',
    title: 'GitLab session cookie',
    provider: 'GitLab',
    severity: 'high',
    keywords: ['_gitlab_session='],
    pattern: /_gitlab_session=(?<secret>[0-9a-f]{32})(?![0-9a-f])/,
    window: { before: 0, after: 60 },
    minEntropy: 3,
    remediation:
      'Sign the user out of all sessions (User settings > Active sessions > Revoke) and change the password.',
    docs: PREFIXES_DOC,
    examples: {
      positive: [
        "curl -b '_gitlab_session=20b67f170d9b97d5d89e043fa29a67e6' https://gitlab.example.org/api/v4/user",
        'Cookie: experimentation_subject_id=abc; _gitlab_session=02dfc0fae9bdfffc33cf71c5163944c0; known_sign_in=1',
      ],
      negative: ['Cookie: _gitlab_session=; path=/', 'Cookie: _gitlab_session=20b67f170d9b97d5'],
    },
  },
]);
