import { readFile } from 'node:fs/promises';

import type { CommitInfo } from '../../engine/types.js';
import { GitError, gitText, runGit, type Repo } from './exec.js';

export interface RangeCommit {
  sha: string;
  parents: string[];
  info: CommitInfo;
}

export interface ResolvedRange {
  base: string;
  head: string;
  mergeBase?: string;
  /** Commits of BASE..HEAD, every parent's history followed, ancestors first. */
  commits: RangeCommit[];
}

/** `BASE..HEAD`, `BASE...HEAD` (same commits: those HEAD adds since the merge base), `BASE..` = HEAD. */
export function parseRangeSpec(range: string): { base: string; head: string } {
  const match = /^(.*?)\.\.\.?(.*)$/.exec(range.trim());
  const base = match?.[1] ?? '';
  const head = match?.[2] || 'HEAD';
  if (!match || base === '' || base.startsWith('-') || head.startsWith('-') || head.includes('..')) {
    throw new GitError(
      `--range: expected BASE..HEAD or BASE...HEAD (BASE.. means up to HEAD), got "${range}"`,
    );
  }
  return { base, head };
}

const short = (sha: string): string => sha.slice(0, 12);
const FULL_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;
/** Rounds of `git fetch --deepen=N`, then `--unshallow`. */
const DEEPEN_STEPS = [50, 100, 200, 400];

