import { afterAll, describe, expect, it } from '@jest/globals';

import { scanStaged } from '../../../../scanners/sources/git/staged.js';
import { GitRepo } from '../../../helpers/git-repo.js';
import { githubToken, gitOptions, summary } from './git-fixtures.js';

const repos: GitRepo[] = [];
function newRepo(): GitRepo {
  const repo = GitRepo.create();
  repos.push(repo);
  return repo;
}
afterAll(() => repos.forEach((repo) => repo.remove()));

describe('scanStaged', () => {
  it('reports a secret in a newly staged file at its line in the staged version', async () => {
    const repo = newRepo();
    repo.commit('init', { 'README.md': '# r\n' });
    const token = githubToken();
    repo.write({ 'src/gh.ts': `// client\n\nexport const gh = '${token}';\n` });
    repo.git('add', 'src/gh.ts');

    const result = await scanStaged(gitOptions(repo.root));
    expect(summary(result.findings)).toEqual([{ secret: token, path: 'src/gh.ts', line: 3 }]);
    expect(result.findings[0]?.location.blob).toBe(repo.git('rev-parse', ':src/gh.ts'));
    expect(result.commits).toBe(0);
    expect(result.files).toBe(1);
  });

  it('does not re-report a secret already committed in a modified file, only the one added', async () => {
    const repo = newRepo();
    const old = githubToken();
    const fresh = githubToken();
    repo.commit('init', { 'config.ts': `export const a = 1;\nexport const t = '${old}';\n` });
    repo.write({ 'config.ts': `export const a = 2;\nexport const t = '${old}'; // edited\n` });
    repo.git('add', 'config.ts');
    expect((await scanStaged(gitOptions(repo.root))).findings).toEqual([]);

    repo.write({
      'config.ts': `export const a = 2;\nexport const u = '${fresh}';\nexport const t = '${old}';\n`,
    });
    repo.git('add', 'config.ts');
    const result = await scanStaged(gitOptions(repo.root));
    expect(summary(result.findings)).toEqual([{ secret: fresh, path: 'config.ts', line: 2 }]);
  });

  it('treats everything staged as new when there is no commit yet', async () => {
    const repo = newRepo();
    const [a, b] = [githubToken(), githubToken()];
    repo.write({ 'a.env': `GH=${a}\n`, 'dir/b.ts': `\nconst b = '${b}';\n`, 'clean.txt': 'hello\n' });
    repo.git('add', '-A');
    const result = await scanStaged(gitOptions(repo.root));
    expect(summary(result.findings)).toEqual([
      { secret: a, path: 'a.env', line: 1 },
      { secret: b, path: 'dir/b.ts', line: 2 },
    ]);
    expect(result.files).toBe(3);
  });

  it('reads the index, not the work tree', async () => {
    const repo = newRepo();
    repo.commit('init', { 'app.ts': 'export const a = 1;\n' });
    const unstaged = githubToken();
    const staged = githubToken();
    // A secret only in the work tree is not part of the commit.
    repo.write({
      'app.ts': `export const a = 1;\nexport const t = '${unstaged}';\n`,
      'untracked.ts': `'${unstaged}'\n`,
    });
    expect((await scanStaged(gitOptions(repo.root))).findings).toEqual([]);

    // A staged secret removed from the work tree afterwards is still what would be committed.
    repo.write({ 'app.ts': `export const a = 1;\nexport const s = '${staged}';\n` });
    repo.git('add', 'app.ts');
    repo.write({ 'app.ts': 'export const a = 1;\n' });
    const result = await scanStaged(gitOptions(repo.root));
    expect(summary(result.findings)).toEqual([{ secret: staged, path: 'app.ts', line: 2 }]);
  });

  it('ignores deleted files and follows staged renames', async () => {
    const repo = newRepo();
    const old = githubToken();
    const lines = ['a', 'b', 'c', 'd', 'e'].map((l) => `const ${l} = '${l}';`).join('\n');
    repo.commit('init', {
      'gone.env': `GH=${githubToken()}\n`,
      'src/old.ts': `${lines}\nconst t = '${old}';\n`,
    });
    repo.git('rm', '-q', 'gone.env');
    repo.move('src/old.ts', 'lib/new.ts');
    expect((await scanStaged(gitOptions(repo.root))).findings).toEqual([]);

    const fresh = githubToken();
    repo.write({ 'lib/new.ts': `${lines}\nconst t = '${old}';\nconst u = '${fresh}';\n` });
    repo.git('add', 'lib/new.ts');
    const result = await scanStaged(gitOptions(repo.root));
    expect(summary(result.findings)).toEqual([{ secret: fresh, path: 'lib/new.ts', line: 7 }]);
  });

  it('respects skipped paths and reports nothing when nothing is staged', async () => {
    const repo = newRepo();
    repo.commit('init', { 'README.md': '# r\n' });
    expect((await scanStaged(gitOptions(repo.root))).findings).toEqual([]);
    const token = githubToken();
    repo.write({ 'fixtures/fake.env': `GH=${token}\n`, 'real.env': `GH=${token}\n` });
    repo.git('add', '-A');
    const result = await scanStaged(
      gitOptions(repo.root, { skipPath: (rel) => rel.startsWith('fixtures/') }),
    );
    expect(summary(result.findings)).toEqual([{ secret: token, path: 'real.env', line: 1 }]);
  });
});
