import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chmod, mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { readTextFileSync, skippedFromError } from '../../../scanners/sources/read-file.js';
import { walk } from '../../../scanners/sources/walk.js';
import { collect, filesOf, removeDir, skippedOf, tempDir, writeTree } from './helpers.js';

describe('walk', () => {
  let base: string;
  let root: string;
  beforeEach(async () => {
    base = await tempDir();
    root = join(base, 'root');
    await mkdir(root);
  });
  afterEach(async () => {
    await chmod(root, 0o755).catch(() => undefined);
    await removeDir(base);
  });

  it('yields root-relative paths with forward slashes', async () => {
    await writeTree(root, { 'a.txt': 'a', 'd/e/f.txt': 'f', 'd/g.txt': 'g' });
    const entries = await collect({ root, respectGitignore: false });
    expect(filesOf(entries)).toEqual(['a.txt', 'd/e/f.txt', 'd/g.txt']);
    const file = entries.find((e) => e.kind === 'file' && e.rel === 'd/e/f.txt');
    expect(file).toMatchObject({ abs: join(root, 'd', 'e', 'f.txt') });
  });

  it('does not follow symlinks that leave the root, but follows those inside it', async () => {
    await writeTree(base, { 'outside/secret.txt': 's', 'outside.txt': 'o' });
    await writeTree(root, { 'real/in.txt': 'i' });
    await symlink(join(base, 'outside'), join(root, 'out-dir'));
    await symlink('../outside.txt', join(root, 'out-file'));
    await symlink('real', join(root, 'in-dir'));
    await symlink('real/in.txt', join(root, 'in-file'));
    const entries = await collect({ root, respectGitignore: false });
    expect(filesOf(entries)).toEqual(['in-dir/in.txt', 'in-file', 'real/in.txt']);
    expect(skippedOf(entries)).toEqual([
      { path: 'out-dir', reason: 'symlink-outside-root' },
      { path: 'out-file', reason: 'symlink-outside-root' },
    ]);
  });

  it('survives symlink loops, self links and dangling links', async () => {
    await writeTree(root, { 'a/b/file.txt': 'f' });
    await symlink('..', join(root, 'a', 'b', 'up'));
    await symlink('.', join(root, 'a', 'self'));
    await symlink('loop', join(root, 'loop'));
    await symlink('missing.txt', join(root, 'dangling'));
    const entries = await collect({ root, respectGitignore: false });
    expect(filesOf(entries)).toEqual(['a/b/file.txt']);
    const skipped = entries.flatMap((e) => (e.kind === 'skipped' ? [e.skipped] : []));
    expect(skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'a/b/up', reason: 'symlink-loop' }),
        expect.objectContaining({ path: 'a/self', reason: 'symlink-loop' }),
        expect.objectContaining({ path: 'loop', reason: 'symlink-loop' }),
        expect.objectContaining({ path: 'dangling', reason: 'unreadable', detail: 'dangling symlink' }),
      ]),
    );
    expect(skipped).toHaveLength(4);
  });

  it('follows each symlinked directory once, so link diamonds do not multiply the walk', async () => {
    await writeTree(root, { 'shared/x.txt': 'x' });
    await mkdir(join(root, 'one'));
    await mkdir(join(root, 'two'));
    await symlink('../shared', join(root, 'one', 'link'));
    await symlink('../shared', join(root, 'two', 'link'));
    const entries = await collect({ root, respectGitignore: false });
    const viaLinks = filesOf(entries).filter((rel) => rel.endsWith('link/x.txt'));
    expect(viaLinks).toHaveLength(1);
    expect(skippedOf(entries)).toEqual([
      { path: viaLinks[0] === 'one/link/x.txt' ? 'two/link' : 'one/link', reason: 'symlink-loop' },
    ]);
  });

  it('reports FIFOs and sockets as not-regular without opening them', async () => {
    await writeTree(root, { 'plain.txt': 'p' });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, 'sock'), resolve));
    try {
      const entries = await collect({ root, respectGitignore: false });
      expect(filesOf(entries)).toEqual(['plain.txt']);
      expect(skippedOf(entries)).toEqual([
        { path: 'pipe', reason: 'not-regular' },
        { path: 'sock', reason: 'not-regular' },
      ]);
      // A FIFO reaching the reader (e.g. swapped in after the walk) must not block either.
      const read = readTextFileSync(join(root, 'pipe'), 'pipe', 1024);
      expect(read).toEqual({ kind: 'skipped', skipped: { path: 'pipe', reason: 'not-regular' } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a directory that vanishes between listing and opening', async () => {
    await writeTree(root, { 'a/1.txt': '1', 'b/2.txt': '2' });
    const seen: string[] = [];
    const skipped: string[] = [];
    for await (const entry of walk({ root, respectGitignore: false })) {
      if (entry.kind === 'skipped') {
        skipped.push(`${entry.skipped.path}:${entry.skipped.reason}`);
        continue;
      }
      seen.push(entry.rel);
      // The sibling was already listed by the root's read buffer but not yet opened.
      const other = entry.rel.startsWith('a/') ? 'b' : 'a';
      if (seen.length === 1) await rm(join(root, other), { recursive: true });
    }
    expect(seen).toHaveLength(1);
    expect(skipped).toEqual([`${seen[0]?.startsWith('a/') ? 'b' : 'a'}:vanished`]);
  });

  it('releases directory handles when the consumer stops early', async () => {
    await writeTree(root, { 'a/b/c/d.txt': 'd', 'a/e.txt': 'e' });
    const openFds = (): number => readdirSync('/proc/self/fd').length;
    const before = openFds();
    const walker = walk({ root, respectGitignore: false });
    const first = await walker.next();
    expect(first.done).toBe(false);
    expect(openFds()).toBeGreaterThan(before);
    await walker.return();
    expect(openFds()).toBe(before);
  });

  it('reports an unreadable directory with the error code (or reads it, as root)', async () => {
    await writeTree(root, { 'locked/x.txt': 'x', 'open.txt': 'o' });
    await chmod(join(root, 'locked'), 0o000);
    const entries = await collect({ root, respectGitignore: false });
    // chmod 000 does not stop root: then the directory must simply be read like any other.
    if (process.getuid?.() === 0) {
      expect(filesOf(entries)).toEqual(['locked/x.txt', 'open.txt']);
    } else {
      expect(filesOf(entries)).toEqual(['open.txt']);
      expect(entries).toContainEqual({
        kind: 'skipped',
        skipped: { path: 'locked', reason: 'unreadable', detail: 'EACCES' },
      });
    }
    await chmod(join(root, 'locked'), 0o755);
  });

  it('scans a root that is a single file', async () => {
    await writeFile(join(root, 'one.txt'), 'x');
    expect(filesOf(await collect({ root: join(root, 'one.txt'), respectGitignore: true }))).toEqual([
      'one.txt',
    ]);
  });

  it('rejects a root that does not exist', async () => {
    await expect(collect({ root: join(root, 'nope'), respectGitignore: false })).rejects.toThrow(/ENOENT/);
  });
});

