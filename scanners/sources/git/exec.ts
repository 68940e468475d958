import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Writable } from 'node:stream';

/** A git failure with what the user should do about it; never carries file content. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-a-repo' | 'missing-commit' | 'shallow' | 'corrupt' | 'failed' = 'failed',
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

// Output must not depend on the user's locale, pager, prompts or path quoting.
export const GIT_ENV = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' };
export const BASE_ARGS = ['-c', 'core.quotepath=off', '-c', 'color.ui=false'];

/** Starts `git` in `cwd`; the caller owns the streams. */
export function spawnGit(cwd: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn('git', [...BASE_ARGS, ...args], {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves once `stream` can take more, or is gone; leaves no listener behind either way. */
export function waitForDrain(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/**
 * Runs git to completion and collects its output. A non-zero exit throws a GitError built from git's
 * own message unless `allowFailure` is set (for commands whose exit code is an answer).
 */
export async function runGit(
  cwd: string,
  args: string[],
  options: { input?: string | Buffer; allowFailure?: boolean } = {},
): Promise<GitResult> {
  const child = spawnGit(cwd, args);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new GitError('git is not installed or not on PATH')
          : error,
      ),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
  // A command that exits before reading its input must not crash us with EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const code = await done;
  const result = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').trim(), code };
  if (code !== 0 && !options.allowFailure) throw gitFailure(args, result);
  return result;
}

/** Text output of a git command, without the trailing newline. */
export async function gitText(cwd: string, args: string[]): Promise<string> {
  return (await runGit(cwd, args)).stdout.toString('utf8').replace(/\n$/, '');
}

export function gitFailure(args: string[], result: GitResult): GitError {
  const first = result.stderr.split('\n').find((line) => line.trim() !== '') ?? `exit code ${result.code}`;
  const what = `git ${args.find((a) => !a.startsWith('-')) ?? args[0] ?? ''}`;
  if (/not a git repository/i.test(result.stderr)) {
    return new GitError(`not a git repository (${first.replace(/^fatal: /, '')})`, 'not-a-repo');
  }
  if (/(unable to read|corrupt|bad object|loose object .* is corrupt|invalid object)/i.test(result.stderr)) {
    return new GitError(`${what} failed: the repository is damaged: ${first} (try \`git fsck\`)`, 'corrupt');
  }
  return new GitError(`${what} failed: ${first}`);
}

/** The repository a path belongs to. */
export interface Repo {
  /** Top of the work tree; the git dir for a bare repository. */
  root: string;
  gitDir: string;
  bare: boolean;
  shallow: boolean;
}

export async function openRepo(path: string): Promise<Repo> {
  const result = await runGit(
    path,
    ['rev-parse', '--path-format=absolute', '--git-dir', '--is-bare-repository', '--is-shallow-repository'],
    { allowFailure: true },
  );
  if (result.code !== 0) {
    if (/not a git repository/i.test(result.stderr)) {
      throw new GitError(
        `${path} is not a git repository (or any parent up to the filesystem root)`,
        'not-a-repo',
      );
    }
    throw gitFailure(['rev-parse'], result);
  }
  const [gitDir = '', bare = '', shallow = ''] = result.stdout.toString('utf8').split('\n');
  let root = gitDir;
  if (bare !== 'true') root = await gitText(path, ['rev-parse', '--show-toplevel']);
  return { root, gitDir, bare: bare === 'true', shallow: shallow === 'true' };
}
