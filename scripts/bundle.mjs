// Bundles each entry from build/ (tsc output) into one self-contained file under dist/.
// Options: --build DIR (tsc output, default build), --out DIR (default dist), --only NAME (cli, action, credentials, rotate).
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ncc from '@vercel/ncc';

const { values } = parseArgs({
  options: { build: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' } },
});
const buildDir = resolve(values.build ?? 'build');
const outRoot = resolve(values.out ?? 'dist');

const entries = [
  { name: 'cli', input: 'cli/index.js', output: 'cli/index.js', executable: true },
  // The root action.yml runs this file (runs.using: node24); it is also its own scan worker.
  { name: 'action', input: 'actions/scan/index.js', output: 'action/index.js', executable: false },
  // actions/credentials/action.yml: main and post (revocation, cleanup) share dist/credentials/.
  {
    name: 'credentials',
    input: 'actions/credentials/index.js',
    output: 'credentials/index.js',
    executable: false,
  },
  {
    name: 'credentials',
    input: 'actions/credentials/post.js',
    output: 'credentials/post.js',
    executable: false,
  },
  // actions/rotate/action.yml: publish and promote (one entry, the mode is an input).
  { name: 'rotate', input: 'actions/rotate/index.js', output: 'rotate/index.js', executable: false },
].filter((entry) => values.only === undefined || entry.name === values.only);

const cleaned = new Set();
for (const entry of entries) {
  const { code, assets } = await ncc(join(buildDir, entry.input), {
    minify: false,
    sourceMap: false,
    quiet: true,
    license: 'licenses.txt',
  });
  const output = join(outRoot, entry.output);
  const outDir = dirname(output);
  // Entries sharing a directory: clear it once, before the first of them.
  if (!cleaned.has(outDir)) await rm(outDir, { recursive: true, force: true });
  cleaned.add(outDir);
  await mkdir(outDir, { recursive: true });
  const body = !entry.executable || code.startsWith('#!') ? code : `#!/usr/bin/env node\n${code}`;
  await writeFile(output, body);
  if (entry.executable) await chmod(output, 0o755);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    await mkdir(dirname(join(outDir, name)), { recursive: true });
    await writeFile(join(outDir, name), asset.source);
  }
  const size = (await readFile(output)).length;
  console.log(`${output}: ${(size / 1024).toFixed(0)} KiB`);
}
