import { describe, expect, it } from '@jest/globals';
import { lintAwsTrustPolicy } from '../../credentials/policy/lint-aws.js';

const HOST = 'token.actions.githubusercontent.com';
const policy = (condition: Record<string, unknown> | undefined) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::493817260514:oidc-provider/${HOST}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});
const codes = (p: unknown) => lintAwsTrustPolicy(p).map((f) => [f.severity, f.code]);

describe('lintAwsTrustPolicy', () => {
  it('a pinned, id-based policy is clean', () => {
    const sub = 'repo:northwind-labs@140297361/ledger-api@812934605:ref:refs/heads/main';
    expect(
      lintAwsTrustPolicy(
        policy({ StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: sub } }),
      ),
    ).toEqual([]);
  });

  it('no condition at all: sub missing (critical) and aud missing', () => {
    const findings = lintAwsTrustPolicy(policy(undefined));
    expect(findings.map((f) => [f.severity, f.code, f.where])).toEqual([
      ['critical', 'sub-missing', 'Statement[0]'],
      ['medium', 'aud-missing', 'Statement[0]'],
    ]);
    expect(findings[0]!.message).toContain('every repository on GitHub');
  });

  it('grades sub wildcards and flags name-based subjects', () => {
    const aud = { [`${HOST}:aud`]: 'sts.amazonaws.com' };
    expect(codes(policy({ StringEquals: aud, StringLike: { [`${HOST}:sub`]: '*' } }))).toEqual([
      ['critical', 'sub-wildcard'],
    ]);
    expect(
      codes(policy({ StringEquals: aud, StringLike: { [`${HOST}:sub`]: 'repo:northwind-labs/*' } })),
    ).toEqual([
      ['high', 'sub-wildcard'],
      ['medium', 'name-based-sub'],
    ]);
    const findings = lintAwsTrustPolicy(
      policy({ StringEquals: aud, StringLike: { [`${HOST}:sub`]: ['repo:northwind-labs/ledger-api:*'] } }),
    );
    expect(findings.map((f) => [f.severity, f.code, f.where])).toEqual([
      ['medium', 'sub-wildcard', `Statement[0].Condition.StringLike["${HOST}:sub"]`],
      ['medium', 'name-based-sub', `Statement[0].Condition.StringLike["${HOST}:sub"]`],
    ]);
    expect(findings[1]!.fix).toContain('repo:OWNER@OWNER_ID/REPO@REPO_ID');
  });

  it('StringLike without a wildcard and a wildcard aud', () => {
    const sub = 'repo:northwind-labs@140297361/ledger-api@812934605:environment:production';
    expect(codes(policy({ StringLike: { [`${HOST}:aud`]: 'sts.*', [`${HOST}:sub`]: sub } }))).toEqual([
      ['low', 'like-without-wildcard'],
      ['high', 'aud-wildcard'],
    ]);
  });

  it('ignores statements that are not web-identity trust and rejects non-policies', () => {
    const other = {
      Statement: { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    };
    expect(lintAwsTrustPolicy(other)).toEqual([]);
    expect(() => lintAwsTrustPolicy({ Version: '2012-10-17' })).toThrow('not an IAM policy document');
  });
});
