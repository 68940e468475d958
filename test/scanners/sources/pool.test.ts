import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { KeylessConfig } from '../../../scanners/config/load.js';
import type { FileOutcome, ScanTask } from '../../../scanners/sources/scan-file.js';
import { ScanPool, type PoolOptions } from '../../../scanners/sources/pool.js';
import { EMPTY_CONFIG, removeDir, tempDir, writeTree } from './helpers.js';

const FAKE_WORKER = new URL('../../fakes/scan-worker.mjs', import.meta.url);

interface Run {
  results: Map<string, FileOutcome>;
  fallback: string[];
  warnings: string[];
}

/** Submits `names` (files under `root`) to a pool over the fake worker and collects every outcome. */
async function run(
  root: string,
  names: string[],
  extra: Partial<PoolOptions> = {},
  config?: object,
): Promise<Run> {
  const results = new Map<string, FileOutcome>();
  const fallback: string[] = [];
  const pool = new ScanPool({
    workerUrl: FAKE_WORKER,
    workers: 2,
    init: { config: { ...EMPTY_CONFIG, ...config } as KeylessConfig, maxFileSize: 1024 },
    onResult: (task, outcome) => {
      expect(results.has(task.rel)).toBe(false);
      results.set(task.rel, outcome);
    },
    fallback: async (task: ScanTask) => {
      fallback.push(task.rel);
      return { findings: [], bytes: -1 };
    },
    ...extra,
  });
  try {
    for (const rel of names) await pool.submit({ abs: join(root, rel), rel });
    await pool.drain();
  } finally {
    await pool.close();
  }
  return { results, fallback, warnings: pool.warnings };
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}.txt`);
}

describe('ScanPool (fake worker script)', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(async () => {
    await removeDir(root);
  });

  async function files(list: string[]): Promise<void> {
    await writeTree(root, Object.fromEntries(list.map((rel) => [rel, rel])));
  }

  it('answers every file exactly once through workers', async () => {
    const list = names('f', 40);
    await files(list);
    const out = await run(root, list, { maxInFlight: 2 });
    expect([...out.results.keys()].sort()).toEqual(list);
    for (const rel of list) expect(out.results.get(rel)).toEqual({ findings: [], bytes: rel.length });
    expect(out.fallback).toEqual([]);
    expect(out.warnings).toEqual([]);
  });

  it('reports the file a worker crashed on as unreadable and scans the rest elsewhere', async () => {
    const list = [...names('a', 10), 'crash.txt', ...names('b', 10)];
    await files(list);
    const out = await run(root, list, { workers: 1, maxInFlight: 4 });
    expect([...out.results.keys()].sort()).toEqual([...list].sort());
    const crashed = out.results.get('crash.txt');
    expect(crashed).toEqual({
      skipped: { path: 'crash.txt', reason: 'unreadable', detail: 'scan worker failed: fake worker crashed' },
    });
    const unreadable = [...out.results.values()].filter((o) => 'skipped' in o);
    expect(unreadable).toHaveLength(1);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain('crash.txt reported unreadable');
  });

  it('stops a worker that hangs on a file and reports only that file', async () => {
    const list = [...names('a', 3), 'hang.txt', ...names('b', 6)];
    await files(list);
    const out = await run(root, list, { workers: 1, taskTimeoutMs: 300 });
    expect(out.results.get('hang.txt')).toEqual({
      skipped: {
        path: 'hang.txt',
        reason: 'unreadable',
        detail: 'scan worker failed: no answer after 300ms',
      },
    });
    const others = list.filter((rel) => rel !== 'hang.txt');
    for (const rel of others) expect('skipped' in (out.results.get(rel) ?? { skipped: 1 })).toBe(false);
    expect(out.warnings).toHaveLength(1);
  });

  it('holds back submissions while every worker has its maximum of files in flight', async () => {
    await files(['hang.txt', 'a.txt', 'b.txt']);
    const results: string[] = [];
    const pool = new ScanPool({
      workerUrl: FAKE_WORKER,
      workers: 1,
      maxInFlight: 2,
      taskTimeoutMs: 500,
      init: { config: EMPTY_CONFIG, maxFileSize: 1024 },
      onResult: (task) => results.push(task.rel),
      fallback: () => Promise.reject(new Error('no fallback expected')),
    });
    try {
      await pool.submit({ abs: join(root, 'hang.txt'), rel: 'hang.txt' });
      await pool.submit({ abs: join(root, 'a.txt'), rel: 'a.txt' });
      const started = Date.now();
      await pool.submit({ abs: join(root, 'b.txt'), rel: 'b.txt' });
      // Only the watchdog freeing the stuck worker's slots lets the third file in.
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      await pool.drain();
    } finally {
      await pool.close();
    }
    expect(results.sort()).toEqual(['a.txt', 'b.txt', 'hang.txt']);
  });

  it('rescans every file of workers that fail to start, finally on this thread', async () => {
    const list = names('s', 12);
    await files(list);
    const out = await run(root, list, { workers: 2 }, { failStart: true });
    expect([...out.results.keys()].sort()).toEqual(list);
    expect(out.fallback.sort()).toEqual(list);
    expect(out.warnings.length).toBeGreaterThanOrEqual(1);
    expect(out.warnings.every((w) => w.includes('failed to start (fake worker cannot start)'))).toBe(true);
  });
});
