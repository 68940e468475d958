import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';

import { GitError } from '../../../../scanners/sources/git/exec.js';
import { parseRangeSpec, scanRange } from '../../../../scanners/sources/git/range.js';
import { GitRepo } from '../../../helpers/git-repo.js';
import { githubToken, gitOptions, summary } from './git-fixtures.js';

const repos: GitRepo[] = [];
function newRepo(): GitRepo {
  const repo = GitRepo.create();
  repos.push(repo);
  return repo;
}
afterAll(() => repos.forEach((repo) => repo.remove()));

const scan = (repo: GitRepo, range: string) => scanRange({ ...gitOptions(repo.root), range });

describe('parseRangeSpec', () => {
  it('accepts two and three dots, and BASE.. as up to HEAD', () => {
    expect(parseRangeSpec('main..feature')).toEqual({ base: 'main', head: 'feature' });
    expect(parseRangeSpec('origin/main...HEAD')).toEqual({ base: 'origin/main', head: 'HEAD' });
    expect(parseRangeSpec('abc123..')).toEqual({ base: 'abc123', head: 'HEAD' });
  });

  it('rejects what is not a range', () => {
    for (const bad of ['main', '..HEAD', '', 'a..b..c', '--all..HEAD']) {
      expect(() => parseRangeSpec(bad)).toThrow(/BASE\.\.HEAD/);
    }
  });
});

describe('scanRange: merges', () => {
  it('reports a secret added on a side branch once, credited to its commit, at its line in HEAD', async () => {
    const repo = newRepo();
    const token = githubToken();
    const base = repo.commit('init', { 'app.ts': 'export const a = 1;\n' });
    repo.checkout('side', true);
    const added = repo.commit('add token', { 'config/gh.ts': `// gh\nexport const gh = '${token}';\n` });
    repo.commit('touch', { 'config/gh.ts': `// github\n\nexport const gh = '${token}';\n` });
    repo.checkout('main');
    repo.commit('main work', { 'app.ts': 'export const a = 2;\n' });
    repo.merge('side');

    for (const range of [`${base}..HEAD`, `${base}...main`, `${base}..`]) {
      const result = await scan(repo, range);
      expect(summary(result.findings)).toEqual([
        { secret: token, path: 'config/gh.ts', line: 3, commit: added, presentAtHead: true },
      ]);
      expect(result.commits).toBe(4);
      expect(result.range).toEqual({ base, head: repo.head(), mergeBase: base });
      const location = result.findings[0]?.location;
      expect(location?.blob).toBe(repo.rev('HEAD:config/gh.ts'));
      expect(location?.commit).toMatchObject({
        author: 'Test Author',
        email: 'author@test.invalid',
        message: 'add token',
      });
      expect(location?.commit?.date).toMatch(/^2024-01-01T00:02:00(Z|\+00:00)$/);
    }
  });

  it("does not report the base branch's secrets when the base is merged into the branch", async () => {
    const repo = newRepo();
    const onMain = githubToken();
    const shared = githubToken();
    repo.commit('init', { 'app.ts': 'one\ntwo\nthree\nfour\nfive\n', 'README.md': '# r\n' });
    repo.checkout('feature', true);
    repo.commit('feature work', { 'app.ts': 'one\ntwo\nthree\nfour\nfive\nsix\n' });
    repo.checkout('main');
    // Both on a file only main touched and on a file both sides touched (merged without conflict).
    repo.commit('main secrets', {
      'deploy.env': `GH=${onMain}\n`,
      'app.ts': `zero ${shared}\none\ntwo\nthree\nfour\nfive\n`,
    });
    repo.checkout('feature');
    repo.merge('main');
    repo.commit('more feature', { 'feature.ts': 'export {};\n' });

    const result = await scan(repo, 'main..feature');
    expect(result.findings).toEqual([]);
    expect(result.commits).toBe(3);
    expect(result.warnings).toEqual([]);
  });

  it('reports a secret written into a merge resolution', async () => {
    const repo = newRepo();
    const token = githubToken();
    const base = repo.commit('init', { 'settings.ini': '[a]\nkey = 1\n' });
    repo.checkout('side', true);
    repo.commit('side change', { 'settings.ini': '[a]\nkey = 2\n' });
    repo.checkout('main');
    repo.commit('main change', { 'settings.ini': '[a]\nkey = 3\n' });
    repo.startMerge('side');
    const merge = repo.commit('resolve', { 'settings.ini': `[a]\nkey = 4\ntoken = ${token}\n` });

    const result = await scan(repo, `${base}..main`);
    expect(summary(result.findings)).toEqual([
      { secret: token, path: 'settings.ini', line: 3, commit: merge, presentAtHead: true },
    ]);
  });
});