describe('file errors', () => {
  it('maps filesystem error codes to skip reasons, keeping the code', () => {
    const err = (code: string): Error => Object.assign(new Error(`${code}: failed`), { code });
    expect(skippedFromError('a', err('EACCES'))).toEqual({
      path: 'a',
      reason: 'unreadable',
      detail: 'EACCES',
    });
    expect(skippedFromError('a', err('EPERM'))).toEqual({ path: 'a', reason: 'unreadable', detail: 'EPERM' });
    expect(skippedFromError('a', err('ENOENT'))).toEqual({ path: 'a', reason: 'vanished', detail: 'ENOENT' });
    expect(skippedFromError('a', err('ELOOP'))).toEqual({
      path: 'a',
      reason: 'symlink-loop',
      detail: 'ELOOP',
    });
    expect(skippedFromError('a', err('EIO'))).toEqual({ path: 'a', reason: 'unreadable', detail: 'EIO' });
    expect(skippedFromError('a', new Error('boom'))).toEqual({
      path: 'a',
      reason: 'unreadable',
      detail: 'boom',
    });
  });

  it('reports a file removed between walk and read as vanished', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir, 'gone.txt'), 'x');
      await unlink(join(dir, 'gone.txt'));
      expect(readTextFileSync(join(dir, 'gone.txt'), 'gone.txt', 100)).toEqual({
        kind: 'skipped',
        skipped: { path: 'gone.txt', reason: 'vanished', detail: 'ENOENT' },
      });
    } finally {
      await removeDir(dir);
    }
  });
});
