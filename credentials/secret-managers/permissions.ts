/**
 * For `explain`: the grant each secret manager needs so this job may read exactly the selected
 * secrets — an IAM policy for the AWS role, Secret Manager IAM bindings for the GCP principal, Key
 * Vault role assignments for the Entra app. Built from the request and the token's claims only.
 */
import { providerPath } from '../providers/gcp.js';
import type { CredentialsRequest } from '../request.js';
import { parseAwsSecrets } from './aws.js';
import { parseAzureSecrets } from './azure.js';
import { parseGcpSecrets } from './gcp.js';

export interface SecretPermission {
  /** `aws-secrets-manager`, `gcp-secret-manager`, `azure-key-vault`. */
  provider: string;
  title: string;
  config: Record<string, unknown> | string[];
  notes: string[];
}

/** AWS appends `-` and six random characters to a secret's name in its ARN. */
function awsResource(secretId: string, region: string, account: string): string {
  if (secretId.startsWith('arn:')) return /-[A-Za-z0-9]{6}$/.test(secretId) ? secretId : `${secretId}-??????`;
  return `arn:aws:secretsmanager:${region}:${account}:secret:${secretId}-??????`;
}

export function secretPermissions(
  request: CredentialsRequest,
  claims: Record<string, unknown>,
): SecretPermission[] {
  const out: SecretPermission[] = [];
  const aws = request.aws;
  if (aws?.secretsManager?.length && aws.region) {
    const roleArn = aws.roleArn ?? aws.profiles?.[0]?.roleArn ?? '';
    const account = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(roleArn)?.[1] ?? 'ACCOUNT_ID';
    const ids = [...new Set(parseAwsSecrets(aws.secretsManager).map((s) => s.secretId))];
    out.push({
      provider: 'aws-secrets-manager',
      title: `IAM policy for ${roleArn || 'the role'} (Secrets Manager)`,
      config: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: ids.map((id) => awsResource(id, aws.region, account)),
          },
        ],
      },
      notes: [
        'a secret encrypted with a customer managed KMS key also needs kms:Decrypt on that key',
        'a secret in another account needs a resource policy on the secret allowing this role',
      ],
    });
  }
  const gcp = request.gcp;
  if (gcp?.secretManager?.length) {
    const pool = providerPath(gcp.workloadIdentityProvider).replace(/\/providers\/[^/]+$/, '');
    const sub = typeof claims['sub'] === 'string' ? claims['sub'] : 'SUBJECT';
    const member = gcp.serviceAccount
      ? `serviceAccount:${gcp.serviceAccount}`
      : `principal://iam.googleapis.com/${pool}/subject/${sub}`;
    const secrets = [
      ...new Set(
        parseGcpSecrets(gcp.secretManager, gcp.projectId ?? 'PROJECT').map((s) =>
          s.resource.replace(/\/versions\/[^/]+$/, ''),
        ),
      ),
    ];
    out.push({
      provider: 'gcp-secret-manager',
      title: 'GCP Secret Manager IAM bindings',
      config: secrets.map((name) => {
        const [, project, , secret] = name.split('/');
        return `gcloud secrets add-iam-policy-binding ${secret} --project ${project} --role roles/secretmanager.secretAccessor --member '${member}'`;
      }),
      notes: gcp.serviceAccount
        ? ['the service account reads the secrets; the federated principal only impersonates it']
        : ['the federated principal reads the secrets directly (no service account)'],
    });
  }
  const azure = request.azure;
  if (azure?.keyVault?.length) {
    const vaults = [...new Set(parseAzureSecrets(azure.keyVault).map((s) => s.vault))];
    out.push({
      provider: 'azure-key-vault',
      title: 'Azure Key Vault role assignments (RBAC permission model)',
      config: vaults.map(
        (vault) =>
          `az role assignment create --role 'Key Vault Secrets User' --assignee ${azure.clientId} --scope "$(az keyvault show --name ${vault} --query id -o tsv)"`,
      ),
      notes: [
        'append /secrets/<name> to the scope to grant single secrets only',
        'a vault using access policies instead needs: az keyvault set-policy --secret-permissions get',
      ],
    });
  }
  return out;
}
