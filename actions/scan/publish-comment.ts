import { MARKDOWN_MAX_LENGTH, renderMarkdown } from '../../scanners/reports/markdown.js';
import type { GitHubApi } from '../runtime.js';
import type { Repository } from './publish-check.js';
import type { ScanResults } from './results.js';

/** Identifies the one comment this action keeps up to date on a pull request. */
export const COMMENT_MARKER = '<!-- keyless:secret-scan -->';
const PER_PAGE = 100;
/** Listing stops after this many pages (10,000 comments) rather than walking forever. */
const MAX_PAGES = 100;

const WHAT_TO_DO = [
  '### What to do',
  '',
  '1. **Revoke or rotate each secret at its provider first.** It was pushed: anyone with access to the',
  '   branch, a fork or a clone may have it, and removing it in a new commit does not un-leak it.',
  '2. **Move the new value to a secret store** (repository or environment secrets, a vault, or no',
  "   stored secret at all: `keyless/actions/credentials` trades the job's OIDC identity for",
  '   short-lived credentials), and read it from the environment at run time.',
  '3. Remove the literal from the code. Rewriting history is optional once the value is revoked.',
  '',
  '<details><summary>Not a secret?</summary>',
  '',
  'Record it as accepted so it stops failing: run `npx keyless baseline create` (writes',
  "`.keyless-baseline.json` with each finding's fingerprint) and commit the file with a reason per",
  'entry, or add `keyless:allow` in a comment on the same line.',
  '',
];

function fingerprints(results: ScanResults): string[] {
  const lines = results.findings
    .slice(0, 50)
    .map((f) => `${f.fingerprint}  ${f.ruleId}  ${f.location.path}:${f.location.startLine}`);
  const more = results.findings.length - lines.length;
  return [
    'Fingerprints:',
    '',
    '```',
    ...lines,
    ...(more > 0 ? [`… ${more} more`] : []),
    '```',
    '',
    '</details>',
  ];
}

export function commentBody(results: ScanResults, headSha: string, detailsUrl?: string): string {
  if (results.findings.length === 0) {
    return [
      COMMENT_MARKER,
      '## Keyless secret scan',
      '',
      `✅ No secrets found as of ${headSha.slice(0, 12)}.`,
      '',
      'Secrets reported here earlier were pushed all the same: make sure they were revoked at their provider.',
      '',
    ].join('\n');
  }
  const tail = [
    '',
    ...WHAT_TO_DO,
    ...fingerprints(results),
    '',
    `_Scanned ${headSha.slice(0, 12)}${detailsUrl ? ` · [run](<${detailsUrl}>)` : ''}._`,
    '',
  ].join('\n');
  const head = `${COMMENT_MARKER}\n`;
  const table = renderMarkdown(results.findings, results.meta, {
    maxLength: MARKDOWN_MAX_LENGTH - head.length - tail.length,
  });
  return head + table + tail;
}

interface IssueComment {
  id: number;
  body?: string;
}

async function findComment(
  api: GitHubApi,
  repository: Repository,
  issue: number,
): Promise<IssueComment | undefined> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const response = await api.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repository,
      issue_number: issue,
      per_page: PER_PAGE,
      page,
    });
    const comments = response.data as IssueComment[];
    const found = comments.find((c) => typeof c.body === 'string' && c.body.includes(COMMENT_MARKER));
    if (found) return found;
    if (comments.length < PER_PAGE) return undefined;
  }
  return undefined;
}

export type CommentAction = 'created' | 'updated' | 'none';

/**
 * Keeps one comment per pull request: updated in place on every run (also when the findings are gone,
 * so it never goes on showing fixed findings), created only when there is something to report.
 */
export async function publishComment(
  api: GitHubApi,
  repository: Repository,
  issue: number,
  body: string,
  hasFindings: boolean,
): Promise<CommentAction> {
  const existing = await findComment(api, repository, issue);
  if (existing) {
    await api.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      ...repository,
      comment_id: existing.id,
      body,
    });
    return 'updated';
  }
  if (!hasFindings) return 'none';
  await api.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...repository,
    issue_number: issue,
    body,
  });
  return 'created';
}
