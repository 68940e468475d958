import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { IgnoreRules, rebasePatterns } from '../../../scanners/sources/gitignore.js';
import { collect, filesOf, removeDir, tempDir, writeTree } from './helpers.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

/** What git itself considers part of the work tree (untracked, not ignored). */
function gitVisible(cwd: string): string[] {
  return git(cwd, 'ls-files', '--others', '--cached', '--exclude-standard', '-z')
    .split('\0')
    .filter(Boolean)
    .sort();
}

const TREE: Record<string, string> = {
  '.gitignore': '# root rules\n*.log\nbuild/\n!keep.log\n/only-top.txt\ncache\n',
  'keep.log': 'k',
  'app.log': 'a',
  'only-top.txt': 't',
  'src/only-top.txt': 's',
  'src/main.ts': 'm',
  'build/out.js': 'o',
  'cache/x.txt': 'c',
  'src/cache': 'a file named cache',
  'sub/.gitignore': '!debug.log\n/local.txt\nnested/*.tmp\n',
  'sub/debug.log': 'd',
  'sub/other.log': 'o',
  'sub/local.txt': 'l',
  'sub/deeper/local.txt': 'l',
  'sub/nested/a.tmp': 'a',
  'sub/nested/deep/b.tmp': 'b',
  'packages/foo/.gitignore': '!build/\n',
  'packages/foo/build/kept.js': 'k',
  'packages/bar/build/dropped.js': 'd',
  'notes/secret-notes.txt': 'n',
  'weird [name]/*star.txt': 'w',
};

describe('gitignore patterns', () => {
  it('anchors patterns with an inner slash to their directory and lets others match at any depth', () => {
    expect(rebasePatterns('sub', '/a.txt\nb/c\nd\n!e/\n# comment\n\nf/  \n')).toEqual([
      'sub/a.txt',
      'sub/b/c',
      'sub/**/d',
      '!sub/**/e/',
      'sub/**/f/',
    ]);
    expect(rebasePatterns('we*rd', 'x')).toEqual(['we\\*rd/**/x']);
    expect(rebasePatterns('', '/a\nb\n')).toEqual(['/a', 'b']);
  });

  it('lets a deeper file re-include what a shallower one excludes', () => {
    const rules = new IgnoreRules().extend('', 'build/\n').extend('pkg', '!build/\n');
    expect(rules.ignores('build', true)).toBe(true);
    expect(rules.ignores('pkg/build', true)).toBe(false);
    expect(rules.ignores('pkg/build/x.js', false)).toBe(false);
  });
});

describe('walk with .gitignore', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(async () => {
    await removeDir(root);
  });

  it('sees exactly what git sees in a work tree (nested files, negation, info/exclude)', async () => {
    git(root, 'init', '-q');
    await writeTree(root, TREE);
    await writeFile(join(root, '.git', 'info', 'exclude'), 'notes/\n');
    const expected = gitVisible(root);
    // Sanity: the tree exercises every kind of rule.
    expect(expected).toEqual(
      expect.arrayContaining([
        'keep.log',
        'sub/debug.log',
        'sub/deeper/local.txt',
        'packages/foo/build/kept.js',
      ]),
    );
    expect(expected).not.toContain('notes/secret-notes.txt');
    const walked = filesOf(await collect({ root, respectGitignore: true }));
    expect(walked).toEqual(expected);
  });

  it('applies the .gitignore files of ancestors when the root is a subdirectory of a work tree', async () => {
    git(root, 'init', '-q');
    await writeTree(root, TREE);
    const sub = join(root, 'sub');
    const expected = gitVisible(sub);
    const walked = filesOf(await collect({ root: sub, respectGitignore: true }));
    expect(walked).toEqual(expected);
    expect(walked).not.toContain('other.log');
  });

  it('scans a directory its repository ignores when asked to, still applying the .gitignore files inside', async () => {
    git(root, 'init', '-q');
    await writeTree(root, {
      '.gitignore': 'vendor/\n*.tmp\n',
      'vendor/lib/a.js': 'a',
      'vendor/lib/b.tmp': 'b',
      'vendor/lib/.gitignore': 'drop.js\n',
      'vendor/lib/drop.js': 'd',
    });
    const walked = filesOf(await collect({ root: join(root, 'vendor'), respectGitignore: true }));
    expect(walked).toEqual(['lib/.gitignore', 'lib/a.js', 'lib/b.tmp']);
  });

  it('reads info/exclude through the .git file of a linked worktree', async () => {
    const repo = join(root, 'repo');
    await mkdir(repo);
    git(repo, 'init', '-q');
    git(
      repo,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t.invalid',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'init',
    );
    git(repo, 'worktree', 'add', '-q', join(root, 'wt'));
    await writeFile(join(repo, '.git', 'info', 'exclude'), 'local-only.txt\n');
    await writeTree(join(root, 'wt'), { 'local-only.txt': 'l', 'shared.txt': 's' });
    const expected = gitVisible(join(root, 'wt'));
    expect(expected).toEqual(['shared.txt']);
    expect(filesOf(await collect({ root: join(root, 'wt'), respectGitignore: true }))).toEqual(expected);
  });

  it('ignores nothing in a plain directory, or when disabled', async () => {
    await writeTree(root, TREE);
    const all = Object.keys(TREE).sort();
    expect(filesOf(await collect({ root, respectGitignore: true }))).toEqual(all);
    git(root, 'init', '-q');
    expect(filesOf(await collect({ root, respectGitignore: false }))).toEqual(all);
  });

  it('never enters .git, whether a directory or a file, and with or without ignore rules', async () => {
    git(root, 'init', '-q');
    await writeTree(root, { 'a.txt': 'a', 'mod/.git': 'gitdir: ../.git/modules/mod\n', 'mod/b.txt': 'b' });
    for (const respectGitignore of [true, false]) {
      const walked = filesOf(await collect({ root, respectGitignore }));
      expect(walked).toEqual(['a.txt', 'mod/b.txt']);
    }
  });

  it('treats a nested repository as its own work tree with its own rules', async () => {
    await writeTree(root, { 'outer.log': 'o', 'inner/keep.txt': 'k', 'inner/.gitignore': '*.log\n' });
    await writeTree(root, { 'inner/drop.log': 'd' });
    git(join(root, 'inner'), 'init', '-q');
    await mkdir(join(root, 'inner', 'sub'));
    await writeFile(join(root, 'inner', 'sub', 'x.log'), 'x');
    const walked = filesOf(await collect({ root, respectGitignore: true }));
    expect(walked).toEqual(['inner/.gitignore', 'inner/keep.txt', 'outer.log']);
  });

  it('prunes directories the skip predicate matches without asking about their contents', async () => {
    await writeTree(root, { 'vendor/lib/a.js': 'a', 'src/b.js': 'b', 'src/c.min.js': 'c' });
    const asked: string[] = [];
    const skipPath = (rel: string): boolean => {
      asked.push(rel);
      return rel === 'vendor' || rel.endsWith('.min.js');
    };
    const walked = filesOf(await collect({ root, respectGitignore: false, skipPath }));
    expect(walked).toEqual(['src/b.js']);
    expect(asked.some((rel) => rel.startsWith('vendor/'))).toBe(false);
  });
});
