import type { Claims, TokenShape } from './shape.js';
import { str } from './shape.js';

const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PATTERN_CLAIMS: Record<TokenShape['kind'], string[]> = {
  github: ['repository_owner_id', 'repository_id', 'job_workflow_ref'],
  gitlab: ['namespace_id', 'project_id', 'ref_protected'],
  other: [],
};

/** An octo-sts trust policy (`.github/chainguard/<identity>.sts.yaml` in the target repository). */
export function octoStsPolicy(claims: Claims, shape: TokenShape): Record<string, unknown> {
  const pattern: Record<string, string> = {};
  for (const name of PATTERN_CLAIMS[shape.kind]) {
    const value = str(claims, name);
    // claim_pattern values are regular expressions: literal values are escaped.
    if (value !== undefined) pattern[name] = escape(value);
  }
  const policy: Record<string, unknown> = { issuer: shape.issuer, subject: shape.sub };
  if (Object.keys(pattern).length > 0) policy['claim_pattern'] = pattern;
  policy['permissions'] = { contents: 'read' };
  return policy;
}

export function octoStsNotes(shape: TokenShape): string[] {
  const notes = [
    'commit it as .github/chainguard/<IDENTITY>.sts.yaml in the repository the token is for (org-wide: in the org .github repository) and grant only the permissions the job needs',
  ];
  if (shape.kind === 'github')
    notes.push(
      'claim_pattern pins owner and repository ids and the workflow file, so a renamed or copied workflow gets nothing',
    );
  return notes;
}
