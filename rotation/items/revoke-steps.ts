/**
 * How to take a leaked secret out of service, per issuer. Written for this project; each list ends
 * with the check that the old value is dead. Providers match the scanner rules' `provider` field.
 */
const STEPS: Record<string, string[]> = {
  GitHub: [
    'Open Settings → Developer settings → Personal access tokens (or the GitHub App / OAuth app that owns the token) and delete or regenerate it.',
    'If you cannot find it, report it through https://github.com/settings/security-log or ask an org owner to revoke it; GitHub also accepts leaked tokens through its credential revocation API.',
    'Review the security log for activity by the token since it was committed.',
  ],
  GitLab: [
    'Revoke the token under User/Project/Group Settings → Access tokens (or the deploy token / runner token page it belongs to).',
    'Check the audit events for use of the token since it was committed.',
  ],
  AWS: [
    'In IAM → Users → Security credentials, create a new access key if the user still needs one, then deactivate and delete the leaked key (`aws iam update-access-key --status Inactive`, then `aws iam delete-access-key`).',
    'Search CloudTrail for the access key id to see what it was used for since it was committed.',
    'Better: replace the user key with a role assumed through OIDC (`keyless` can migrate the workflow).',
  ],
  'Google Cloud': [
    'Delete the service account key: IAM & Admin → Service accounts → Keys, or `gcloud iam service-accounts keys delete KEY_ID --iam-account SA`. API keys: APIs & Services → Credentials → delete or regenerate.',
    'Check Cloud Audit Logs for the key since it was committed.',
    'Better: use workload identity federation instead of a key file.',
  ],
  Azure: [
    'Remove the client secret from the app registration (Certificates & secrets) or regenerate the storage/service key that leaked.',
    'Review the sign-in logs of the service principal since the secret was committed.',
    'Better: use a federated credential (OIDC) for CI.',
  ],
  Slack: [
    'Regenerate the token in the Slack app settings (OAuth & Permissions → rotate/revoke), or delete and recreate the incoming webhook.',
    'Check the workspace access logs for use of the token.',
  ],
  Stripe: [
    'In the Stripe Dashboard → Developers → API keys, roll the key (choose "now" for a leaked key) and update your services with the new one.',
    'Review the request logs for calls made with the old key.',
  ],
  'npm registry': [
    'Revoke the token on npmjs.com → Access Tokens (or `npm token revoke ID`).',
    'Check the packages it could publish for unexpected versions.',
  ],
  OpenAI: [
    'Delete the key on the API keys page of the OpenAI platform and create a new one.',
    'Check usage for unexpected requests.',
  ],
  Anthropic: [
    'Disable and delete the key in the Anthropic Console → API keys and create a new one.',
    'Check usage for unexpected requests.',
  ],
  Twilio: [
    'Create a secondary auth token / new API key in the Twilio Console, switch to it, then promote it or delete the leaked key.',
  ],
  'Twilio SendGrid': [
    'Delete the API key under Settings → API Keys in SendGrid and create a new one with the least scopes needed.',
  ],
  Datadog: [
    'Revoke the API or application key under Organization Settings → API Keys / Application Keys and create a new one.',
  ],
  'HashiCorp Vault': [
    'Revoke the token (`vault token revoke -accessor ACCESSOR` or `vault token revoke TOKEN`) and check the audit log for its use.',
  ],
  'Private key': [
    'Treat the key pair as compromised: generate a new key pair and replace the public key wherever it is trusted (servers, deploy keys, certificates).',
    'Remove the old public key (authorized_keys, deploy keys) and revoke any certificate issued for it.',
  ],
  Database: [
    'Change the password of the database user (`ALTER USER ... PASSWORD ...`) or create a new user and drop the old one.',
    "Check the database's connection logs for logins with it since it was committed.",
  ],
};

const ALIASES: Record<string, string> = {
  npm: 'npm registry',
  PostgreSQL: 'Database',
  MySQL: 'Database',
  MongoDB: 'Database',
  Redis: 'Database',
  'Microsoft SQL Server': 'Database',
  JDBC: 'Database',
  HashiCorp: 'HashiCorp Vault',
};

/** The steps to revoke a secret from `provider`; the rule's own remediation sentence goes first when known. */
export function revokeSteps(provider: string, remediation?: string): string[] {
  const known = STEPS[provider] ?? STEPS[ALIASES[provider] ?? ''];
  const steps = known
    ? [...known]
    : [
        isGenericProvider(provider)
          ? 'Revoke or regenerate the secret at the service that issued it, then create a new one.'
          : `Revoke or regenerate the secret where ${provider} issued it, then create a new one.`,
      ];
  // The table's steps are fuller than a rule's one-sentence remediation; it only fills the gaps.
  if (remediation && !known) steps.unshift(remediation);
  return steps;
}

/** Rules that match by shape (passwords, generic tokens) name no issuer. */
export function isGenericProvider(provider: string): boolean {
  return provider === '' || provider.toLowerCase() === 'generic';
}

export function hasProviderSteps(provider: string): boolean {
  return STEPS[provider] !== undefined || ALIASES[provider] !== undefined;
}
