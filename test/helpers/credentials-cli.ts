/** Running the `keyless credentials` CLI from tests whose fakes live in the test process. */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { BUILT_CLI } from './run-cli.js';
import type { CliResult } from './run-cli.js';

/** KEYLESS_CLI points at a private build (`npx tsc -p tsconfig.build.json --outDir DIR`). */
export const CREDENTIALS_CLI = process.env['KEYLESS_CLI'] ?? BUILT_CLI;

/** The child's exit code and everything it wrote. */
export function outcome(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Asynchronous, unlike runCli: the fakes must keep answering while the CLI runs. `env` is the
 * child's whole environment.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return outcome(spawn(process.execPath, [CREDENTIALS_CLI, ...args], { env }));
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
