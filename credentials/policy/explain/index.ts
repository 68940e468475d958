import { awsNotes, awsTrustPolicy } from './aws.js';
import type { AwsExplainOptions } from './aws.js';
import { azureCredential, azureNotes } from './azure.js';
import { gcpNotes, gcpProvider } from './gcp.js';
import type { GcpExplainOptions } from './gcp.js';
import { octoStsNotes, octoStsPolicy } from './octo-sts.js';
import { shapeOf } from './shape.js';
import type { Claims, TokenShape } from './shape.js';
import { vaultNotes, vaultRole } from './vault.js';
import type { VaultExplainOptions } from './vault.js';

export const EXPLAIN_PROVIDERS = ['aws', 'gcp', 'azure', 'vault', 'github'] as const;
export type ExplainProvider = (typeof EXPLAIN_PROVIDERS)[number];

export interface ExplainOptions {
  providers?: readonly ExplainProvider[];
  aws?: AwsExplainOptions;
  gcp?: GcpExplainOptions;
  vault?: VaultExplainOptions;
}

export interface ProviderExplanation {
  provider: ExplainProvider;
  /** What the configuration is, e.g. `AWS IAM role trust policy`. */
  title: string;
  config: Record<string, unknown>;
  notes: string[];
}

export interface Explanation {
  shape: TokenShape;
  providers: ProviderExplanation[];
}

/** The trust configuration each provider needs to admit exactly the job this token belongs to. */
export function explain(claims: Claims, options: ExplainOptions = {}): Explanation {
  const shape = shapeOf(claims);
  const build: Record<ExplainProvider, () => ProviderExplanation> = {
    aws: () => ({
      provider: 'aws',
      title: 'AWS IAM role trust policy',
      config: awsTrustPolicy(shape, options.aws),
      notes: awsNotes(claims, shape, options.aws),
    }),
    gcp: () => ({
      provider: 'gcp',
      title: 'GCP workload identity pool provider',
      config: gcpProvider(claims, shape, options.gcp),
      notes: gcpNotes(shape),
    }),
    azure: () => ({
      provider: 'azure',
      title: 'Entra ID federated identity credential',
      config: azureCredential(claims, shape),
      notes: azureNotes(shape),
    }),
    vault: () => ({
      provider: 'vault',
      title: 'Vault/OpenBao JWT auth config and role',
      config: vaultRole(claims, shape, options.vault),
      notes: vaultNotes(shape),
    }),
    github: () => ({
      provider: 'github',
      title: 'octo-sts trust policy',
      config: octoStsPolicy(claims, shape),
      notes: octoStsNotes(shape),
    }),
  };
  return { shape, providers: (options.providers ?? EXPLAIN_PROVIDERS).map((p) => build[p]()) };
}
