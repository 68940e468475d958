import { describe, expect, it } from '@jest/globals';
import { parseRequest, requestInputsFromEnv, requestedProviders } from '../../credentials/request.js';
import { CredentialError } from '../../credentials/types.js';

const ROLE = 'arn:aws:iam::604918273551:role/ledger-deploy';

function configError(fn: () => unknown): CredentialError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).kind).toBe('config');
    return error as CredentialError;
  }
  throw new Error('expected a config error');
}

describe('parseRequest', () => {
  it('builds typed provider parts, expectations and checks from flat kebab-case keys', () => {
    const request = parseRequest({
      'vault-url': 'https://vault.northwind-labs.dev',
      'vault-role': 'ledger',
      'vault-secrets': 'secret/data/ci/ledger api_key | LEDGER_KEY\n\n# comment\ndatabase/creds/rw password',
      'vault-export-token': 'yes',
      'aws-role': ROLE,
      'aws-region': 'eu-west-1',
      'aws-duration': '1800',
      'aws-policy-arns': 'arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::604918273551:policy/deploy',
      'aws-role-chain':
        'arn:aws:iam::604918273551:role/release ext-4821\narn:aws:iam::604918273551:role/final',
      'aws-allowed-account-ids': '604918273551',
      'aws-profile': 'ledger',
      'github-sts': 'octo-sts.dev',
      'github-scope': 'northwind-labs/ledger-api',
      'github-identity': 'release',
      'expect-repository': 'northwind-labs/ledger-api',
      'expect-ref-protected': 'true',
      'expect-environment': 'production, staging',
      issuer: 'https://token.actions.githubusercontent.com',
      'verify-signature': 'false',
      audience: '',
    });
    expect(requestedProviders(request)).toEqual(['vault', 'aws', 'github']);
    expect(request.vault).toEqual({
      address: 'https://vault.northwind-labs.dev',
      role: 'ledger',
      secrets: ['secret/data/ci/ledger api_key | LEDGER_KEY', 'database/creds/rw password'],
      exportToken: true,
    });
    expect(request.aws).toEqual({
      roleArn: ROLE,
      region: 'eu-west-1',
      durationSeconds: 1800,
      managedPolicyArns: [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::604918273551:policy/deploy',
      ],
      chain: [
        { roleArn: 'arn:aws:iam::604918273551:role/release', externalId: 'ext-4821' },
        { roleArn: 'arn:aws:iam::604918273551:role/final' },
      ],
      allowedAccountIds: ['604918273551'],
      profile: 'ledger',
    });
    expect(request.github).toEqual({
      domain: 'octo-sts.dev',
      scope: 'northwind-labs/ledger-api',
      identity: 'release',
    });
    expect(request.expect).toEqual({
      repository: 'northwind-labs/ledger-api',
      ref_protected: true,
      environment: ['production', 'staging'],
    });
    expect(request.issuer).toEqual(['https://token.actions.githubusercontent.com']);
    expect(request.verify).toBe(false);
    expect(request.audience).toBeUndefined();
  });

  it('names unknown keys with the known keys of the same provider', () => {
    const error = configError(() => parseRequest({ 'aws-role': ROLE, 'aws-regoin': 'eu-west-1' }));
    expect(error.message).toContain('"aws-regoin"');
    expect(error.message).toContain('aws-region');
  });

  it('skips the caller’s own keys instead of refusing them', () => {
    const request = parseRequest(
      { 'aws-role': ROLE, 'aws-region': 'us-east-1', 'token-file': '/var/run/token', export: 'env' },
      { extraKeys: ['token-file', 'export'] },
    );
    expect(request.aws).toEqual({ roleArn: ROLE, region: 'us-east-1' });
  });

  it('names the missing required keys of a provider that is partly configured', () => {
    const error = configError(() => parseRequest({ 'vault-url': 'https://vault.northwind-labs.dev' }));
    expect(error.message).toContain('vault-url given but vault-role, vault-secrets missing');
  });

  it('refuses a request without any provider and malformed values', () => {
    expect(configError(() => parseRequest({ 'expect-ref': 'refs/heads/main' })).message).toContain(
      'no credentials requested',
    );
    expect(
      configError(() => parseRequest({ 'aws-role': ROLE, 'aws-region': 'x', 'aws-duration': '1h' })).message,
    ).toContain('aws-duration: expected a whole number');
    expect(
      configError(() => parseRequest({ 'aws-role': ROLE, 'aws-region': 'x', 'aws-verify': 'maybe' })).message,
    ).toContain('aws-verify: expected true or false');
  });
});

describe('requestInputsFromEnv', () => {
  it('reads KEYLESS_* request keys and expectations, ignoring the other KEYLESS_* variables', () => {
    const inputs = requestInputsFromEnv({
      KEYLESS_AWS_ROLE: ROLE,
      KEYLESS_AWS_REGION: 'eu-west-1',
      KEYLESS_EXPECT_REF_PROTECTED: 'true',
      KEYLESS_ID_TOKEN: 'not-a-request-key',
      KEYLESS_VAULT_URL: '',
      HOME: '/root',
    });
    expect(inputs).toEqual({ 'aws-role': ROLE, 'aws-region': 'eu-west-1', 'expect-ref-protected': 'true' });
    expect(parseRequest(inputs).expect).toEqual({ ref_protected: true });
  });
});
