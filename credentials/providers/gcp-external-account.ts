/**
 * The `external_account` credentials file Google client libraries and gcloud read
 * (GOOGLE_APPLICATION_CREDENTIALS): they redo the exchange themselves whenever the token expires.
 * The adapter decides where it goes (outside the workspace, 0600) and where the subject token comes from.
 */
import { trimSlash } from './http.js';
import { providerPath } from './gcp.js';

export type SubjectTokenSource =
  /** A file holding the raw JWT (a Kubernetes projected token, or one the adapter refreshes). */
  | { file: string }
  /** A URL answering JSON with the JWT in `field` (GitHub's id-token endpoint: `value`). */
  | { url: string; headers?: Record<string, string>; field: string };

export interface ExternalAccountOptions {
  workloadIdentityProvider: string;
  source: SubjectTokenSource;
  serviceAccount?: string;
  lifetimeSeconds?: number;
  stsUrl?: string;
  iamCredentialsUrl?: string;
}

/** The file's JSON. It carries no token itself, but a URL source's headers may hold a secret: write it 0600. */
export function renderExternalAccount(options: ExternalAccountOptions): string {
  const provider = providerPath(options.workloadIdentityProvider);
  const source = options.source;
  const credentialSource =
    'file' in source
      ? { file: source.file, format: { type: 'text' } }
      : {
          url: source.url,
          ...(source.headers ? { headers: source.headers } : {}),
          format: { type: 'json', subject_token_field_name: source.field },
        };
  const iam = trimSlash(options.iamCredentialsUrl ?? 'https://iamcredentials.googleapis.com');
  const body = {
    type: 'external_account',
    audience: `//iam.googleapis.com/${provider}`,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: `${trimSlash(options.stsUrl ?? 'https://sts.googleapis.com')}/v1/token`,
    ...(options.serviceAccount
      ? {
          service_account_impersonation_url: `${iam}/v1/projects/-/serviceAccounts/${options.serviceAccount}:generateAccessToken`,
          ...(options.lifetimeSeconds
            ? { service_account_impersonation: { token_lifetime_seconds: options.lifetimeSeconds } }
            : {}),
        }
      : {}),
    credential_source: credentialSource,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
