import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_CLI, runCli, tree } from '../helpers/run-cli.js';
import { startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';

/** KEYLESS_CLI points at a private build (`npx tsc -p tsconfig.build.json --outDir DIR`). */
const cli = process.env['KEYLESS_CLI'] ?? BUILT_CLI;
let issuer: OidcIssuer;

beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await issuer.close();
});

const HOST = 'token.actions.githubusercontent.com';

function noTokenIn(token: string, ...outputs: string[]): void {
  const [, , signature] = token.split('.');
  for (const out of outputs) {
    expect(out).not.toContain(token);
    expect(out).not.toContain(signature!);
  }
}

describe('keyless credentials explain', () => {
  it('prints claims and the AWS trust policy as JSON from an env variable, never the token', () => {
    const token = issuer.mint(issuer.githubClaims({ iss: `https://${HOST}` }));
    const result = runCli(
      [
        'credentials',
        'explain',
        '--token-env',
        'JOB_TOKEN',
        '--provider',
        'aws',
        '--aws-account-id',
        '493817260514',
        '--format',
        'json',
      ],
      {
        cli,
        env: { JOB_TOKEN: token },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as {
      source: string;
      kind: string;
      header: unknown;
      claims: Record<string, unknown>;
      providers: Array<{ config: { Statement: Array<{ Condition: unknown }> } }>;
    };
    expect(body.source).toBe('variable JOB_TOKEN');
    expect(body.kind).toBe('github');
    expect(body.header).toEqual({ alg: 'RS256', kid: issuer.kids.RS256, typ: 'JWT' });
    expect(body.claims['repository_id']).toBe('812934605');
    expect(body.providers).toHaveLength(1);
    expect(body.providers[0]!.config.Statement[0]!.Condition).toEqual({
      StringEquals: {
        [`${HOST}:aud`]: 'sts.amazonaws.com',
        [`${HOST}:sub`]: 'repo:northwind-labs/ledger-api:environment:production',
      },
    });
    noTokenIn(token, result.stdout, result.stderr);
  });

  it('text output from a token file with every provider and a lint that fails on a wildcard sub', () => {
    const token = issuer.gitlab();
    const dir = tree({
      token: `${token}\n`,
      'trust.json': JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: 'arn:aws:iam::493817260514:oidc-provider/gitlab.com' },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringLike: { 'gitlab.com:sub': '*' } },
          },
        ],
      }),
    });
    const result = runCli(['credentials', 'explain', '--token-file', 'token', '--lint', 'trust.json'], {
      cli,
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Token: gitlab job token, alg RS256');
    expect(result.stdout).toMatch(/\n {2}project_path +platform-team\/billing-worker\n/);
    for (const title of [
      'AWS IAM role trust policy',
      'GCP workload identity pool provider',
      'Entra ID federated identity credential',
      'Vault/OpenBao JWT auth config and role',
      'octo-sts trust policy',
    ])
      expect(result.stdout).toContain(`${title} (`);
    expect(result.stdout).toContain('Lint: 2 finding(s)');
    expect(result.stdout).toContain(
      'CRITICAL sub-wildcard at Statement[0].Condition.StringLike["gitlab.com:sub"]',
    );
    noTokenIn(token, result.stdout, result.stderr);
  });

  it('a malformed token fails with exit 2 and without echoing the value', () => {
    const value = 'glpat-' + 'vR3kT8mQ2wXz9LcN5bHa';
    const result = runCli(['credentials', 'explain', '--token-env', 'JOB_TOKEN'], {
      cli,
      env: { JOB_TOKEN: value },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'keyless: the token from variable JOB_TOKEN is not a JWT: expected 3 dot-separated parts, found 1\n',
    );
    expect(result.stdout).toBe('');
  });

  it('usage errors: no token source, unknown provider, unknown subcommand', () => {
    expect(runCli(['credentials', 'explain'], { cli }).stderr).toContain(
      '--token-file FILE or --token-env NAME is required',
    );
    const bad = runCli(['credentials', 'explain', '--token-env', 'X', '--provider', 'oracle'], {
      cli,
      env: { X: 'a' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--provider: expected one of aws, gcp, azure, vault, github, got "oracle"');
    expect(runCli(['credentials', 'nope'], { cli }).stderr).toContain(
      'credentials: unknown subcommand "nope"',
    );
  });
});
