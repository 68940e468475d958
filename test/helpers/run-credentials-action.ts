import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseOutputFile } from './run-action.js';

/** KEYLESS_TEST_CREDENTIALS_ACTION: a directory with another bundle's index.js and post.js. */
export const CREDENTIALS_ACTION =
  process.env['KEYLESS_TEST_CREDENTIALS_ACTION'] ?? join(process.cwd(), 'dist/credentials');

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_ENV as the runner applies it: later records win. */
  env: Record<string, string>;
  outputs: Record<string, string>;
  /** GITHUB_STATE records, which the runner hands to post as STATE_<name>. */
  state: Record<string, string>;
  summary: string;
}

export interface CredentialsRun {
  main: StepRun;
  post: StepRun;
  /** RUNNER_TEMP (and the runner's own files). */
  dir: string;
  workspace: string;
}

export interface CredentialsInvocation {
  inputs: Record<string, string>;
  idToken?: { requestUrl: string; requestToken: string };
  apiUrl?: string;
  /** Runs between main and post, like the job's later steps (sees main's GITHUB_ENV). */
  between?: (main: StepRun) => void | Promise<void>;
}

function step(
  script: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Omit<StepRun, 'env' | 'outputs' | 'state' | 'summary'>> {
  const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs main, then post with main's state, as the runner does for an action with `post:`. */
export async function runCredentialsAction(run: CredentialsInvocation): Promise<CredentialsRun> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-credentials-'));
  const workspace = mkdtempSync(join(tmpdir(), 'keyless-workspace-'));
  const files = (phase: string) => {
    const names = {
      env: `${phase}-env`,
      output: `${phase}-output`,
      state: `${phase}-state`,
      summary: `${phase}-summary.md`,
    };
    for (const name of Object.values(names)) writeFileSync(join(dir, name), '');
    return names;
  };
  const base: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'northwind-labs/ledger-api',
    GITHUB_SHA: '4f1c9e2b7a6d3085c1e94f27b3a8d60e5c29f1ab',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '9183746520',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'deploy',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_API_URL: run.apiUrl ?? 'http://127.0.0.1:9',
    RUNNER_TEMP: dir,
    ...(run.idToken
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: run.idToken.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: run.idToken.requestToken,
        }
      : {}),
    ...Object.fromEntries(
      Object.entries(run.inputs).map(([name, value]) => [
        `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
        value,
      ]),
    ),
  };
  const collect = async (script: string, phase: string, extra: NodeJS.ProcessEnv): Promise<StepRun> => {
    const f = files(phase);
    const result = await step(
      join(CREDENTIALS_ACTION, script),
      {
        ...base,
        ...extra,
        GITHUB_ENV: join(dir, f.env),
        GITHUB_OUTPUT: join(dir, f.output),
        GITHUB_STATE: join(dir, f.state),
        GITHUB_STEP_SUMMARY: join(dir, f.summary),
      },
      workspace,
    );
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return {
      ...result,
      env: parseOutputFile(read(f.env)),
      outputs: parseOutputFile(read(f.output)),
      state: parseOutputFile(read(f.state)),
      summary: read(f.summary),
    };
  };
  const main = await collect('index.js', 'main', {});
  await run.between?.(main);
  const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]));
  // Later steps (and post) run with what main exported.
  const post = await collect('post.js', 'post', { ...main.env, ...stateEnv });
  return { main, post, dir, workspace };
}
