// Bundles each entry from build/ (tsc output) into one self-contained file under dist/.
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ncc from '@vercel/ncc';

const entries = [{ input: 'build/cli/index.js', output: 'dist/cli/index.js', executable: true }];

for (const entry of entries) {
  const { code, assets } = await ncc(join(process.cwd(), entry.input), {
    minify: false,
    sourceMap: false,
    quiet: true,
    license: 'licenses.txt',
  });
  const outDir = dirname(entry.output);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const body = code.startsWith('#!') ? code : `#!/usr/bin/env node\n${code}`;
  await writeFile(entry.output, body);
  if (entry.executable) await chmod(entry.output, 0o755);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    await mkdir(dirname(join(outDir, name)), { recursive: true });
    await writeFile(join(outDir, name), asset.source);
  }
  const size = (await readFile(entry.output)).length;
  console.log(`${entry.output}: ${(size / 1024).toFixed(0)} KiB`);
}