describe('scanRange: renames and edits', () => {
  it('does not report a secret that was renamed, moved or kept on an edited line', async () => {
    const repo = newRepo();
    const old = githubToken();
    const other = githubToken();
    const base = repo.commit('init', {
      'src/config.ts': `const a = 1;\nconst b = 2;\nconst c = 3;\nexport const t = '${old}';\n`,
      'src/keep.ts': `export const k = '${other}'; // v1\n`,
      'src/moved-from.ts': `export const m = '${other}';\n`,
    });
    repo.move('src/config.ts', 'lib/settings.ts');
    repo.commit('rename and edit', {
      'lib/settings.ts': `const a = 1;\nconst b = 2;\nconst c = 3;\nexport const t = '${old}';\n// more\n`,
      'src/keep.ts': `export const k = '${other}'; // v2\n`,
      // A whole file rewritten elsewhere: too different for rename detection, still the same secret.
      'src/moved-from.ts': null,
      'elsewhere/new.ts': `// moved here\nexport const moved = '${other}';\n`,
    });
    const result = await scan(repo, `${base}..HEAD`);
    expect(result.findings).toEqual([]);
    expect(result.commits).toBe(1);
  });

  it('reports a secret added in a renamed file at its new path and line', async () => {
    const repo = newRepo();
    const old = githubToken();
    const fresh = githubToken();
    const lines = ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `const ${l} = '${l}';`).join('\n');
    const base = repo.commit('init', { 'old/name.ts': `${lines}\nexport const t = '${old}';\n` });
    repo.move('old/name.ts', 'new/name.ts');
    const commit = repo.commit('rename and add', {
      'new/name.ts': `${lines}\nexport const t = '${old}';\nexport const u = '${fresh}';\n`,
    });
    // A later rename: the secret is reported where HEAD has it.
    repo.move('new/name.ts', 'final/name.ts');
    repo.commit('rename again');

    const result = await scan(repo, `${base}..HEAD`);
    expect(summary(result.findings)).toEqual([
      { secret: fresh, path: 'final/name.ts', line: 8, commit, presentAtHead: true },
    ]);
  });
});

describe('scanRange: removed within the range', () => {
  it('reports a secret added and removed again in the commit that added it, as not present at HEAD', async () => {
    const repo = newRepo();
    const token = githubToken();
    const base = repo.commit('init', { 'app.ts': 'export const a = 1;\n' });
    const added = repo.commit('oops', { 'app.ts': `export const a = 1;\nexport const gh = '${token}';\n` });
    const blob = repo.rev('HEAD:app.ts');
    repo.commit('remove it', { 'app.ts': 'export const a = 1;\n' });
    repo.commit('other', { 'other.ts': 'export {};\n' });

    const result = await scan(repo, `${base}..HEAD`);
    expect(summary(result.findings)).toEqual([
      { secret: token, path: 'app.ts', line: 2, commit: added, presentAtHead: false },
    ]);
    expect(result.findings[0]?.location.blob).toBe(blob);
  });

  it('reports a secret in a file deleted later, and one moved to a path that is then deleted', async () => {
    const repo = newRepo();
    const token = githubToken();
    const base = repo.commit('init', { 'a.txt': 'hello\n' });
    const added = repo.commit('add', { 'keys/.env': `GITHUB_TOKEN=${token}\n` });
    repo.commit('delete', { 'keys/.env': null });
    const result = await scan(repo, `${base}..HEAD`);
    expect(summary(result.findings)).toEqual([
      { secret: token, path: 'keys/.env', line: 1, commit: added, presentAtHead: false },
    ]);
  });
});

describe('scanRange: empty ranges', () => {
  it('passes with zero commits when base == head or head is already in base', async () => {
    const repo = newRepo();
    repo.commit('one', { 'a.ts': `export const t = '${githubToken()}';\n` });
    repo.commit('two', { 'b.ts': `export const t = '${githubToken()}';\n` });
    const head = repo.head();
    for (const range of [`${head}..${head}`, 'HEAD..HEAD', `HEAD...HEAD~1`, 'HEAD..HEAD~1']) {
      const result = await scan(repo, range);
      expect(result.findings).toEqual([]);
      expect(result.commits).toBe(0);
      expect(result.warnings).toEqual([]);
      expect(result.skipped).toEqual([]);
    }
  });
});

describe('scanRange: missing history', () => {
  it('fails closed with the fix when BASE or HEAD is not in the clone', async () => {
    const repo = newRepo();
    repo.commit('one', { 'a.ts': 'export {};\n' });
    const unknown = randomBytes(20).toString('hex');
    for (const range of [`${unknown}..HEAD`, 'HEAD..no-such-branch']) {
      const error = await scan(repo, range).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      expect((error as GitError).kind).toBe('missing-commit');
      expect((error as GitError).message).toMatch(/not a commit in this clone/);
      expect((error as GitError).message).toMatch(/git fetch origin/);
      expect((error as GitError).message).toMatch(/fetch-depth: 0/);
      expect((error as GitError).message).toMatch(/--deepen/);
    }
  });

  it('reports a missing commit even when the other end is fine, naming which', async () => {
    const repo = newRepo();
    repo.commit('one', { 'a.ts': 'export {};\n' });
    const error = (await scan(repo, 'nope..HEAD').catch((e: unknown) => e)) as GitError;
    expect(error.message).toMatch(/^BASE nope:/);
  });
});
