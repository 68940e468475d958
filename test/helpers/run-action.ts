import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** KEYLESS_TEST_ACTION runs another bundle of the action (one built outside dist/). */
export const ACTION = process.env['KEYLESS_TEST_ACTION'] ?? join(process.cwd(), 'dist/action/index.js');

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Where the runner's files of this step live (event, output, summary, RUNNER_TEMP). */
  dir: string;
}

export interface ActionInvocation {
  workspace: string;
  eventName: string;
  payload: Record<string, unknown>;
  /** Input names as in action.yml (`fail-on`); passed as INPUT_FAIL-ON like the runner does. */
  inputs?: Record<string, string>;
  apiUrl?: string;
  repository?: string;
  sha: string;
  ref: string;
  /** Another action's bundle (default ACTION, the scan action). */
  script?: string;
  /** More runner variables (GITHUB_ACTION_REPOSITORY, ...). */
  env?: Record<string, string>;
}

/** `name<<DELIM\nvalue\nDELIM` records of a GITHUB_OUTPUT file. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '');
    outputs[m[1] as string] = value.join('\n');
  }
  return outputs;
}

/** Runs the bundled action as the runner does: node, INPUT_* variables and the GITHUB_* files. */
export async function runAction(run: ActionInvocation): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-action-'));
  const eventPath = join(dir, 'event.json');
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(run.payload, null, 2));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs = Object.fromEntries(
    Object.entries(run.inputs ?? {}).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value,
    ]),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: run.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: run.workspace,
    GITHUB_REPOSITORY: run.repository ?? 'acme/shop',
    GITHUB_SHA: run.sha,
    GITHUB_REF: run.ref,
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_API_URL: run.apiUrl ?? 'http://127.0.0.1:9',
    RUNNER_TEMP: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...run.env,
    ...inputs,
  };
  // Asynchronous: the fake GitHub answering this child lives in the test's own event loop.
  const child = spawn(process.execPath, [run.script ?? ACTION], {
    cwd: run.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    dir,
  };
}
