import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { KeylessConfig } from '../../../scanners/config/load.js';
import { scanDirectory, type DirScanOptions } from '../../../scanners/sources/dir.js';
import { ScanPool } from '../../../scanners/sources/pool.js';
import type { FileOutcome } from '../../../scanners/sources/scan-file.js';
import { isScanWorker } from '../../../scanners/sources/worker.js';
import { buildWorkerPackage } from '../../helpers/worker-package.js';
import { EMPTY_CONFIG, removeDir, tempDir, token, writeTree } from './helpers.js';

const CONFIG: KeylessConfig = {
  ...EMPTY_CONFIG,
  customRules: [
    {
      id: 'test-token',
      title: 'Test token',
      severity: 'high',
      keywords: ['tkn_'],
      pattern: 'tkn_[A-Za-z0-9]{32}',
    },
  ],
};

describe('scan workers (real worker script)', () => {
  let pkg: string;
  let root: string;
  let workerUrl: URL;
  const tokens: string[] = [];

  beforeAll(async () => {
    pkg = await tempDir();
    workerUrl = await buildWorkerPackage(pkg);
    root = await tempDir();
    const tree: Record<string, string | Buffer> = {};
    for (let i = 0; i < 60; i++) {
      const t = token();
      tokens.push(t);
      tree[`dir${i % 7}/file${i}.txt`] = `line one\nline two ${i}\nvalue ${t}\n`;
    }
    tree['data.bin'] = Buffer.from([1, 2, 0, 3]);
    tree['large.txt'] = 'x'.repeat(4096);
    tree['utf16.txt'] = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`a\nb ${token()}\n`, 'utf16le'),
    ]);
    await writeTree(root, tree);
  }, 60_000);

  afterAll(async () => {
    await removeDir(pkg);
    await removeDir(root);
  });

  function options(extra: Partial<DirScanOptions>): DirScanOptions {
    return { root, config: CONFIG, respectGitignore: true, maxFileSize: 1024, workers: 0, ...extra };
  }

  it('is not a scan worker on the main thread', () => {
    expect(isScanWorker()).toBe(false);
  });

  it('finds exactly what the in-process scan finds, using several threads', async () => {
    const local = await scanDirectory(options({ workers: 0 }));
    const threaded = await scanDirectory(options({ workers: 3, workerUrl }));
    expect(threaded.warnings).toEqual([]);
    expect(threaded).toEqual(local);
    expect(threaded.files).toBe(61);
    const custom = threaded.findings.filter((f) => f.ruleId === 'test-token');
    expect(custom.map((f) => f.secret).sort()).toEqual(expect.arrayContaining([...tokens].sort()));
    expect(custom.find((f) => f.location.path === 'dir0/file0.txt')?.location.startLine).toBe(3);
    expect(threaded.skipped.map((s) => `${s.path}:${s.reason}`)).toEqual([
      'data.bin:binary',
      'large.txt:too-large',
    ]);
  });

  it('scans content handed over in memory, including views into a larger buffer', async () => {
    const outcomes = new Map<string, FileOutcome>();
    const pool = new ScanPool({
      workerUrl,
      workers: 2,
      init: { config: CONFIG, maxFileSize: 1024 },
      onResult: (task, outcome) => outcomes.set(task.key ?? task.rel, outcome),
      fallback: async () => {
        throw new Error('no worker answered');
      },
    });
    const shared = Buffer.from(`head ${tokens[0]}\n--\nsecond line\n${tokens[1]}\n`);
    const cut = shared.indexOf('--');
    const own = new TextEncoder().encode(`x\n${tokens[2]}\n`);
    try {
      await pool.submit({ data: shared.subarray(0, cut), rel: 'a.txt', key: 'first' });
      await pool.submit({ data: shared.subarray(cut + 3), rel: 'a.txt', key: 'second' });
      await pool.submit({ data: own, rel: 'b.txt' });
      // A Buffer view whose `slice` would share memory with `shared`.
      await pool.submit({ data: shared.subarray(0, 4), rel: 'd.txt' });
      await pool.submit({ data: Buffer.from([0, 1, 2]), rel: 'c.bin' });
      await pool.drain();
    } finally {
      await pool.close();
    }
    // The shared buffer was copied, not detached; the whole one moved to the worker.
    expect(shared.toString()).toContain('second line');
    expect(own.byteLength).toBe(0);
    const secrets = (key: string): string[] => {
      const outcome = outcomes.get(key);
      return outcome && 'findings' in outcome ? outcome.findings.map((f) => f.secret) : [];
    };
    expect(secrets('first')).toEqual([tokens[0]]);
    expect(secrets('second')).toEqual([tokens[1]]);
    const second = outcomes.get('second');
    expect(second && 'findings' in second ? second.findings[0]?.location.startLine : 0).toBe(2);
    expect(secrets('b.txt')).toEqual([tokens[2]]);
    expect(outcomes.get('c.bin')).toEqual({ skipped: { path: 'c.bin', reason: 'binary' } });
  });

  it('rejects an invalid configuration on the main thread before starting workers', async () => {
    const config = { ...CONFIG, disabledRules: ['no-such-rule'] };
    await expect(scanDirectory(options({ workers: 2, workerUrl, config }))).rejects.toThrow(/no-such-rule/);
  });
});