async function resolveCommit(cwd: string, spec: string): Promise<string | undefined> {
  const result = await runGit(
    cwd,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${spec}^{commit}`],
    {
      allowFailure: true,
    },
  );
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

/** Commits whose parents this clone does not have (`$GIT_DIR/shallow`); empty for a full clone. */
export async function shallowCommits(cwd: string): Promise<Set<string>> {
  const file = await gitText(cwd, ['rev-parse', '--path-format=absolute', '--git-path', 'shallow']);
  try {
    return new Set((await readFile(file, 'utf8')).split('\n').filter((line) => FULL_SHA.test(line)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

async function listCommits(cwd: string, base: string, head: string): Promise<RangeCommit[]> {
  const format = '%H%x00%P%x00%an%x00%ae%x00%aI%x00%s%x00';
  const output = await runGit(cwd, [
    'log',
    '--topo-order',
    '--reverse',
    `--format=tformat:${format}`,
    `${base}..${head}`,
    '--',
  ]);
  const commits: RangeCommit[] = [];
  for (const record of output.stdout.toString('utf8').split('\0\n')) {
    if (record === '') continue;
    const [sha = '', parents = '', author = '', email = '', date = '', message = ''] = record.split('\0');
    commits.push({
      sha,
      parents: parents === '' ? [] : parents.split(' '),
      info: { sha, author, email, date, message },
    });
  }
  return commits;
}

async function mergeBaseOf(cwd: string, base: string, head: string): Promise<string | undefined> {
  const result = await runGit(cwd, ['merge-base', base, head], { allowFailure: true });
  if (result.code === 0) return result.stdout.toString('utf8').trim();
  if (result.code === 1 && result.stderr === '') return undefined;
  throw new GitError(`git merge-base failed: ${result.stderr.split('\n')[0] ?? `exit code ${result.code}`}`);
}

function shallowProblem(
  shallow: Set<string>,
  commits: RangeCommit[],
  mergeBase: string | undefined,
): string | undefined {
  if (shallow.size === 0) return undefined;
  const cut = commits.find((commit) => shallow.has(commit.sha));
  if (cut)
    return `commit ${short(cut.sha)} of the range is at the clone's shallow boundary (its parents were not fetched)`;
  if (!mergeBase) return 'BASE and HEAD have no common ancestor in this shallow clone';
  if (shallow.has(mergeBase))
    return `their merge base ${short(mergeBase)} is at the clone's shallow boundary`;
  return undefined;
}

async function pickRemote(cwd: string): Promise<string | undefined> {
  const remotes = (await gitText(cwd, ['remote'])).split('\n').filter((name) => name !== '');
  return remotes.includes('origin') ? 'origin' : remotes[0];
}

const FETCH_HISTORY =
  'fetch the history (`git fetch --unshallow`, or with actions/checkout `fetch-depth: 0`)';
const OR_DEEPEN = ', or rerun with --deepen to fetch what is missing from the remote';

/**
 * Resolves BASE and HEAD and lists the range's commits, failing closed when this clone cannot show the
 * whole range: an unknown BASE or HEAD, or a shallow clone whose boundary the range reaches. With
 * `deepen`, fetches what is missing from the remote first (the commit itself, then ever deeper history,
 * finally all of it) and notes each fetch in `notes`.
 */
export async function resolveRange(
  repo: Repo,
  range: string,
  deepen: boolean,
  notes: string[],
): Promise<ResolvedRange> {
  const cwd = repo.root;
  const spec = parseRangeSpec(range);
  const remote = deepen ? await pickRemote(cwd) : undefined;
  if (deepen && !remote) notes.push('--deepen: this repository has no remote to fetch from');
  const fetched = new Set<string>();
  let round = 0;
  const fetch = async (args: string[], what: string): Promise<void> => {
    try {
      await runGit(cwd, ['fetch', '-q', '--no-tags', ...args]);
    } catch (error) {
      throw new GitError(
        `--deepen: could not fetch ${what} from ${remote}: ${(error as Error).message}; ${FETCH_HISTORY}`,
        'missing-commit',
      );
    }
    notes.push(`fetched ${what} from ${remote}`);
  };

  for (;;) {
    const base = await resolveCommit(cwd, spec.base);
    const head = await resolveCommit(cwd, spec.head);
    const missing = [
      ...(base ? [] : [['BASE', spec.base] as const]),
      ...(head ? [] : [['HEAD', spec.head] as const]),
    ];
    if (missing.length > 0 || !base || !head) {
      const fetchable = missing.filter(([, name]) => !fetched.has(name) && fetchRef(name, remote));
      if (remote && fetchable.length > 0) {
        for (const [, name] of fetchable) {
          fetched.add(name);
          await fetch(fetchRef(name, remote) ?? [], name);
        }
        continue;
      }
      throw missingCommitError(missing, repo, remote, deepen);
    }

    const commits = await listCommits(cwd, base, head);
    // Nothing to add (base == head, or head already merged into base): an empty, complete scan.
    if (commits.length === 0) return { base, head, commits };
    const mergeBase = await mergeBaseOf(cwd, base, head);
    const problem = shallowProblem(await shallowCommits(cwd), commits, mergeBase);
    if (!problem) return { base, head, ...(mergeBase ? { mergeBase } : {}), commits };
    if (remote && round <= DEEPEN_STEPS.length) {
      const depth = DEEPEN_STEPS[round++];
      if (depth !== undefined) await fetch([`--deepen=${depth}`, remote], `${depth} more commits of history`);
      else await fetch(['--unshallow', remote], 'the rest of the history (--unshallow)');
      continue;
    }
    throw new GitError(
      `cannot compute the range ${range}: ${problem}, so commits of the range may be missing. ` +
        (remote ? `Fetching from ${remote} (--deepen) did not help; ` : '') +
        (deepen && !remote ? 'This clone has no remote for --deepen to fetch from. ' : '') +
        `To fix: ${FETCH_HISTORY}${deepen ? '' : OR_DEEPEN}.`,
      'shallow',
    );
  }
}

/** The fetch arguments that can bring `name` into the clone: a full commit id or `<remote>/<branch>`. */
function fetchRef(name: string, remote: string | undefined): string[] | undefined {
  if (!remote) return undefined;
  if (FULL_SHA.test(name)) return [remote, name];
  if (name.startsWith(`${remote}/`)) {
    const branch = name.slice(remote.length + 1);
    return [remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`];
  }
  return undefined;
}

function missingCommitError(
  missing: (readonly [string, string])[],
  repo: Repo,
  remote: string | undefined,
  deepen: boolean,
): GitError {
  const names = missing.map(([role, name]) => `${role} ${name}`).join(' and ');
  const first = missing[0]?.[1] ?? '';
  const origin = remote ?? 'origin';
  const fetchIt = FULL_SHA.test(first) ? `\`git fetch ${origin} ${first}\`` : `\`git fetch ${origin}\``;
  return new GitError(
    `${names}: not a commit in this clone${repo.shallow ? ' (a shallow clone)' : ''}. ` +
      `To fix: fetch it (${fetchIt}), or the whole history (with actions/checkout: \`fetch-depth: 0\`)` +
      (deepen ? '' : OR_DEEPEN) +
      '.',
    'missing-commit',
  );
}
