import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { ALNUM, B64URL, BASE32_LOWER, BASE36, HEX, UPPER, DIGITS, b64json, pick } from './random.js';
import type { PositiveSpec } from './spec.js';

function github(prefix: string): string {
  return withCrc32Suffix(prefix, pick(ALNUM, 30));
}

/** GitHub, GitLab, Bitbucket, Azure DevOps and CI service tokens. */
export const sourceControl: Record<string, PositiveSpec> = {
  'gh-pat': { kind: 'github-pat', title: 'GitHub classic personal access token', make: () => github('ghp_') },
  'gh-oauth': { kind: 'github-oauth-token', title: 'GitHub OAuth access token', make: () => github('gho_') },
  'gh-u2s': {
    kind: 'github-user-to-server-token',
    title: 'GitHub App user token',
    make: () => github('ghu_'),
  },
  'gh-s2s': {
    kind: 'github-installation-token',
    title: 'GitHub App installation token',
    make: () => github('ghs_'),
  },
  'gh-refresh': {
    kind: 'github-refresh-token',
    title: 'GitHub App refresh token',
    make: () => github('ghr_'),
  },
  'gh-fine': {
    kind: 'github-fine-grained-pat',
    title: 'GitHub fine-grained personal access token',
    make: () => `github_pat_11${pick(UPPER + DIGITS, 20)}_${pick(ALNUM, 59)}`,
  },
  glpat: {
    kind: 'gitlab-pat',
    title: 'GitLab personal access token',
    make: () => `glpat-${pick(B64URL, 20)}`,
  },
  'glpat-routable': {
    kind: 'gitlab-pat',
    title: 'GitLab routable personal access token',
    make: () => {
      const payload = pick(B64URL, 38);
      return `glpat-${payload}.01.${payload.length.toString(36).padStart(2, '0')}${pick(BASE36, 7)}`;
    },
  },
  glptt: {
    kind: 'gitlab-pipeline-trigger-token',
    title: 'GitLab pipeline trigger token',
    make: () => `glptt-${pick(HEX, 40)}`,
  },
  gldt: { kind: 'gitlab-deploy-token', title: 'GitLab deploy token', make: () => `gldt-${pick(B64URL, 20)}` },
  glrt: {
    kind: 'gitlab-runner-token',
    title: 'GitLab runner authentication token',
    make: () => `glrt-${pick(B64URL, 20)}`,
  },
  'gl-runner-reg': {
    kind: 'gitlab-runner-registration-token',
    title: 'GitLab runner registration token',
    make: () => `GR1348941${pick(B64URL, 20)}`,
  },
  glcbt: {
    kind: 'gitlab-ci-job-token',
    title: 'GitLab CI/CD job token',
    make: () => `glcbt-${pick(HEX, 2)}_${pick(B64URL, 20)}`,
  },
  'bitbucket-app-password': {
    kind: 'bitbucket-app-password',
    title: 'Bitbucket app password',
    make: () => `ATBB${pick(ALNUM, 32)}`,
  },
  'ado-pat': {
    kind: 'azure-devops-pat',
    title: 'Azure DevOps personal access token (52 chars)',
    make: () => pick(BASE32_LOWER, 52),
  },
  'ado-pat-84': {
    kind: 'azure-devops-pat',
    title: 'Azure DevOps personal access token (84 chars, AZDO signature)',
    make: () => `${pick(ALNUM, 52)}JQQJ99${pick(ALNUM, 18)}AZDO${pick(ALNUM, 4)}`,
  },
  'circleci-pat': {
    kind: 'circleci-token',
    title: 'CircleCI personal API token',
    make: () => `CCIPAT_${pick(ALNUM, 22)}_${pick(HEX, 40)}`,
  },
  'buildkite-token': {
    kind: 'buildkite-token',
    title: 'Buildkite user access token',
    make: () => `bkua_${pick(HEX, 40)}`,
  },
  'sonar-token': {
    kind: 'sonarqube-token',
    title: 'SonarQube user token',
    make: () => `squ_${pick(HEX, 40)}`,
  },
  'sonar-project-token': {
    kind: 'sonarqube-token',
    title: 'SonarQube project analysis token',
    make: () => `sqp_${pick(HEX, 40)}`,
  },
  'sentry-org-token': {
    kind: 'sentry-auth-token',
    title: 'Sentry organization auth token',
    make: () =>
      `sntrys_${b64json({
        iat: 1700000000 + Number(pick(DIGITS, 7)),
        url: 'https://sentry.io',
        region_url: 'https://us.sentry.io',
        org: 'acme-payments',
      })}_${pick(ALNUM, 43)}`,
  },
  'sentry-user-token': {
    kind: 'sentry-auth-token',
    title: 'Sentry user auth token',
    make: () => `sntryu_${pick(HEX, 64)}`,
  },
};
