import { describe, it, expect } from '@jest/globals';
import { parse } from 'yaml';

import { migrationItem } from '../../rotation/items/migrate.js';
import { gitlabCiUses } from '../../rotation/inventory/workflows.js';
import { migrateGitlabJob } from '../../rotation/rewrite/gitlab-oidc.js';

const CI = `# pipeline
stages: [deploy]

deploy:
  stage: deploy
  environment: production
  variables:
    AWS_ACCESS_KEY_ID: $PROD_AWS_KEY_ID
    AWS_SECRET_ACCESS_KEY: $PROD_AWS_SECRET
    BUCKET: shop-assets
  script:
    # sync the assets
    - aws s3 sync dist s3://$BUCKET
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

lint:
  script:
    - npm run lint
`;

describe('migrateGitlabJob', () => {
  const uses = gitlabCiUses('.gitlab-ci.yml', CI);

  it('adds id_tokens, the request variables and the exchange; static key variables go', () => {
    expect(uses.map((u) => [u.job, u.key, u.environment])).toEqual([
      ['deploy', 'AWS_ACCESS_KEY_ID', 'production'],
      ['deploy', 'AWS_SECRET_ACCESS_KEY', 'production'],
    ]);
    const result = migrateGitlabJob(CI, 'deploy', uses);
    const out = result?.content as string;
    const job = (parse(out) as Record<string, Record<string, unknown>>)['deploy'];
    expect(job).toEqual({
      id_tokens: { KEYLESS_ID_TOKEN: { aud: 'sts.amazonaws.com' } },
      stage: 'deploy',
      environment: 'production',
      variables: {
        BUCKET: 'shop-assets',
        KEYLESS_AWS_ROLE: '$AWS_ROLE_ARN',
        KEYLESS_AWS_REGION: '$AWS_DEFAULT_REGION',
      },
      script: ['eval "$(keyless credentials env)"', 'aws s3 sync dist s3://$BUCKET'],
      rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }],
    });
    expect(out).toContain('    # sync the assets\n');
    expect(out.slice(out.indexOf('lint:'))).toBe(CI.slice(CI.indexOf('lint:')));
    expect(out.startsWith('# pipeline\nstages: [deploy]\n')).toBe(true);
    expect(result?.variables).toEqual(['AWS_DEFAULT_REGION', 'AWS_ROLE_ARN']);
  });

  it('becomes a migrate-oidc item with the GitLab trust policy', () => {
    const item = migrationItem(
      '.gitlab-ci.yml',
      CI,
      'deploy',
      uses,
      { slug: 'acme/shop', defaultBranch: 'main', issuer: 'https://gitlab.acme.test' },
      undefined,
      'gitlab',
    );
    expect(item?.id).toBe('oidc-gitlab-ci-deploy');
    expect(item?.body).toContain('"gitlab.acme.test:sub": "project_path:acme/shop:ref_type:branch:ref:main"');
    expect(item?.body).toContain('create the CI/CD variables');
    expect(item?.body).not.toContain('<PROJECT_ID>');
    expect(item?.body).toContain('stored as CI/CD variables (`PROD_AWS_KEY_ID`, `PROD_AWS_SECRET`)');
    expect(item?.files.map((f) => f.path)).toEqual(['.gitlab-ci.yml']);
  });

  it('leaves jobs it cannot edit safely alone', () => {
    const flow = 'deploy:\n  script: [aws s3 ls]\n  variables: { AWS_ACCESS_KEY_ID: $K }\n';
    expect(migrateGitlabJob(flow, 'deploy', gitlabCiUses('.gitlab-ci.yml', flow))).toBeUndefined();
  });
});
