import { describe, expect, it } from '@jest/globals';
import { explain } from '../../credentials/policy/explain/index.js';
import { githubClaims, gitlabClaims } from '../fakes/oidc-issuer.js';

const GH = 'https://token.actions.githubusercontent.com';
const config = (claims: Record<string, unknown>, provider: 'aws' | 'gcp' | 'azure' | 'vault' | 'github') =>
  explain(claims, { providers: [provider], aws: { accountId: '493817260514' } }).providers[0]!;

describe('explain for a GitHub Actions token', () => {
  const claims = githubClaims(GH);

  it('AWS: trust policy for the issuer host, exact aud and sub', () => {
    const aws = config(claims, 'aws');
    expect(aws.config).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated: 'arn:aws:iam::493817260514:oidc-provider/token.actions.githubusercontent.com',
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub':
                'repo:northwind-labs/ledger-api:environment:production',
            },
          },
        },
      ],
    });
    expect(aws.notes.join('\n')).toContain('include repository_owner_id and repository_id');
  });

  it('AWS: a GHES issuer keeps its path in the provider ARN and condition keys; id-based sub is noted', () => {
    const sub = 'repo:northwind-labs@140297361/ledger-api@812934605:ref:refs/heads/main';
    const aws = config(githubClaims('https://ghe.northwind-labs.dev/_services/token', { sub }), 'aws');
    const statement = (aws.config['Statement'] as Array<Record<string, unknown>>)[0]!;
    expect(statement['Principal']).toEqual({
      Federated: 'arn:aws:iam::493817260514:oidc-provider/ghe.northwind-labs.dev/_services/token',
    });
    expect(statement['Condition']).toEqual({
      StringEquals: {
        'ghe.northwind-labs.dev/_services/token:aud': 'sts.amazonaws.com',
        'ghe.northwind-labs.dev/_services/token:sub': sub,
      },
    });
    expect(aws.notes.join('\n')).toContain('already carries owner and repository ids');
  });

  it('GCP: mapping and condition pin owner and repository ids', () => {
    expect(config(claims, 'gcp').config).toEqual({
      issuerUri: GH,
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.repository_owner_id': 'assertion.repository_owner_id',
        'attribute.repository_id': 'assertion.repository_id',
        'attribute.ref': 'assertion.ref',
        'attribute.environment': 'assertion.environment',
      },
      attributeCondition:
        "assertion.repository_owner_id == '140297361' && assertion.repository_id == '812934605' && " +
        "assertion.ref == 'refs/heads/main' && assertion.environment == 'production'",
      principal:
        'principalSet://iam.googleapis.com/projects/<PROJECT_NUMBER>/locations/global/workloadIdentityPools/<POOL_ID>/attribute.repository_id/812934605',
      allowedAudiences: ['sts.amazonaws.com'],
    });
  });

  it('Azure: federated credential with the exchange audience, noting the aud the job must request', () => {
    const azure = config(claims, 'azure');
    expect(azure.config).toEqual({
      name: 'keyless-northwind-labs-ledger-api',
      issuer: GH,
      subject: 'repo:northwind-labs/ledger-api:environment:production',
      audiences: ['api://AzureADTokenExchange'],
      description: 'Keyless: repo:northwind-labs/ledger-api:environment:production',
    });
    expect(azure.notes).toContain(
      "this token's aud is sts.amazonaws.com: the job must request api://AzureADTokenExchange for Azure",
    );
  });

  it('Vault: role bound to ids, entity alias on repository_id', () => {
    expect(config(claims, 'vault').config).toEqual({
      auth_config: { oidc_discovery_url: GH, bound_issuer: GH },
      role: {
        role_type: 'jwt',
        bound_audiences: ['sts.amazonaws.com'],
        user_claim: 'repository_id',
        bound_claims: {
          repository_owner_id: '140297361',
          repository_id: '812934605',
          ref: 'refs/heads/main',
          environment: 'production',
        },
        bound_claims_type: 'string',
        token_policies: ['<POLICY>'],
        token_ttl: '15m',
        token_max_ttl: '1h',
      },
    });
  });

  it('octo-sts: subject plus escaped claim patterns', () => {
    expect(config(claims, 'github').config).toEqual({
      issuer: GH,
      subject: 'repo:northwind-labs/ledger-api:environment:production',
      claim_pattern: {
        repository_owner_id: '140297361',
        repository_id: '812934605',
        job_workflow_ref: 'northwind-labs/ledger-api/\\.github/workflows/deploy\\.yml@refs/heads/main',
      },
      permissions: { contents: 'read' },
    });
  });
});

describe('explain for a GitLab CI token', () => {
  const claims = gitlabClaims('https://gitlab.com');

  it('classifies the token and generates every provider by default', () => {
    const result = explain(claims);
    expect(result.shape).toMatchObject({ kind: 'gitlab', host: 'gitlab.com', idBasedSub: false });
    expect(result.providers.map((p) => p.provider)).toEqual(['aws', 'gcp', 'azure', 'vault', 'github']);
  });

  it('AWS: uses the token audience (GitLab fixes it in id_tokens)', () => {
    const statement = (config(claims, 'aws').config['Statement'] as Array<Record<string, unknown>>)[0]!;
    expect(statement['Condition']).toEqual({
      StringEquals: {
        'gitlab.com:aud': 'https://vault.northwind-labs.dev',
        'gitlab.com:sub': 'project_path:platform-team/billing-worker:ref_type:branch:ref:main',
      },
    });
  });

  it('Vault: bound to namespace and project ids, protected refs', () => {
    expect(config(claims, 'vault').config['role']).toEqual({
      role_type: 'jwt',
      bound_audiences: ['https://vault.northwind-labs.dev'],
      user_claim: 'project_id',
      bound_claims: {
        namespace_id: '4417',
        project_id: '90321',
        ref_type: 'branch',
        ref: 'main',
        ref_protected: 'true',
        environment: 'production',
      },
      bound_claims_type: 'string',
      token_policies: ['<POLICY>'],
      token_ttl: '15m',
      token_max_ttl: '1h',
    });
    const unprotected = config({ ...claims, ref_protected: 'false' }, 'vault').config['role'] as Record<
      string,
      unknown
    >;
    expect(unprotected['bound_claims']).not.toHaveProperty('ref_protected');
  });

  it('GCP: condition on namespace and project ids and protection', () => {
    expect(config(claims, 'gcp').config['attributeCondition']).toBe(
      "assertion.namespace_id == '4417' && assertion.project_id == '90321' && assertion.ref_type == 'branch' && " +
        "assertion.ref == 'main' && assertion.environment == 'production' && assertion.ref_protected == 'true'",
    );
  });

  it('a token of another kind (Kubernetes) is pinned by subject', () => {
    const k8s = {
      iss: 'https://kubernetes.default.svc',
      sub: 'system:serviceaccount:ci:runner',
      aud: ['vault'],
    };
    expect(config(k8s, 'vault').config['role']).toMatchObject({
      user_claim: 'sub',
      bound_subject: 'system:serviceaccount:ci:runner',
    });
    expect(config(k8s, 'gcp').config['attributeCondition']).toBe(
      "assertion.sub == 'system:serviceaccount:ci:runner'",
    );
  });
});
