import { explain } from '../../credentials/policy/explain/index.js';
import type { ExplainProvider } from '../../credentials/policy/explain/index.js';
import { GITHUB_ISSUER } from '../../credentials/policy/explain/shape.js';
import type { CloudProvider, StaticCredentialUse } from '../inventory/workflows.js';
import { GITLAB_AUDIENCE, GITLAB_TOKEN_VARIABLE, migrateGitlabJob } from '../rewrite/gitlab-oidc.js';
import { migrateGithubJob } from '../rewrite/workflow-oidc.js';
import type { RotationItem } from '../types.js';
import { code, labelsFor, list, slug } from './common.js';

export interface RepositoryInfo {
  /** `owner/name` (GitHub) or `group/project` (GitLab). */
  slug: string;
  defaultBranch: string;
  /** Numeric ids pin trust policies against renamed/re-created owners; placeholders are used without them. */
  ownerId?: string;
  repositoryId?: string;
  /** GitLab: the instance URL, i.e. the token issuer (default https://gitlab.com). */
  issuer?: string;
}

const EXPLAIN: Record<CloudProvider, ExplainProvider> = {
  aws: 'aws',
  gcp: 'gcp',
  azure: 'azure',
  vault: 'vault',
};
const AUDIENCE: Record<CloudProvider, string> = {
  aws: 'sts.amazonaws.com',
  gcp: 'https://iam.googleapis.com/projects/<PROJECT_NUMBER>/locations/global/workloadIdentityPools/<POOL_ID>/providers/<PROVIDER_ID>',
  azure: 'api://AzureADTokenExchange',
  vault: '<VAULT_ADDR>',
};
const NAMES: Record<CloudProvider, string> = {
  aws: 'AWS',
  gcp: 'Google Cloud',
  azure: 'Azure',
  vault: 'Vault',
};

/**
 * The claims GitHub would put in this job's token when it runs on the default branch (or in its
 * declared environment). An assumption, stated in the body: pull requests and other branches differ.
 */
export function assumedClaims(
  repo: RepositoryInfo,
  workflow: string,
  environment: string | undefined,
  provider: CloudProvider,
  vaultAddress?: string,
): Record<string, unknown> {
  const ref = `refs/heads/${repo.defaultBranch}`;
  const owner = repo.slug.split('/')[0] ?? repo.slug;
  return {
    iss: GITHUB_ISSUER,
    aud: provider === 'vault' && vaultAddress ? vaultAddress : AUDIENCE[provider],
    sub: environment ? `repo:${repo.slug}:environment:${environment}` : `repo:${repo.slug}:ref:${ref}`,
    repository: repo.slug,
    repository_owner: owner,
    repository_id: repo.repositoryId ?? '<REPOSITORY_ID>',
    repository_owner_id: repo.ownerId ?? '<OWNER_ID>',
    ref,
    ref_type: 'branch',
    ...(environment ? { environment } : {}),
    workflow_ref: `${repo.slug}/${workflow}@${ref}`,
    job_workflow_ref: `${repo.slug}/${workflow}@${ref}`,
    event_name: 'push',
  };
}

/** GitLab's claims for the job on the default branch (assumed protected), ids as placeholders when unknown. */
export function assumedGitlabClaims(
  repo: RepositoryInfo,
  environment: string | undefined,
  provider: CloudProvider,
): Record<string, unknown> {
  const aud = GITLAB_AUDIENCE[provider];
  return {
    iss: (repo.issuer ?? 'https://gitlab.com').replace(/\/+$/, ''),
    aud: aud.startsWith('$') ? `<${aud.slice(1)}>` : aud,
    sub: `project_path:${repo.slug}:ref_type:branch:ref:${repo.defaultBranch}`,
    project_path: repo.slug,
    namespace_path: repo.slug.split('/').slice(0, -1).join('/') || repo.slug,
    project_id: repo.repositoryId ?? '<PROJECT_ID>',
    namespace_id: repo.ownerId ?? '<NAMESPACE_ID>',
    ref: repo.defaultBranch,
    ref_type: 'branch',
    ref_protected: 'true',
    ...(environment ? { environment } : {}),
  };
}

export function migrationItemId(workflow: string, job: string): string {
  const base = workflow.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  return `oidc-${slug(base, 30)}-${slug(job, 30)}`;
}

