/**
 * `npm run bench [-- dir|git|image|credentials] [options]`: the directory benchmark (dir-bench.ts), the
 * history benchmark (git-bench.ts), the image benchmark (image-bench.ts), then the credentials action's
 * cold start (credentials-bench.ts); naming one runs only that one.
 * Nothing is asserted: targets are printed as met or not met and the exit status does not depend on them.
 *
 * All:     --cli PATH (default dist/cli/index.js; for git, build/cli/index.js if dist has no `scan git`)
 *          --runs N (default 2, best kept)   --json
 * dir:     --size MB (default 220)   --corpus DIR   --skip-secretlint   --secretlint-budget SECONDS
 *          --secretlint-profiler (keep secretlint 12's always-on profiler; see secretlint.ts)
 * git:     --git-size MB (default 320 of unique blobs)   --git-commits N (default 3200)   --git-corpus DIR
 * image:   --image-size MB (default 520 uncompressed)   --image-corpus DIR (default bench/corpus/image-oci)
 * credentials: --credentials-action DIR (default dist/credentials; its index.js), --runs N (default 15 here)
 *
 * Paths are relative to the working directory: run it from the repository root.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { runCredentialsBench } from './credentials-bench.js';
import { runDirBench } from './dir-bench.js';
import { runGitBench } from './git-bench.js';
import { runImageBench } from './image-bench.js';
import { supportsScanGit } from './keyless-git.js';
import { resolveCli } from './keyless.js';

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${name} takes a positive number`);
  return n;
}

/**
 * The committed bundle may predate `scan git`; `npm run bench` has just compiled build/, so without
 * --cli the history benchmark then runs build/cli/index.js and says so.
 */
async function gitCli(given: string | undefined): Promise<string> {
  const cli = resolveCli(process.cwd(), given);
  if (given !== undefined || (await supportsScanGit(cli))) return cli;
  const built = resolve('build/cli/index.js');
  if (!existsSync(built) || !(await supportsScanGit(built))) return cli;
  log(`${cli} has no \`scan git\`; the history benchmark runs ${built}`);
  return built;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      size: { type: 'string' },
      cli: { type: 'string' },
      corpus: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'boolean' },
      'skip-secretlint': { type: 'boolean' },
      'secretlint-budget': { type: 'string' },
      'secretlint-profiler': { type: 'boolean' },
      'git-size': { type: 'string' },
      'git-commits': { type: 'string' },
      'git-corpus': { type: 'string' },
      'image-size': { type: 'string' },
      'image-corpus': { type: 'string' },
      'credentials-action': { type: 'string' },
    },
  });
  const which = positionals[0] ?? 'all';
  if (positionals.length > 1 || !['all', 'dir', 'git', 'image', 'credentials'].includes(which)) {
    throw new Error(`usage: run.js [dir|git|image|credentials] [options]; got "${positionals.join(' ')}"`);
  }
  const outputs: Record<string, { result: object; text: string }> = {};
  if (which === 'all' || which === 'dir') outputs['dir'] = await runDirBench(values);
  if (which === 'all' || which === 'git') {
    const sizeMB = positive(values['git-size'], '--git-size');
    const minCommits = positive(values['git-commits'], '--git-commits');
    outputs['git'] = await runGitBench({
      cli: await gitCli(values.cli),
      ...(values['git-corpus'] !== undefined ? { corpus: resolve(values['git-corpus']) } : {}),
      ...(sizeMB !== undefined ? { sizeMB } : {}),
      ...(minCommits !== undefined ? { minCommits } : {}),
      runs: positive(values.runs, '--runs') ?? 2,
      log,
    });
  }
  if (which === 'all' || which === 'image') {
    outputs['image'] = await runImageBench({
      cli: resolveCli(process.cwd(), values.cli),
      corpus: resolve(values['image-corpus'] ?? 'bench/corpus/image-oci'),
      sizeMB: positive(values['image-size'], '--image-size') ?? 520,
      runs: positive(values.runs, '--runs') ?? 2,
      log,
    });
  }
  if (which === 'all' || which === 'credentials') {
    outputs['credentials'] = await runCredentialsBench({
      action: resolve(values['credentials-action'] ?? 'dist/credentials'),
      // Start-up times are short and noisy: more runs than the throughput benchmarks.
      runs: positive(values.runs, '--runs') ?? 15,
      log,
    });
  }
  const parts = Object.entries(outputs);
  if (values.json) {
    // One benchmark prints its object as before; several print { dir, git, image } (those that ran).
    const json =
      parts.length === 1 ? parts[0]?.[1].result : Object.fromEntries(parts.map(([k, v]) => [k, v.result]));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    parts.map(([k, v]) => (parts.length > 1 ? `== ${k} ==\n${v.text}` : v.text)).join('\n'),
  );
}

await main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
