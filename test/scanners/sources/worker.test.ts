import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { transformFile } from '@swc/core';

import type { KeylessConfig } from '../../../scanners/config/load.js';
import { scanDirectory, type DirScanOptions } from '../../../scanners/sources/dir.js';
import { isScanWorker } from '../../../scanners/sources/worker.js';
import { EMPTY_CONFIG, removeDir, tempDir, token, writeTree } from './helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * jest cannot start TypeScript workers, so the scanners tree is transpiled (swc, as jest does) into a
 * temporary package whose entry behaves like the CLI bundle: a scan worker when started as one.
 */
async function buildWorkerPackage(out: string): Promise<URL> {
  async function* sources(dir: string): AsyncGenerator<string> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) yield* sources(path);
      else if (entry.name.endsWith('.ts')) yield path;
    }
  }
  for await (const file of sources(join(REPO, 'scanners'))) {
    const { code } = await transformFile(file, {
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'es6' },
      sourceMaps: false,
    });
    const dest = join(out, relative(REPO, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, code);
  }
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  await symlink(join(REPO, 'node_modules'), join(out, 'node_modules'));
  const entry = join(out, 'entry.js');
  await writeFile(
    entry,
    "import { isScanWorker, runScanWorker } from './scanners/sources/worker.js';\n" +
      'if (isScanWorker()) runScanWorker();\n',
  );
  return pathToFileURL(entry);
}

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

  it('rejects an invalid configuration on the main thread before starting workers', async () => {
    const config = { ...CONFIG, disabledRules: ['no-such-rule'] };
    await expect(scanDirectory(options({ workers: 2, workerUrl, config }))).rejects.toThrow(/no-such-rule/);
  });
});
