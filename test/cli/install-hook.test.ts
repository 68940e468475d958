import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

import { GitRepo } from '../helpers/git-repo.js';
import { BUILT_CLI, runCli } from '../helpers/run-cli.js';
import { githubToken } from '../scanners/sources/git/git-fixtures.js';

// KEYLESS_TEST_CLI runs these against another build of the CLI (one compiled outside build/).
const CLI = process.env['KEYLESS_TEST_CLI'] ?? BUILT_CLI;
const cli = (args: string[], cwd: string) => runCli(args, { cwd, cli: CLI });

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function newRepo(): GitRepo {
  const repo = GitRepo.create();
  cleanup.push(repo.root);
  repo.commit('init', { 'README.md': '# r\n' });
  return repo;
}

/** A real `git commit` (hooks enabled), as a user runs it; PATH is given so the fallback can be tested. */
function gitCommit(cwd: string, message: string, path = process.env['PATH'] ?? '') {
  const result = spawnSync('git', ['commit', '-q', '-m', message], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: path,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      NO_COLOR: '1',
    },
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const hookOf = (repo: GitRepo): string => join(repo.root, '.git/hooks/pre-commit');

describe('keyless install-hook', () => {
  it('installs an executable hook that blocks a commit adding a secret and lets a clean one through', () => {
    const repo = newRepo();
    const installed = cli(['install-hook'], repo.root);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain('installed the pre-commit hook');
    const hook = hookOf(repo);
    expect(statSync(hook).mode & 0o111).toBe(0o111);
    expect(readFileSync(hook, 'utf8')).toContain(process.execPath);
    expect(readFileSync(hook, 'utf8')).toContain(CLI);

    repo.write({ 'src/app.ts': 'export const a = 1;\n' });
    repo.git('add', '-A');
    const clean = gitCommit(repo.root, 'clean');
    expect(clean.code).toBe(0);
    const cleanHead = repo.head();

    const token = githubToken();
    repo.write({ 'src/gh.ts': `export const gh = '${token}';\n` });
    repo.git('add', '-A');
    const blocked = gitCommit(repo.root, 'leak');
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('github-pat-classic');
    expect(blocked.output).toContain('src/gh.ts:1');
    expect(blocked.output).not.toContain(token);
    expect(repo.head()).toBe(cleanHead);
  });

  it('checks what `git commit -a` and `git commit PATH` commit (git hands the hook a temporary index)', () => {
    const repo = newRepo();
    expect(cli(['install-hook'], repo.root).code).toBe(0);
    repo.write({ 'README.md': `# r\ntoken: ${githubToken()}\n` });
    for (const args of [['-a'], ['README.md']]) {
      const result = spawnSync('git', ['commit', '-q', '-m', 'leak', ...args], {
        cwd: repo.root,
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', NO_COLOR: '1' },
      });
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('README.md:2');
    }
  });

  it('is idempotent and refuses to replace a hook it did not write unless --force, keeping a .bak', () => {
    const repo = newRepo();
    const hook = hookOf(repo);
    const theirs = '#!/bin/sh\necho their hook\n';
    mkdirSync(dirname(hook), { recursive: true });
    writeFileSync(hook, theirs, { mode: 0o755 });

    const refused = cli(['install-hook'], repo.root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not written by keyless.*--force/);
    expect(readFileSync(hook, 'utf8')).toBe(theirs);

    expect(cli(['install-hook', '--force'], repo.root).code).toBe(0);
    expect(readFileSync(`${hook}.bak`, 'utf8')).toBe(theirs);
    const ours = readFileSync(hook, 'utf8');
    expect(ours).toContain('keyless-hook');

    const again = cli(['install-hook'], repo.root);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed');
    expect(readFileSync(hook, 'utf8')).toBe(ours);

    const removed = cli(['install-hook', '--uninstall'], repo.root);
    expect(removed.code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(theirs);
    expect(existsSync(`${hook}.bak`)).toBe(false);

    // Their hook is theirs: --uninstall leaves it alone.
    const foreign = cli(['install-hook', '--uninstall'], repo.root);
    expect(foreign.code).toBe(2);
    expect(readFileSync(hook, 'utf8')).toBe(theirs);
  });

  it('uninstalls its own hook and is fine with nothing to uninstall', () => {
    const repo = newRepo();
    expect(cli(['install-hook', '--uninstall'], repo.root).code).toBe(0);
    expect(cli(['install-hook'], repo.root).code).toBe(0);
    expect(cli(['install-hook', '--uninstall'], repo.root).code).toBe(0);
    expect(existsSync(hookOf(repo))).toBe(false);
  });

  it('writes to core.hooksPath, from a subdirectory too', () => {
    const repo = newRepo();
    repo.git('config', 'core.hooksPath', '.githooks');
    mkdirSync(join(repo.root, 'src/deep'), { recursive: true });
    expect(cli(['install-hook'], join(repo.root, 'src/deep')).code).toBe(0);
    expect(readFileSync(join(repo.root, '.githooks/pre-commit'), 'utf8')).toContain('keyless-hook');
    expect(existsSync(hookOf(repo))).toBe(false);
  });

  it('works from a linked worktree (hooks are shared with the main work tree)', () => {
    const repo = newRepo();
    const worktree = join(mkdtempSync(join(tmpdir(), 'keyless-wt-')), 'wt');
    cleanup.push(dirname(worktree));
    repo.git('worktree', 'add', '-q', '-b', 'wt', worktree);
    expect(cli(['install-hook', worktree], repo.root).code).toBe(0);
    expect(existsSync(hookOf(repo))).toBe(true);

    writeFileSync(join(worktree, 'leak.env'), `GH_TOKEN=${githubToken()}\n`);
    repo.git('-C', worktree, 'add', 'leak.env');
    expect(gitCommit(worktree, 'leak').code).not.toBe(0);
  });

  it('falls back to keyless on PATH, and blocks the commit when there is none', () => {
    const repo = newRepo();
    expect(cli(['install-hook'], repo.root).code).toBe(0);
    const hook = hookOf(repo);
    // As if the keyless it was installed from had been removed.
    writeFileSync(
      hook,
      readFileSync(hook, 'utf8').replace(/^keyless=.*$/m, "keyless='/nonexistent/keyless.js'"),
    );
    repo.write({ 'leak.env': `GH_TOKEN=${githubToken()}\n` });
    repo.git('add', '-A');
    const gitDir = dirname(spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim());
    const none = gitCommit(repo.root, 'leak', `${gitDir}:/usr/bin:/bin`);
    expect(none.code).not.toBe(0);
    expect(none.output).toContain('neither at /nonexistent/keyless.js nor on PATH');

    const bin = mkdtempSync(join(tmpdir(), 'keyless-bin-'));
    cleanup.push(bin);
    writeFileSync(join(bin, 'keyless'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(join(bin, 'keyless'), 0o755);
    const onPath = gitCommit(repo.root, 'leak', `${bin}:${gitDir}:/usr/bin:/bin`);
    expect(onPath.code).not.toBe(0);
    expect(onPath.output).toContain('github-pat-classic');
  });

  it('fails with exit 2 outside a repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-norepo-'));
    cleanup.push(dir);
    const result = runCli(['install-hook'], {
      cwd: dir,
      cli: CLI,
      env: { GIT_CEILING_DIRECTORIES: tmpdir() },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a git repository');
  });
});

describe('.pre-commit-hooks.yaml', () => {
  it('offers a keyless hook whose entry the CLI runs on staged changes', () => {
    const hooks = parse(readFileSync('.pre-commit-hooks.yaml', 'utf8')) as Record<string, unknown>[];
    const hook = hooks.find((h) => h['id'] === 'keyless');
    expect(hook).toMatchObject({
      entry: 'keyless scan git --staged',
      language: 'node',
      pass_filenames: false,
      always_run: true,
      stages: ['pre-commit'],
    });
    const repo = newRepo();
    const args = String(hook?.['entry']).split(' ').slice(1);
    expect(cli(args, repo.root).code).toBe(0);
    repo.write({ 'leak.env': `GH_TOKEN=${githubToken()}\n` });
    repo.git('add', '-A');
    expect(cli(args, repo.root).code).toBe(1);
  });
});
