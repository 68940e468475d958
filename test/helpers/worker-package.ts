import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformFile } from '@swc/core';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * jest cannot start TypeScript workers, so the scanners tree is transpiled (swc, as jest does) into a
 * temporary package whose entry behaves like the CLI bundle: a scan worker when started as one.
 */
export async function buildWorkerPackage(out: string): Promise<URL> {
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
