import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { readBlobs, type BlobRead } from '../../../../scanners/sources/git/blob-reader.js';
import { GitRepo } from '../../../helpers/git-repo.js';

async function readAll(
  root: string,
  oids: string[],
): Promise<{ oid: string; text?: string; why?: string }[]> {
  const reads: { oid: string; text?: string; why?: string }[] = [];
  await readBlobs(
    root,
    oids.map((oid) => ({ oid, path: oid })),
    (read: BlobRead) => {
      // `data` is only valid during the callback: decode it now.
      if ('data' in read) reads.push({ oid: read.oid, text: Buffer.from(read.data).toString('latin1') });
      else reads.push({ oid: read.oid, why: read.unreadable });
    },
  );
  return reads;
}

describe('readBlobs (one git cat-file --batch for a whole history)', () => {
  it('returns every blob whole and in order, also blobs spanning many pipe chunks and empty ones', async () => {
    const repo = GitRepo.create();
    try {
      // Incompressible, so the pipe delivers it in many pieces.
      const big = randomBytes(700_000).toString('base64');
      const files = { 'a.txt': 'first\n', 'big.bin': big, 'empty.txt': '', 'z.txt': 'last\n' };
      repo.commit('one', files);
      const oids = Object.keys(files).map((rel) => repo.git('rev-parse', `HEAD:${rel}`));
      const reads = await readAll(repo.root, [...oids, ...oids]);
      expect(reads.map((r) => r.oid)).toEqual([...oids, ...oids]);
      expect(reads.map((r) => r.text)).toEqual([...Object.values(files), ...Object.values(files)]);
    } finally {
      repo.remove();
    }
  });

  it('reports a damaged object unreadable and carries on with the blobs after it', async () => {
    const repo = GitRepo.create();
    try {
      repo.commit('one', {
        'a.txt': 'alpha\n',
        'b.txt': 'bravo\n',
        'c.txt': 'charlie\n',
        'd.txt': 'delta\n',
      });
      const oid = (rel: string): string => repo.git('rev-parse', `HEAD:${rel}`);
      const path = (rel: string): string =>
        join(repo.root, '.git', 'objects', oid(rel).slice(0, 2), oid(rel).slice(2));
      execFileSync('chmod', ['u+w', path('b.txt')]);
      writeFileSync(path('b.txt'), Buffer.from('not zlib at all'));
      rmSync(path('c.txt'));
      const order = ['a.txt', 'b.txt', 'c.txt', 'd.txt'].map(oid);
      const reads = await readAll(repo.root, order);
      expect(reads.map((r) => r.oid)).toEqual(order);
      expect(reads.map((r) => r.text ?? 'unreadable')).toEqual([
        'alpha\n',
        'unreadable',
        'unreadable',
        'delta\n',
      ]);
      for (const r of reads.filter((r) => r.why)) expect(r.why).toMatch(/could not be read.*git fsck/);
    } finally {
      repo.remove();
    }
  });
});
