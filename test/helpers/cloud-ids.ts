/**
 * Identifiers the credentials tests share (all fake): the GitHub-side `northwind-labs/ledger-api`
 * world and the GitLab-side `platform-team/billing-worker` one, matching the fake issuer's claims.
 */

export const REPO = 'northwind-labs/ledger-api';
export const GITHUB_SUB = 'repo:northwind-labs/ledger-api:environment:production';
export const LEDGER_ACCOUNT = '530817264913';
export const LEDGER_ROLE = `arn:aws:iam::${LEDGER_ACCOUNT}:role/ledger-deploy`;

export const GITLAB_PROJECT = 'platform-team/billing-worker';
export const BILLING_ACCOUNT = '730512948163';
export const BILLING_ROLE = `arn:aws:iam::${BILLING_ACCOUNT}:role/billing-deploy`;

export const STS_AUD = 'sts.amazonaws.com';
export const VAULT_AUD = 'https://vault.northwind-labs.dev';

export const GCP_PROVIDER =
  'projects/730914552861/locations/global/workloadIdentityPools/github-ci/providers/northwind';
export const GCP_SA = 'ledger-deployer@northwind-prod.iam.gserviceaccount.com';
export const GCP_PROJECT = 'northwind-prod';
/** The key GCP's STS knows a workload identity provider by. */
export const gcpProviderName = (provider: string): string => `//iam.googleapis.com/${provider}`;
/** The audience GCP expects by default: the provider's full resource URL. */
export const gcpAudience = (provider: string): string => `https://iam.googleapis.com/${provider}`;

export const TENANT = '5c7e2a91-3f4d-4b8e-9a61-d2f08c37b4e5';
export const CLIENT = 'a83f1d26-97c4-4e5b-b1d0-6e29f7c4a815';
export const AZURE_AUD = 'api://AzureADTokenExchange';
