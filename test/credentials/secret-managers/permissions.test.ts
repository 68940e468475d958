import { describe, expect, it } from '@jest/globals';
import { explainLines } from '../../../actions/credentials/explain.js';
import { parseRequest } from '../../../credentials/request.js';
import { secretPermissions } from '../../../credentials/secret-managers/permissions.js';

const PROVIDER = 'projects/730914552861/locations/global/workloadIdentityPools/github-ci/providers/northwind';
const SUB = 'repo:northwind-labs/ledger-api:environment:production';
const CLIENT = 'a83f1d26-97c4-4e5b-b1d0-6e29f7c4a815';
const claims = { sub: SUB, repository: 'northwind-labs/ledger-api', aud: 'sts.amazonaws.com' };

const request = (extra: Record<string, string> = {}) =>
  parseRequest({
    'aws-role': 'arn:aws:iam::418273605914:role/gh-deploy',
    'aws-region': 'eu-west-1',
    'aws-secrets':
      'ledger/db:password | DB_PASSWORD\nledger/db:username | DB_USER\narn:aws:secretsmanager:us-east-2:418273605914:secret:shared/api-Xq3ZrT',
    'gcp-workload-identity-provider': PROVIDER,
    'gcp-project-id': 'northwind-prod',
    'gcp-secrets': 'stripe-key\nprojects/northwind-shared/secrets/webhook/versions/2',
    'azure-tenant-id': '5c7e2a91-3f4d-4b8e-9a61-d2f08c37b4e5',
    'azure-client-id': CLIENT,
    'azure-keyvault-secrets': 'ledger-kv/sendgrid-key\nledger-kv/db-connection',
    ...extra,
  });

describe('secretPermissions', () => {
  it('gives the AWS role a GetSecretValue policy on exactly the selected secrets', () => {
    const [aws] = secretPermissions(request(), claims);
    expect(aws).toMatchObject({
      provider: 'aws-secrets-manager',
      config: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: [
              'arn:aws:secretsmanager:eu-west-1:418273605914:secret:ledger/db-??????',
              'arn:aws:secretsmanager:us-east-2:418273605914:secret:shared/api-Xq3ZrT',
            ],
          },
        ],
      },
    });
  });

  it('binds secretAccessor to the federated principal, or to the impersonated service account', () => {
    const gcp = secretPermissions(request(), claims)[1]!;
    const member = `principal://iam.googleapis.com/projects/730914552861/locations/global/workloadIdentityPools/github-ci/subject/${SUB}`;
    expect(gcp.config).toEqual([
      `gcloud secrets add-iam-policy-binding stripe-key --project northwind-prod --role roles/secretmanager.secretAccessor --member '${member}'`,
      `gcloud secrets add-iam-policy-binding webhook --project northwind-shared --role roles/secretmanager.secretAccessor --member '${member}'`,
    ]);
    const sa = 'ledger-deployer@northwind-prod.iam.gserviceaccount.com';
    const impersonated = secretPermissions(request({ 'gcp-service-account': sa }), claims)[1]!;
    expect((impersonated.config as string[])[0]).toContain(`--member 'serviceAccount:${sa}'`);
  });

  it('assigns Key Vault Secrets User to the Entra app once per vault', () => {
    const azure = secretPermissions(request(), claims)[2]!;
    expect(azure.config).toEqual([
      `az role assignment create --role 'Key Vault Secrets User' --assignee ${CLIENT} --scope "$(az keyvault show --name ledger-kv --query id -o tsv)"`,
    ]);
  });

  it('is empty without secret selectors, and explain prints it after the trust configuration', () => {
    expect(
      secretPermissions(
        parseRequest({ 'aws-role': 'arn:aws:iam::418273605914:role/gh-deploy', 'aws-region': 'eu-west-1' }),
        claims,
      ),
    ).toEqual([]);
    const lines = explainLines(claims, request());
    const trust = lines.indexOf('AWS IAM role trust policy:');
    const policy = lines.indexOf(
      'IAM policy for arn:aws:iam::418273605914:role/gh-deploy (Secrets Manager):',
    );
    expect(trust).toBeGreaterThan(0);
    expect(policy).toBeGreaterThan(trust);
    expect(lines).toContain('Azure Key Vault role assignments (RBAC permission model):');
  });
});
