import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Tests must not depend on the machine's git identity, signing, hooks or default branch.
const ISOLATED_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/** Runs git in `cwd` with an isolated configuration; returns stdout without the trailing newline. */
export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...ISOLATED_ENV, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  }).replace(/\n$/, '');
}

export interface CommitOptions {
  author?: string;
  email?: string;
  /** Stages every change in the work tree first (`git add -A`); default true. */
  all?: boolean;
  allowEmpty?: boolean;
}

/**
 * A throwaway repository with deterministic commits: each commit gets the next fixed date (one minute
 * apart from 2024-01-01T00:00:00Z), so shas are reproducible within a test.
 */
export class GitRepo {
  private tick = 0;

  constructor(readonly root: string) {}

  static create(options: { branch?: string; bare?: boolean } = {}): GitRepo {
    const root = mkdtempSync(join(tmpdir(), 'keyless-git-'));
    git(root, ['init', '-q', ...(options.bare ? ['--bare'] : []), '-b', options.branch ?? 'main']);
    const repo = new GitRepo(root);
    repo.git('config', 'user.name', 'Test Author');
    repo.git('config', 'user.email', 'author@test.invalid');
    repo.git('config', 'commit.gpgsign', 'false');
    return repo;
  }

  git(...args: string[]): string {
    return git(this.root, args, this.dates());
  }

  /** Writes `files` (repo-relative path -> content); `null` deletes the file. */
  write(files: Record<string, string | Buffer | null>): this {
    for (const [rel, content] of Object.entries(files)) {
      const abs = join(this.root, rel);
      if (content === null) {
        rmSync(abs, { force: true });
        continue;
      }
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    return this;
  }

  /** `git mv`, creating the destination's directory. */
  move(from: string, to: string): this {
    mkdirSync(dirname(join(this.root, to)), { recursive: true });
    this.git('mv', from, to);
    return this;
  }

  /** Writes `files`, stages everything and commits; returns the new commit's sha. */
  commit(
    message: string,
    files: Record<string, string | Buffer | null> = {},
    options: CommitOptions = {},
  ): string {
    this.write(files);
    if (options.all !== false) this.git('add', '-A');
    const env = this.dates(true);
    const args = ['commit', '-q', '--no-verify', '-m', message];
    if (options.allowEmpty) args.push('--allow-empty');
    if (options.author || options.email) {
      args.push(`--author=${options.author ?? 'Test Author'} <${options.email ?? 'author@test.invalid'}>`);
    }
    git(this.root, args, env);
    return this.head();
  }

  /** Starts a merge of `branch` without committing it (conflicts allowed), for evil merges. */
  startMerge(branch: string): void {
    try {
      git(this.root, ['merge', '--no-ff', '--no-commit', branch], this.dates());
    } catch {
      // A conflicted merge exits 1; the caller resolves it and commits.
    }
  }

  merge(branch: string, message = `Merge ${branch}`): string {
    git(this.root, ['merge', '--no-ff', '-q', '-m', message, branch], this.dates(true));
    return this.head();
  }

  checkout(ref: string, create = false): void {
    this.git('checkout', '-q', ...(create ? ['-b'] : []), ref);
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  rev(ref: string): string {
    return this.git('rev-parse', ref);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private dates(advance = false): NodeJS.ProcessEnv {
    if (advance) this.tick++;
    const date = new Date(Date.UTC(2024, 0, 1) + this.tick * 60_000).toISOString();
    return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  }
}
