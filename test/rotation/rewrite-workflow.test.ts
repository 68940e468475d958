import { readFileSync } from 'node:fs';

import { describe, it, expect } from '@jest/globals';
import { parse } from 'yaml';

import { githubWorkflowUses, gitlabCiUses } from '../../rotation/inventory/workflows.js';
import { migrateGithubJob } from '../../rotation/rewrite/workflow-oidc.js';

const FILE = '.github/workflows/deploy.yml';
const text = readFileSync(new URL('../fixtures/rotation/deploy.yml', import.meta.url), 'utf8');
const uses = githubWorkflowUses(FILE, text);

describe('static credential inventory', () => {
  it('finds login actions fed with keys and secrets in env, with lines', () => {
    expect(
      uses.map((u) => [u.job, u.provider, u.via, u.level ?? '-', u.key, u.line, u.secrets.join(',')]),
    ).toEqual([
      [
        'deploy',
        'aws',
        'action',
        '-',
        'aws-access-key-id, aws-secret-access-key',
        18,
        'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY',
      ],
      ['vault', 'vault', 'env', 'job', 'VAULT_TOKEN', 31, 'VAULT_TOKEN'],
      ['vault', 'gcp', 'env', 'step', 'GOOGLE_CREDENTIALS', 37, 'GCP_KEY'],
    ]);
    expect(uses[0]?.environment).toBe('production');
  });

  it('finds GitLab jobs reading cloud keys from variables', () => {
    const ci = [
      'stages: [deploy]',
      'variables:',
      '  AWS_REGION: eu-west-1',
      'deploy:',
      '  stage: deploy',
      '  script:',
      '    - aws s3 sync dist s3://bucket --region $AWS_REGION',
      '    - test -n "$AWS_SECRET_ACCESS_KEY"',
      'lint:',
      '  script: [npm run lint]',
      '',
    ].join('\n');
    expect(gitlabCiUses('.gitlab-ci.yml', ci).map((u) => [u.job, u.provider, u.key, u.via, u.line])).toEqual([
      ['deploy', 'aws', 'AWS_SECRET_ACCESS_KEY', 'script', 7],
    ]);
  });
});

describe('migrateGithubJob', () => {
  it('replaces the login step and adds id-token permission, leaving the rest byte-identical', () => {
    const result = migrateGithubJob(text, 'deploy', uses, 'acme/keyless/actions/credentials@v1');
    expect(result).toBeDefined();
    const out = result?.content as string;
    expect(out).toContain(
      [
        '      # static keys, to be replaced',
        '      - name: Configure AWS',
        '        uses: acme/keyless/actions/credentials@v1',
        '        with:',
        '          aws-role: ${{ vars.AWS_ROLE_ARN }}',
        '          aws-region: eu-west-1',
        '      - run: ./deploy.sh # keep me',
      ].join('\n'),
    );
    expect(out).toContain(
      [
        '  deploy:',
        '    permissions:',
        '      contents: read',
        '      packages: write',
        '      id-token: write',
        '    runs-on: ubuntu-latest',
      ].join('\n'),
    );
    expect(out).not.toContain('secrets.AWS_');
    // Everything outside the job is untouched, comments included.
    expect(out.slice(0, out.indexOf('  deploy:'))).toBe(text.slice(0, text.indexOf('  deploy:')));
    expect(out.slice(out.indexOf('  vault:'))).toBe(text.slice(text.indexOf('  vault:')));
    expect(result?.variables).toEqual(['AWS_ROLE_ARN']);
    const job = (parse(out) as { jobs: Record<string, { steps: unknown[] }> }).jobs['deploy'];
    expect(job?.steps[1]).toEqual({
      name: 'Configure AWS',
      uses: 'acme/keyless/actions/credentials@v1',
      with: { 'aws-role': '${{ vars.AWS_ROLE_ARN }}', 'aws-region': 'eu-west-1' },
    });
  });

  it('moves env-held keys into a credentials step and extends an existing permissions map', () => {
    const result = migrateGithubJob(text, 'vault', uses);
    const out = result?.content as string;
    const job = (parse(out) as { jobs: Record<string, Record<string, unknown>> }).jobs['vault'] as {
      permissions: unknown;
      env: unknown;
      steps: Array<Record<string, unknown>>;
    };
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job.env).toEqual({ VAULT_ADDR: 'https://vault.internal:8200' });
    expect(job.steps[0]).toEqual({
      name: 'Keyless credentials (OIDC)',
      uses: 'keyless-dev/keyless/actions/credentials@v1',
      with: {
        'vault-url': 'https://vault.internal:8200',
        'vault-role': '${{ vars.VAULT_ROLE }}',
        'vault-secrets': '${{ vars.KEYLESS_VAULT_SECRETS }}',
        'vault-export-token': 'true',
      },
    });
    expect(job.steps[1]).toEqual({ run: 'vault kv get secret/app' });
    expect(job.steps[2]?.['uses']).toBe('keyless-dev/keyless/actions/credentials@v1');
    expect(job.steps[3]).toEqual({ name: 'gcloud', run: 'gcloud deploy', env: { OTHER: 'x' } });
    expect(out).not.toMatch(/secrets\.(VAULT_TOKEN|GCP_KEY)/);
    expect(result?.variables).toEqual([
      'GCP_SERVICE_ACCOUNT',
      'GCP_WORKLOAD_IDENTITY_PROVIDER',
      'KEYLESS_VAULT_SECRETS',
      'VAULT_ROLE',
    ]);
    expect(out.slice(0, out.indexOf('  vault:'))).toBe(text.slice(0, text.indexOf('  vault:')));
  });

  it('turns a scalar permission into an explicit list and says so', () => {
    const src = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    permissions: read-all',
      '    steps:',
      '      - uses: azure/login@v2',
      '        with:',
      '          creds: ${{ secrets.AZURE_CREDENTIALS }}',
      '',
    ].join('\n');
    const found = githubWorkflowUses(FILE, src);
    const result = migrateGithubJob(src, 'build', found);
    expect(result?.content).toContain('    permissions: { id-token: write, contents: read }\n');
    expect(result?.notes[0]).toContain('permissions: read-all');
    expect(result?.content).toContain('azure-client-id: ${{ vars.AZURE_CLIENT_ID }}');
  });

  it('keeps CRLF line ends in CRLF files', () => {
    const crlf = text.replace(/\n/g, '\r\n');
    const result = migrateGithubJob(crlf, 'vault', githubWorkflowUses(FILE, crlf));
    const out = result?.content as string;
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(out.replace(/\r\n/g, '\n')).toBe(migrateGithubJob(text, 'vault', uses)?.content);
  });

  it('leaves jobs without static credentials alone', () => {
    expect(migrateGithubJob(text, 'nope', uses)).toBeUndefined();
  });
});
