import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { GitError } from '../../../../scanners/sources/git/exec.js';
import { scanHistory } from '../../../../scanners/sources/git/history.js';
import type { GitScanOptions } from '../../../../scanners/sources/git/types.js';
import { CleanCache } from '../../../../scanners/sources/scan-cache.js';
import { GitRepo, git } from '../../../helpers/git-repo.js';
import { EMPTY_CONFIG, TEST_RULE, token } from '../helpers.js';

function options(path: string, extra: Partial<GitScanOptions> = {}): GitScanOptions {
  return { path, config: EMPTY_CONFIG, maxFileSize: 4096, rules: [TEST_RULE], workers: 0, ...extra };
}

describe('scanHistory', () => {
  const deleted = token();
  const kept = token();
  const copied = token();
  const branchOnly = token();
  const tagOnly = token();
  let repo: GitRepo;
  const shas: Record<string, string> = {};

  beforeAll(() => {
    repo = GitRepo.create();
    shas['base'] = repo.commit('base', { 'README.md': 'hello\n', 'src/app.js': 'const a = 1;\n' });
    shas['leak'] = repo.commit('add config', { 'config/.env': `A=1\nTOKEN=${deleted}\n` });
    shas['gone'] = repo.commit('remove config', { 'config/.env': null });
    shas['kept'] = repo.commit('settings', { 'settings.ini': `[x]\nkey = ${kept}\n` });
    // Later versions of the file still hold the secret: the same leak, introduced once.
    repo.commit('edit settings', { 'settings.ini': `[x]\nkey = ${kept}\nother = 2\n` });
    shas['copy'] = repo.commit('copy', {
      'docs/setup.md': `Use ${copied}\n`,
      'scripts/setup.sh': `X=${copied}\n`,
    });
    repo.commit('binary and large', {
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
      'big.txt': `${'line of text\n'.repeat(400)}${token()}\n`,
    });
    repo.checkout('feature', true);
    shas['branch'] = repo.commit('feature work', { 'feature.txt': `f=${branchOnly}\n` });
    repo.checkout('main');
    repo.checkout('release', true);
    shas['tagged'] = repo.commit('release only', { 'release.txt': `r=${tagOnly}\n` });
    repo.git('tag', '-a', 'v1', '-m', 'v1');
    repo.checkout('main');
    // The branch is gone; the tag still reaches its commit.
    repo.git('branch', '-D', 'release');
  });

  afterAll(() => repo.remove());

  it('finds a secret deleted in a later commit, with the commit that added it', async () => {
    const result = await scanHistory(options(repo.root));
    const finding = result.findings.find((f) => f.secret === deleted);
    expect(finding?.location).toMatchObject({
      path: 'config/.env',
      startLine: 2,
      presentAtHead: false,
      commit: {
        sha: shas['leak'],
        author: 'Test Author',
        email: 'author@test.invalid',
        message: 'add config',
      },
    });
    expect(finding?.location.commit?.date).toMatch(/^2024-01-01T00:0\d:00Z$|^2024-01-01T00:0\d:00\+00:00$/);
  });

  it('reports a secret kept across versions once, at the commit that introduced it', async () => {
    const result = await scanHistory(options(repo.root));
    const found = result.findings.filter((f) => f.secret === kept);
    expect(found).toHaveLength(1);
    expect(found[0]?.location).toMatchObject({
      path: 'settings.ini',
      presentAtHead: true,
      commit: { sha: shas['kept'] },
    });
  });

  it('reports one finding per path a secret lives at', async () => {
    const result = await scanHistory(options(repo.root));
    const paths = result.findings.filter((f) => f.secret === copied).map((f) => f.location.path);
    expect(paths.sort()).toEqual(['docs/setup.md', 'scripts/setup.sh']);
  });

  it('covers every ref: unmerged branches and tags', async () => {
    const result = await scanHistory(options(repo.root));
    const branch = result.findings.find((f) => f.secret === branchOnly);
    const tagged = result.findings.find((f) => f.secret === tagOnly);
    expect(branch?.location).toMatchObject({
      path: 'feature.txt',
      presentAtHead: false,
      commit: { sha: shas['branch'] },
    });
    expect(tagged?.location.commit?.sha).toBe(shas['tagged']);
    expect(result.commits).toBe(Number(repo.git('rev-list', '--all', '--count')));
  });

  it('scans each distinct blob once and reports binary and oversized blobs as skipped', async () => {
    const result = await scanHistory(options(repo.root));
    const blobs = new Set(
      repo
        .git('rev-list', '--objects', '--all')
        .split('\n')
        .map((line) => line.split(' ')[0] ?? '')
        .filter((oid) => repo.git('cat-file', '-t', oid) === 'blob'),
    );
    expect(result.files + result.skipped.length).toBe(blobs.size);
    expect(result.skipped.map((s) => `${s.path}:${s.reason}`).sort()).toEqual([
      'big.txt:too-large',
      'logo.png:binary',
    ]);
  });

  it('applies skipped paths to every path a secret lives at', async () => {
    const result = await scanHistory(options(repo.root, { skipPath: (rel) => rel.startsWith('docs/') }));
    expect(result.findings.filter((f) => f.secret === copied).map((f) => f.location.path)).toEqual([
      'scripts/setup.sh',
    ]);
  });

  it('with a cache, rescans only blobs not known clean and finds the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-cache-'));
    try {
      const first = await CleanCache.open(dir, 'git-blobs', 'k1');
      const cold = await scanHistory(options(repo.root, { cache: first }));
      await first.save();
      const second = await CleanCache.open(dir, 'git-blobs', 'k1');
      const warm = await scanHistory(options(repo.root, { cache: second }));
      expect(warm.findings).toEqual(cold.findings);
      // Only the blobs holding a secret are read again (every version of a file that keeps one).
      const withSecrets = repo
        .git('rev-list', '--objects', '--all')
        .split('\n')
        .map((line) => line.split(' ')[0] ?? '')
        .filter((oid) => repo.git('cat-file', '-t', oid) === 'blob')
        .filter((oid) => {
          const text = repo.git('cat-file', 'blob', oid);
          return text.length < 4096 && text.includes('tkn_');
        }).length;
      expect(warm.files).toBe(withSecrets);
      expect(warm.cached).toBe(cold.files - withSecrets);
      // Another ruleset key starts cold.
      const other = await CleanCache.open(dir, 'git-blobs', 'k2');
      expect((await scanHistory(options(repo.root, { cache: other }))).files).toBe(cold.files);
      // The cache holds object ids only.
      for (const name of readdirSync(dir)) {
        const text = execFileSync('cat', [join(dir, name)], { encoding: 'utf8' });
        for (const secret of [deleted, kept, copied]) expect(text).not.toContain(secret);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scanHistory on unusual repositories', () => {
  it('fails clearly outside a repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-norepo-'));
    try {
      const error = await scanHistory(options(dir)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      expect((error as GitError).kind).toBe('not-a-repo');
      expect((error as Error).message).toMatch(/not a git repository/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scans an empty repository as nothing, without error', async () => {
    const repo = GitRepo.create();
    try {
      const result = await scanHistory(options(repo.root));
      expect(result).toMatchObject({ findings: [], files: 0, commits: 0 });
    } finally {
      repo.remove();
    }
  });

  it('handles paths that are not UTF-8 and names submodules it cannot scan', async () => {
    const repo = GitRepo.create();
    const secret = token();
    try {
      writeFileSync(
        join(repo.root, Buffer.from([0x63, 0xff, 0x2e, 0x74, 0x78, 0x74]).toString('latin1')),
        'x\n',
      );
      repo.commit('odd name', {});
      // A file whose name is invalid UTF-8 bytes.
      const raw = Buffer.concat([
        Buffer.from(`${repo.root}/bad-`),
        Buffer.from([0xfe, 0xed]),
        Buffer.from('.env'),
      ]);
      writeFileSync(raw, `T=${secret}\n`);
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'bytes');
      const sub = repo.head();
      repo.git('update-index', '--add', '--cacheinfo', `160000,${sub},vendor/lib`);
      repo.git('commit', '-q', '-m', 'submodule');
      const result = await scanHistory(options(repo.root));
      const finding = result.findings.find((f) => f.secret === secret);
      expect(finding?.location.path).toBe('bad-\ufffd\ufffd.env');
      expect(finding?.location.presentAtHead).toBe(true);
      expect(result.warnings.join('\n')).toMatch(/submodule vendor\/lib was not scanned/);
    } finally {
      repo.remove();
    }
  });

  it('works on a detached HEAD and judges presence against it', async () => {
    const repo = GitRepo.create();
    const secret = token();
    try {
      const before = repo.commit('one', { 'a.txt': 'clean\n' });
      repo.commit('two', { 'a.txt': `s=${secret}\n` });
      repo.git('checkout', '-q', '--detach', before);
      const result = await scanHistory(options(repo.root));
      expect(result.findings.map((f) => [f.secret === secret, f.location.presentAtHead])).toEqual([
        [true, false],
      ]);
    } finally {
      repo.remove();
    }
  });

  it('reports missing and damaged objects as unreadable and still scans the rest', async () => {
    const repo = GitRepo.create();
    const survivor = token();
    try {
      repo.commit('one', {
        'a.txt': `s=${token()}\n`,
        'b.txt': 'some content\n',
        'c.txt': `t=${survivor}\n`,
      });
      const objects = (rel: string): string => {
        const oid = repo.git('rev-parse', `HEAD:${rel}`);
        return join(repo.root, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
      };
      rmSync(objects('a.txt'));
      execFileSync('chmod', ['u+w', objects('b.txt')]);
      writeFileSync(objects('b.txt'), Buffer.from('not zlib at all'));
      const result = await scanHistory(options(repo.root));
      expect(result.findings.map((f) => f.secret)).toEqual([survivor]);
      expect(result.skipped.map((s) => s.reason)).toEqual(['unreadable', 'unreadable']);
      expect(result.skipped.map((s) => s.detail).join('\n')).toMatch(/git fsck/);
      expect(result.skipped.map((s) => s.path).sort()).toEqual([
        expect.stringMatching(/^\(object [0-9a-f]{12}\)$/),
        'b.txt',
      ]);
    } finally {
      repo.remove();
    }
  });

  it('warns that a shallow clone hides older history', async () => {
    const origin = GitRepo.create();
    const clone = mkdtempSync(join(tmpdir(), 'keyless-shallow-'));
    try {
      origin.commit('one', { 'a.txt': `old=${token()}\n` });
      origin.commit('two', { 'a.txt': 'clean\n' });
      git(tmpdir(), ['clone', '-q', '--depth', '1', `file://${origin.root}`, clone]);
      const result = await scanHistory(options(clone));
      expect(result.findings).toEqual([]);
      expect(result.warnings.join('\n')).toMatch(/shallow clone.*--unshallow/);
    } finally {
      origin.remove();
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
