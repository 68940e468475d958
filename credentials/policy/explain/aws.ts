import type { Claims, TokenShape } from './shape.js';
import { ID_REASON, str } from './shape.js';

export interface AwsExplainOptions {
  accountId?: string;
  audience?: string;
}

/** The audience the job should request for AWS: GitHub's default for STS, else the token's own. */
export function awsAudience(shape: TokenShape, options: AwsExplainOptions): string {
  return (
    options.audience ??
    (shape.kind === 'github' ? 'sts.amazonaws.com' : (shape.aud[0] ?? 'sts.amazonaws.com'))
  );
}

/** The IAM role trust policy that lets exactly this job (its subject) assume the role. */
export function awsTrustPolicy(shape: TokenShape, options: AwsExplainOptions = {}): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated: `arn:aws:iam::${options.accountId ?? '<ACCOUNT_ID>'}:oidc-provider/${shape.host}`,
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${shape.host}:aud`]: awsAudience(shape, options),
            [`${shape.host}:sub`]: shape.sub,
          },
        },
      },
    ],
  };
}

export function awsNotes(claims: Claims, shape: TokenShape, options: AwsExplainOptions = {}): string[] {
  const notes = [
    `create the IAM OIDC identity provider for ${shape.issuer} (audience ${awsAudience(shape, options)}) once per account`,
  ];
  if (!shape.aud.includes(awsAudience(shape, options)))
    notes.push(
      `this token's aud is ${shape.aud.join(', ') || '(none)'}: the job must request ${awsAudience(shape, options)} for AWS`,
    );
  if (shape.kind === 'github' && !shape.idBasedSub && str(claims, 'repository_id'))
    notes.push(
      `the sub names the repository by name; IAM matches only aud and sub, so pin ids by customizing the ` +
        `repository's sub template to include repository_owner_id and repository_id ` +
        `(PUT /repos/{owner}/{repo}/actions/oidc/customization/sub) and trusting the new sub: ${ID_REASON}`,
    );
  if (shape.kind === 'github' && shape.idBasedSub)
    notes.push(
      `the sub already carries owner and repository ids (repo:O@ID/R@ID), so it survives renames: ${ID_REASON}`,
    );
  if (shape.kind === 'gitlab')
    notes.push(
      `GitLab's sub names the project by path; a moved or renamed project changes it, and a freed path can be ` +
        `re-created by someone else — pair the role with a namespace you control`,
    );
  return notes;
}
