/**
 * The flat, kebab-case names shared by the action inputs, the CLI flags and `KEYLESS_*` variables.
 * One table so the three surfaces cannot drift apart: each key says which provider section it
 * fills, under which field, and how its string is read.
 */

export const PROVIDER_KEYS = ['aws', 'gcp', 'vault', 'tokenExchange', 'github', 'azure'] as const;
export type ProviderKey = (typeof PROVIDER_KEYS)[number];

/** How a flat string becomes a typed field. `lines`: one item a line (or `;`); `list`: commas or lines. */
export type KeyKind = 'string' | 'int' | 'bool' | 'list' | 'lines' | 'chain' | 'profiles';

export interface KeySpec {
  section: ProviderKey | 'endpoints' | 'check';
  field: string;
  kind: KeyKind;
  /** Required once any key of the section is given. */
  required?: boolean;
  /** ...unless this field of the section is given (aws-role is optional with aws-profiles). */
  requiredUnless?: string;
  help: string;
}

export const REQUEST_KEYS: Record<string, KeySpec> = {
  'aws-role': {
    section: 'aws',
    field: 'roleArn',
    kind: 'string',
    required: true,
    requiredUnless: 'profiles',
    help: 'IAM role ARN',
  },
  'aws-region': { section: 'aws', field: 'region', kind: 'string', required: true, help: 'AWS region' },
  'aws-session-name': { section: 'aws', field: 'sessionName', kind: 'string', help: 'role session name' },
  'aws-duration': { section: 'aws', field: 'durationSeconds', kind: 'int', help: 'seconds, 900..43200' },
  'aws-session-policy': {
    section: 'aws',
    field: 'sessionPolicy',
    kind: 'string',
    help: 'inline policy JSON',
  },
  'aws-policy-arns': { section: 'aws', field: 'managedPolicyArns', kind: 'list', help: 'managed policies' },
  'aws-role-chain': { section: 'aws', field: 'chain', kind: 'chain', help: 'lines: ROLE_ARN [EXTERNAL_ID]' },
  'aws-allowed-account-ids': { section: 'aws', field: 'allowedAccountIds', kind: 'list', help: 'accounts' },
  'aws-verify': { section: 'aws', field: 'verify', kind: 'bool', help: 'GetCallerIdentity after (true)' },
  'aws-profile': { section: 'aws', field: 'profile', kind: 'string', help: 'profile of aws-role' },
  'aws-profiles': {
    section: 'aws',
    field: 'profiles',
    kind: 'profiles',
    help: 'lines: PROFILE ROLE_ARN [REGION]',
  },
  'aws-audience': { section: 'aws', field: 'audience', kind: 'string', help: 'token aud for AWS' },
  'aws-secrets': {
    section: 'aws',
    field: 'secretsManager',
    kind: 'lines',
    help: 'Secrets Manager lines: SECRET_ID_OR_ARN[:JSON_KEY[:VERSION_STAGE[:VERSION_ID]]] | NAME',
  },
  'gcp-workload-identity-provider': {
    section: 'gcp',
    field: 'workloadIdentityProvider',
    kind: 'string',
    required: true,
    help: 'projects/N/locations/global/workloadIdentityPools/P/providers/X',
  },
  'gcp-service-account': { section: 'gcp', field: 'serviceAccount', kind: 'string', help: 'to impersonate' },
  'gcp-scopes': { section: 'gcp', field: 'scopes', kind: 'list', help: 'OAuth scopes' },
  'gcp-lifetime': { section: 'gcp', field: 'lifetimeSeconds', kind: 'int', help: 'seconds' },
  'gcp-delegates': { section: 'gcp', field: 'delegates', kind: 'list', help: 'delegation chain' },
  'gcp-id-token-audience': { section: 'gcp', field: 'idTokenAudience', kind: 'string', help: 'ID token aud' },
  'gcp-project-id': { section: 'gcp', field: 'projectId', kind: 'string', help: 'GOOGLE_CLOUD_PROJECT' },
  'gcp-audience': { section: 'gcp', field: 'audience', kind: 'string', help: 'token aud for GCP' },
  'gcp-secrets': {
    section: 'gcp',
    field: 'secretManager',
    kind: 'lines',
    help: 'Secret Manager lines: projects/P/secrets/S[/versions/V] (or S with gcp-project-id) | NAME',
  },
  'vault-url': { section: 'vault', field: 'address', kind: 'string', required: true, help: 'Vault address' },
  'vault-role': { section: 'vault', field: 'role', kind: 'string', required: true, help: 'JWT auth role' },
  'vault-mount': { section: 'vault', field: 'mount', kind: 'string', help: 'auth mount (jwt)' },
  'vault-namespace': { section: 'vault', field: 'namespace', kind: 'string', help: 'X-Vault-Namespace' },
  'vault-secrets': {
    section: 'vault',
    field: 'secrets',
    kind: 'lines',
    required: true,
    help: 'lines: PATH FIELD | NAME',
  },
  'vault-export-token': { section: 'vault', field: 'exportToken', kind: 'bool', help: 'export VAULT_TOKEN' },
  'vault-audience': { section: 'vault', field: 'audience', kind: 'string', help: 'token aud for Vault' },
  'token-exchange-url': {
    section: 'tokenExchange',
    field: 'tokenUrl',
    kind: 'string',
    required: true,
    help: 'RFC 8693 token endpoint',
  },
  'token-exchange-audience': {
    section: 'tokenExchange',
    field: 'audience',
    kind: 'string',
    help: 'audience',
  },
  'token-exchange-resource': {
    section: 'tokenExchange',
    field: 'resource',
    kind: 'string',
    help: 'resource',
  },
  'token-exchange-scope': { section: 'tokenExchange', field: 'scope', kind: 'list', help: 'scopes' },
  'token-exchange-requested-token-type': {
    section: 'tokenExchange',
    field: 'requestedTokenType',
    kind: 'string',
    help: 'requested_token_type',
  },
  'token-exchange-client-id': { section: 'tokenExchange', field: 'clientId', kind: 'string', help: 'client' },
  'token-exchange-token-audience': {
    section: 'tokenExchange',
    field: 'tokenAudience',
    kind: 'string',
    help: 'token aud for the exchange',
  },
  'token-exchange-name': { section: 'tokenExchange', field: 'valueName', kind: 'string', help: 'value name' },
  'github-sts': { section: 'github', field: 'domain', kind: 'string', required: true, help: 'octo-sts host' },
  'github-scope': { section: 'github', field: 'scope', kind: 'string', required: true, help: 'org/repo' },
  'github-identity': {
    section: 'github',
    field: 'identity',
    kind: 'string',
    required: true,
    help: 'trust policy name',
  },
  'github-token-name': {
    section: 'github',
    field: 'valueName',
    kind: 'string',
    help: 'value name (GH_TOKEN)',
  },
  'github-audience': { section: 'github', field: 'audience', kind: 'string', help: 'token aud for the STS' },
  'azure-tenant-id': { section: 'azure', field: 'tenantId', kind: 'string', required: true, help: 'tenant' },
  'azure-client-id': { section: 'azure', field: 'clientId', kind: 'string', required: true, help: 'client' },
  'azure-scope': { section: 'azure', field: 'scope', kind: 'string', help: '<resource>/.default' },
  'azure-subscription-id': {
    section: 'azure',
    field: 'subscriptionId',
    kind: 'string',
    help: 'subscription',
  },
  'azure-audience': { section: 'azure', field: 'audience', kind: 'string', help: 'token aud for Entra' },
  'azure-keyvault-secrets': {
    section: 'azure',
    field: 'keyVault',
    kind: 'lines',
    help: 'Key Vault lines: VAULT_NAME/SECRET[/VERSION] | NAME',
  },
  'aws-sts-endpoint': { section: 'endpoints', field: 'awsSts', kind: 'string', help: 'STS endpoint' },
  'gcp-sts-url': { section: 'endpoints', field: 'gcpSts', kind: 'string', help: 'GCP STS base URL' },
  'gcp-iam-credentials-url': {
    section: 'endpoints',
    field: 'gcpIamCredentials',
    kind: 'string',
    help: 'IAM credentials base URL',
  },
  'azure-authority-host': {
    section: 'endpoints',
    field: 'azureAuthority',
    kind: 'string',
    help: 'authority',
  },
  'github-api-url': { section: 'endpoints', field: 'githubApi', kind: 'string', help: 'API base (GHES)' },
  'aws-secrets-manager-endpoint': {
    section: 'endpoints',
    field: 'awsSecretsManager',
    kind: 'string',
    help: 'Secrets Manager endpoint',
  },
  'gcp-secret-manager-url': {
    section: 'endpoints',
    field: 'gcpSecretManager',
    kind: 'string',
    help: 'Secret Manager base URL',
  },
  'azure-keyvault-url': {
    section: 'endpoints',
    field: 'azureKeyVault',
    kind: 'string',
    help: 'vault URL with {vault}',
  },
  audience: { section: 'check', field: 'audience', kind: 'string', help: 'aud for every provider' },
  issuer: { section: 'check', field: 'issuer', kind: 'list', help: 'accepted token issuers' },
  'verify-signature': { section: 'check', field: 'verify', kind: 'bool', help: 'JWKS check (true)' },
};

/** `expect-<claim>`: a claim expectation; dashes become underscores (`expect-ref-protected`). */
export const EXPECT_PREFIX = 'expect-';

export function isRequestKey(key: string): boolean {
  return key in REQUEST_KEYS || (key.startsWith(EXPECT_PREFIX) && key.length > EXPECT_PREFIX.length);
}

/** `KEYLESS_AWS_ROLE` <-> `aws-role`. */
export function envName(key: string): string {
  return `KEYLESS_${key.toUpperCase().replace(/-/g, '_')}`;
}
