import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GitError } from '../../../../scanners/sources/git/exec.js';
import { scanRange } from '../../../../scanners/sources/git/range.js';
import { git, GitRepo } from '../../../helpers/git-repo.js';
import { githubToken, gitOptions, summary } from './git-fixtures.js';

// A full repository, a bare "remote" made from it, and shallow clones of that remote over file://.
let source: GitRepo;
let remoteUrl: string;
let work: string;
const commits: string[] = [];
let tokens: string[];

beforeAll(() => {
  source = GitRepo.create();
  tokens = [githubToken(), githubToken()];
  commits.push(source.commit('c1', { 'README.md': '# app\n' }));
  commits.push(source.commit('c2', { 'app.ts': 'export const a = 1;\n' }));
  commits.push(
    source.commit('c3 adds a token', { 'app.ts': `export const a = 1;\nconst t = '${tokens[0]}';\n` }),
  );
  commits.push(source.commit('c4', { 'docs.md': 'words\n' }));
  commits.push(source.commit('c5 adds a token', { 'keys.env': `GH_TOKEN=${tokens[1]}\n` }));
  commits.push(source.commit('c6', { 'docs.md': 'more words\n' }));
  work = mkdtempSync(join(tmpdir(), 'keyless-shallow-'));
  git(work, ['clone', '-q', '--bare', source.root, 'remote.git']);
  remoteUrl = `file://${join(work, 'remote.git')}`;
});
afterAll(() => {
  source.remove();
  rmSync(work, { recursive: true, force: true });
});

let cloneCount = 0;
function shallowClone(depth: number): string {
  const dir = join(work, `clone-${++cloneCount}`);
  git(work, ['clone', '-q', `--depth=${depth}`, remoteUrl, dir]);
  expect(git(dir, ['rev-parse', '--is-shallow-repository'])).toBe('true');
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<GitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitError);
  return error as GitError;
}

describe('scanRange on a shallow clone', () => {
  it('finds the same secrets as in the full repository (the reference)', async () => {
    const full = await scanRange({ ...gitOptions(source.root), range: `${commits[1]}..HEAD` });
    expect(summary(full.findings)).toEqual([
      { secret: tokens[0], path: 'app.ts', line: 2, commit: commits[2], presentAtHead: true },
      { secret: tokens[1], path: 'keys.env', line: 1, commit: commits[4], presentAtHead: true },
    ]);
  });

  it('fails closed when BASE was not fetched, and --deepen fetches it and the history', async () => {
    const clone = shallowClone(1);
    const range = `${commits[1]}..HEAD`;
    const error = await failure(scanRange({ ...gitOptions(clone), range }));
    expect(error.kind).toBe('missing-commit');
    expect(error.message).toContain(`BASE ${commits[1]}: not a commit in this clone (a shallow clone)`);
    expect(error.message).toContain(`git fetch origin ${commits[1]}`);
    expect(error.message).toMatch(/fetch-depth: 0.*--deepen/);

    const deepened = await scanRange({ ...gitOptions(clone), range, deepen: true });
    expect(summary(deepened.findings)).toEqual([
      { secret: tokens[0], path: 'app.ts', line: 2, commit: commits[2], presentAtHead: true },
      { secret: tokens[1], path: 'keys.env', line: 1, commit: commits[4], presentAtHead: true },
    ]);
    expect(deepened.commits).toBe(4);
    expect(deepened.warnings).toContain(`fetched ${commits[1]} from origin`);
    expect(deepened.warnings.some((w) => /^fetched 50 more commits of history from origin$/.test(w))).toBe(
      true,
    );
  });

  it('fails closed when the merge base is at the shallow boundary', async () => {
    const clone = shallowClone(2);
    const error = await failure(scanRange({ ...gitOptions(clone), range: 'HEAD~1..HEAD' }));
    expect(error.kind).toBe('shallow');
    expect(error.message).toMatch(/merge base [0-9a-f]{12} is at the clone's shallow boundary/);
    expect(error.message).toMatch(/git fetch --unshallow.*fetch-depth: 0.*--deepen/);

    const deepened = await scanRange({ ...gitOptions(clone), range: 'HEAD~1..HEAD', deepen: true });
    expect(deepened.findings).toEqual([]);
    expect(deepened.commits).toBe(1);
  });

  it('fails closed when a commit of the range has no parents in the clone', async () => {
    const clone = shallowClone(1);
    // BASE fetched on its own, one commit deep: both ends are present, the history between is not.
    git(clone, ['fetch', '-q', '--depth=1', 'origin', commits[2] ?? '']);
    const range = `${commits[2]}..HEAD`;
    const error = await failure(scanRange({ ...gitOptions(clone), range }));
    expect(error.kind).toBe('shallow');
    expect(error.message).toContain(
      `commit ${commits[5]?.slice(0, 12)} of the range is at the clone's shallow boundary`,
    );

    const deepened = await scanRange({ ...gitOptions(clone), range, deepen: true });
    expect(summary(deepened.findings)).toEqual([
      { secret: tokens[1], path: 'keys.env', line: 1, commit: commits[4], presentAtHead: true },
    ]);
    expect(deepened.commits).toBe(3);
  });

  it('still fails closed with --deepen when there is no remote to fetch from', async () => {
    const clone = shallowClone(2);
    git(clone, ['remote', 'remove', 'origin']);
    const error = await failure(scanRange({ ...gitOptions(clone), range: 'HEAD~1..HEAD', deepen: true }));
    expect(error.kind).toBe('shallow');
    expect(error.message).toContain('no remote for --deepen to fetch from');
  });

  it('passes an empty range on a shallow clone', async () => {
    const clone = shallowClone(1);
    const result = await scanRange({ ...gitOptions(clone), range: 'HEAD..HEAD' });
    expect(result.commits).toBe(0);
    expect(result.findings).toEqual([]);
  });
});
