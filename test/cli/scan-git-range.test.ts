import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { git, GitRepo } from '../helpers/git-repo.js';
import { BUILT_CLI, runCli } from '../helpers/run-cli.js';
import { githubToken } from '../scanners/sources/git/git-fixtures.js';

// KEYLESS_TEST_CLI runs these against another build of the CLI (one compiled outside build/).
const CLI = process.env['KEYLESS_TEST_CLI'] ?? BUILT_CLI;
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('keyless scan git --range', () => {
  it('exits 1 on a secret the range adds, 0 on an empty range, 2 with the fix on an unknown base', () => {
    const repo = GitRepo.create();
    cleanup.push(repo.root);
    const token = githubToken();
    const base = repo.commit('init', { 'README.md': '# r\n' });
    const leak = repo.commit('leak', { 'ci/deploy.sh': `export GH_TOKEN=${token}\n` });

    const found = runCli(['scan', 'git', '--range', `${base}..HEAD`, '--format', 'json'], {
      cwd: repo.root,
      cli: CLI,
    });
    expect(found.code).toBe(1);
    expect(found.stdout + found.stderr).not.toContain(token);
    const report = JSON.parse(found.stdout) as {
      findings: { location: { path: string; startLine: number; commit?: { sha: string } } }[];
    };
    expect(
      report.findings.map((f) => [f.location.path, f.location.startLine, f.location.commit?.sha]),
    ).toEqual([['ci/deploy.sh', 1, leak]]);

    const empty = runCli(['scan', 'git', '--range', 'HEAD..HEAD'], { cwd: repo.root, cli: CLI });
    expect(empty.code).toBe(0);
    expect(empty.stderr).not.toMatch(/warning/);

    const unknown = runCli(['scan', 'git', '--range', 'origin/main..HEAD'], { cwd: repo.root, cli: CLI });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/BASE origin\/main: not a commit in this clone.*fetch-depth: 0.*--deepen/);
  });

  it('fails closed on a shallow clone and succeeds with --deepen, saying what it fetched', () => {
    const source = GitRepo.create();
    cleanup.push(source.root);
    const base = source.commit('one', { 'a.txt': 'one\n' });
    source.commit('two', { 'b.env': `GH_TOKEN=${githubToken()}\n` });
    source.commit('three', { 'c.txt': 'three\n' });
    const work = mkdtempSync(join(tmpdir(), 'keyless-cli-shallow-'));
    cleanup.push(work);
    git(work, ['clone', '-q', '--bare', source.root, 'remote.git']);
    git(work, ['clone', '-q', '--depth=1', `file://${join(work, 'remote.git')}`, 'clone']);
    const clone = join(work, 'clone');

    const shallow = runCli(['scan', 'git', '--range', `${base}..HEAD`], { cwd: clone, cli: CLI });
    expect(shallow.code).toBe(2);
    expect(shallow.stderr).toContain('(a shallow clone)');

    const deepened = runCli(['scan', 'git', '--range', `${base}..HEAD`, '--deepen'], {
      cwd: clone,
      cli: CLI,
    });
    expect(deepened.code).toBe(1);
    expect(deepened.stdout).toContain('b.env:1');
    expect(deepened.stderr).toContain(`fetched ${base} from origin`);
  });
});
