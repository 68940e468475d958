import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { makePathFilter } from '../../../scanners/config/paths.js';
import { sha256Hex } from '../../../scanners/config/ruleset.js';
import type { Fragment, Skipped } from '../../../scanners/engine/types.js';
import { dirFragments, scanDirectory, type DirScanOptions } from '../../../scanners/sources/dir.js';
import { EMPTY_CONFIG, removeDir, tempDir, TEST_RULE, token, writeTree } from './helpers.js';

const MB = 1024 * 1024;

function options(root: string, extra: Partial<DirScanOptions> = {}): DirScanOptions {
  return {
    root,
    config: EMPTY_CONFIG,
    respectGitignore: true,
    maxFileSize: 10 * MB,
    workers: 0,
    rules: [TEST_RULE],
    ...extra,
  };
}

function where(findings: { location: { path: string; startLine: number; startColumn: number } }[]): string[] {
  return findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.location.startColumn}`);
}

function withBom(bom: number[], body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(bom), body]);
}

describe('scanDirectory (in-process)', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(async () => {
    await removeDir(root);
  });

  it('finds secrets with root-relative locations, sorted by path, line and column', async () => {
    const [t1, t2, t3] = [token(), token(), token()];
    await writeTree(root, {
      'z.txt': `first ${t1}\n`,
      'dir/a.env': `x=1\n\nKEY=${t2} KEY2=${t3}\n`,
    });
    const result = await scanDirectory(options(root));
    expect(where(result.findings)).toEqual(['dir/a.env:3:5', 'dir/a.env:3:47', 'z.txt:1:7']);
    expect(result.findings.map((f) => f.secret)).toEqual([t2, t3, t1]);
    expect(result.files).toBe(2);
    expect(result.bytes).toBe(
      Buffer.byteLength(`first ${t1}\n`) + Buffer.byteLength(`x=1\n\nKEY=${t2} KEY2=${t3}\n`),
    );
    expect(result.skipped).toEqual([]);
  });

  it('skips and reports binary and over-size files without counting them as scanned', async () => {
    const hidden = token();
    await writeTree(root, {
      'image.bin': Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x01]), Buffer.from(hidden)]),
      'big.txt': `${token()}\n${'a'.repeat(2048)}`,
      'small.txt': 'hello',
    });
    const result = await scanDirectory(options(root, { maxFileSize: 1024 }));
    expect(result.findings).toEqual([]);
    expect(result.files).toBe(1);
    expect(result.bytes).toBe(5);
    expect(result.skipped).toEqual([
      { path: 'big.txt', reason: 'too-large', detail: `${2048 + 37} bytes > 1024` },
      { path: 'image.bin', reason: 'binary' },
    ]);
  });

  it('decodes UTF-16 LE/BE and UTF-8 files with a BOM and reports the right line', async () => {
    const [le, be, u8] = [token(), token(), token()];
    const text = (t: string): string => `line one\r\nline two\r\n  secret: ${t}\r\n`;
    await writeTree(root, {
      'le.txt': withBom([0xff, 0xfe], Buffer.from(text(le), 'utf16le')),
      'be.txt': withBom([0xfe, 0xff], Buffer.from(text(be), 'utf16le').swap16()),
      'u8.txt': withBom([0xef, 0xbb, 0xbf], Buffer.from(`${u8}\n`)),
    });
    const result = await scanDirectory(options(root));
    expect(where(result.findings)).toEqual(['be.txt:3:11', 'le.txt:3:11', 'u8.txt:1:1']);
    expect(result.findings.map((f) => f.secret)).toEqual([be, le, u8]);
    expect(result.skipped).toEqual([]);
  });

  it('still scans a file with invalid UTF-8', async () => {
    const t = token();
    await writeTree(root, {
      'latin1.txt': Buffer.concat([
        Buffer.from('caf'),
        Buffer.from([0xe9, 0xff, 0x0a]),
        Buffer.from(`tok ${t}\n`),
      ]),
    });
    const result = await scanDirectory(options(root));
    expect(where(result.findings)).toEqual(['latin1.txt:2:5']);
    expect(result.skipped).toEqual([]);
  });

  it('applies .gitignore in a work tree and the skip predicate, and never scans .git', async () => {
    const [kept, ignored, skippedByGlob] = [token(), token(), token()];
    await writeTree(root, {
      '.git/HEAD': `ref: refs/heads/main\n${token()}\n`,
      '.gitignore': 'ignored.txt\n',
      'kept.txt': kept,
      'ignored.txt': ignored,
      'vendor/lib.js': skippedByGlob,
    });
    const result = await scanDirectory(options(root, { skipPath: makePathFilter(['vendor']) }));
    expect(where(result.findings)).toEqual(['kept.txt:1:1']);
    expect(result.files).toBe(2);
    const unfiltered = await scanDirectory(options(root, { respectGitignore: false }));
    expect(where(unfiltered.findings)).toEqual(['ignored.txt:1:1', 'kept.txt:1:1', 'vendor/lib.js:1:1']);
  });

  it('honours allowed value hashes from the configuration', async () => {
    const [allowed, reported] = [token(), token()];
    await writeTree(root, { 'a.txt': `${allowed}\n${reported}\n` });
    const config = { ...EMPTY_CONFIG, allowedValueHashes: [sha256Hex(allowed)] };
    const result = await scanDirectory(options(root, { config }));
    expect(result.findings.map((f) => f.secret)).toEqual([reported]);
  });

  it('reports progress after every scanned file', async () => {
    await writeTree(root, { 'a.txt': 'aa', 'b.txt': 'bbb', 'c.bin': Buffer.from([0]) });
    const seen: { files: number; bytes: number }[] = [];
    await scanDirectory(options(root, { onProgress: (p) => seen.push(p) }));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({ files: 2, bytes: 5 });
  });

  it('reports files that vanish while the scan runs', async () => {
    await writeTree(root, { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    let removed = false;
    const result = await scanDirectory(
      options(root, {
        onProgress: () => {
          if (removed) return;
          removed = true;
          // The other names are already in the root's read buffer, so the walk still yields them.
          for (const name of ['a.txt', 'b.txt', 'c.txt']) rmSync(join(root, name), { force: true });
        },
      }),
    );
    expect(result.files).toBe(1);
    expect(result.skipped).toHaveLength(2);
    expect(result.skipped.every((s) => s.reason === 'vanished' && s.detail === 'ENOENT')).toBe(true);
  });

  it('scans a 50 MB single-line file when the size limit allows it', async () => {
    const t = token();
    const path = join(root, 'huge.min.js');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      out.on('error', reject);
      const chunk = 'var q=1;'.repeat(128 * 1024); // 1 MiB
      for (let i = 0; i < 50; i++) out.write(chunk);
      out.end(`k="${t}";`, () => resolve());
    });
    const result = await scanDirectory(options(root, { maxFileSize: 64 * MB }));
    expect(result.skipped).toEqual([]);
    expect(result.files).toBe(1);
    expect(result.bytes).toBe(50 * MB + t.length + 5);
    expect(where(result.findings)).toEqual([`huge.min.js:1:${50 * MB + 4}`]);
  });
});

describe('dirFragments', () => {
  it('yields one fragment per text file and hands skipped files to a callback', async () => {
    const root = await tempDir();
    try {
      await writeTree(root, { 'a.txt': 'alpha', 'sub/b.txt': 'beta', 'c.bin': Buffer.from([1, 0, 2]) });
      const skipped: Skipped[] = [];
      const fragments: Fragment[] = [];
      const source = dirFragments({
        root,
        respectGitignore: true,
        maxFileSize: MB,
        onSkipped: (s) => skipped.push(s),
      });
      for await (const fragment of source) fragments.push(fragment);
      fragments.sort((a, b) => a.path.localeCompare(b.path));
      expect(fragments).toEqual([
        { text: 'alpha', path: 'a.txt', startLine: 1 },
        { text: 'beta', path: 'sub/b.txt', startLine: 1 },
      ]);
      expect(skipped).toEqual([{ path: 'c.bin', reason: 'binary' }]);
    } finally {
      await removeDir(root);
    }
  });
});