/** One item per job: the rewritten workflow and, per provider, the trust configuration to create first. */
export function migrationItem(
  workflow: string,
  text: string,
  job: string,
  uses: StaticCredentialUse[],
  repo: RepositoryInfo,
  action?: string,
  platform: 'github' | 'gitlab' = 'github',
): RotationItem | undefined {
  const gitlab = platform === 'gitlab';
  const result = gitlab ? migrateGitlabJob(text, job, uses) : migrateGithubJob(text, job, uses, action);
  if (!result || result.content === text) return undefined;
  const environment = uses.find((u) => u.environment)?.environment;
  const secrets = [...new Set(uses.flatMap((u) => u.secrets))].sort();
  const providerNames = result.providers.map((p) => NAMES[p]).join(', ');
  const trust = result.providers.flatMap((provider) => {
    const claims = gitlab
      ? assumedGitlabClaims(repo, environment, provider)
      : assumedClaims(repo, workflow, environment, provider, result.vaultAddress);
    const explanation = explain(claims, {
      providers: [EXPLAIN[provider]],
    });
    return explanation.providers.flatMap((p) => [
      `#### ${NAMES[provider]}: ${p.title}`,
      '',
      '```json',
      JSON.stringify(p.config, null, 2),
      '```',
      '',
      list(p.notes),
      '',
    ]);
  });
  const placeholders = trust.some((line) => /<(REPOSITORY_ID|OWNER_ID|PROJECT_ID|NAMESPACE_ID)>/.test(line));
  const ref = gitlab ? `${repo.defaultBranch} (protected)` : `refs/heads/${repo.defaultBranch}`;
  const body = [
    `## Move ${code(`${workflow}`)} job ${code(job)} to OIDC`,
    '',
    `This job authenticates to ${providerNames} with long-lived keys stored as ${gitlab ? 'CI/CD variables' : 'CI secrets'} (${secrets.map(code).join(', ') || 'see the diff'}). ` +
      "This change makes it exchange the job's own OIDC token for short-lived credentials instead, with " +
      (gitlab
        ? `an ${code(`id_tokens: ${GITLAB_TOKEN_VARIABLE}`)} entry and ${code('keyless credentials env')} at the start of its script, which exports short-lived values under the names the script reads.`
        : `${code('permissions: id-token: write')} on the job. Nothing else in the workflow changes.`),
    '',
    '### Before merging',
    '',
    list([
      `create the trust configuration below at ${providerNames}`,
      ...(result.variables.length > 0
        ? [
            gitlab
              ? `create the CI/CD variables (Settings → CI/CD → Variables; plain, not secrets): ${result.variables.map(code).join(', ')}`
              : `create the repository variables (Settings → Secrets and variables → Actions → Variables): ${result.variables.map(code).join(', ')}`,
          ]
        : []),
      ...result.notes,
    ]),
    '',
    '### Trust configuration',
    '',
    `Generated by Keyless ${code('credentials explain')} for the token this job gets when it runs on ` +
      `${code(ref)} of ${code(repo.slug)}` +
      (environment ? ` in environment ${code(environment)}` : '') +
      '. That is an assumption: runs for pull requests, other branches or tags carry a different subject and will be refused. ' +
      (gitlab
        ? 'Run `keyless credentials explain --token-env KEYLESS_ID_TOKEN` in the job to print the policy for its real token.'
        : 'Run the credentials action with `explain: true` in the job to print the policy for its real token.') +
      (placeholders
        ? gitlab
          ? ' Replace `<PROJECT_ID>` and `<NAMESPACE_ID>` with the numeric ids (project and group Settings → General) and `<…>` audiences with the values you use.'
          : ' Replace `<REPOSITORY_ID>` and `<OWNER_ID>` with the numeric ids (`gh api repos/OWNER/REPO --jq .id,.owner.id`).'
        : ''),
    '',
    ...trust,
    '### After merging',
    '',
    list([
      `once the job has run green, delete the ${gitlab ? 'CI/CD variables' : 'CI secrets'} ${secrets.map(code).join(', ') || 'it used'} (unless other jobs still use them)`,
      `deactivate and delete the static keys at ${providerNames}: they are no longer needed and remain valid until revoked`,
    ]),
  ].join('\n');
  return {
    id: migrationItemId(workflow, job),
    kind: 'migrate-oidc',
    title: `Use OIDC instead of static ${providerNames} keys in ${workflow.replace(/^.*\//, '')} (${job})`,
    body,
    files: [{ path: workflow, content: result.content }],
    labels: labelsFor('migrate-oidc'),
  };
}
