/** GitHub API failures as ForgeError: what failed, the API's own message and the likely cause. */
import { ForgeError } from '../types.js';

const APP_TOKEN_HINT =
  'GITHUB_TOKEN cannot read or write Actions secrets: use a GitHub App token (or a fine-grained token) ' +
  'with the "Secrets: read and write" repository permission; the credentials action can mint one';

const ORG_WRITE_HINT =
  'writing organization secrets needs the organization permission "Secrets: write" of a GitHub App token ' +
  '(installed on the organization); GITHUB_TOKEN and repository-scoped tokens cannot';

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** The API's own message (never the request, which may carry an encrypted value). */
function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
  if (typeof data?.message === 'string') return data.message;
  return (error as Error).message.split('\n')[0] ?? 'request failed';
}

function likelyCause(what: string, status: number | undefined): string {
  if (status === 401) return 'the token is invalid or expired';
  if (what.includes('organization secret') && !what.startsWith('list') && status === 403)
    return ORG_WRITE_HINT;
  if (what.includes('organization') && (status === 403 || status === 404))
    return 'listing organization secrets needs the organization "Secrets: read" permission of a GitHub App token';
  if (what.includes('secret') && (status === 403 || status === 404)) return APP_TOKEN_HINT;
  if (status === 403)
    return 'the token lacks a permission (contents: write, pull-requests: write, issues: write for labels)';
  if (status === 404) return 'not found, or the token cannot see it';
  if (status === 409) return 'the repository is empty or the ref moved';
  if (status === 422) return 'GitHub rejected the request (a branch or pull request may already exist)';
  return 'GitHub could not be reached or failed';
}

export function githubError(what: string, error: unknown): ForgeError {
  if (error instanceof ForgeError) return error;
  const status = statusOf(error);
  return new ForgeError(
    `GitHub: cannot ${what} (${status ?? 'no response'}: ${apiMessage(error)}); ${likelyCause(what, status)}`,
    status,
  );
}
