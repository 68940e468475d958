/**
 * The credentials cold-start benchmark (`npm run bench -- credentials`): how long the bundled
 * credentials action (dist/credentials/index.js, or `--credentials-action DIR`) takes from process
 * start to its first HTTP request — the job-token request to a loopback id-token endpoint — against
 * the runtime's own floor measured in the same run: `node -e ''` (start to exit) and a bare `node`
 * sending the same request. Each round spawns the three in turn; the table gives min and median.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { renderTable } from './table.js';

const TARGET_MS = 300;

export interface CredentialsBenchOptions {
  /** Directory holding the bundle's index.js. */
  action: string;
  runs: number;
  log: (line: string) => void;
}

export interface CredentialsBenchResult {
  action: string;
  runs: number;
  rows: { step: string; minMs: number; medianMs: number }[];
  /** Action first-request median over `node -e ''` median. */
  ratio: number;
  targetMs: number;
  met: boolean;
}

interface Endpoint {
  url: string;
  /** Resolves with performance.now() at the next request's arrival. */
  next(): Promise<number>;
  close(): Promise<void>;
}

/** Answers 503 (the measured process is killed once it has asked); records when each request arrives. */
async function startEndpoint(): Promise<Endpoint> {
  let waiting: ((at: number) => void) | undefined;
  const server = createServer((req, res) => {
    const at = performance.now();
    waiting?.(at);
    waiting = undefined;
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"message":"benchmark"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/_apis/distributedtask/hubs/build/plans/bench/jobs/bench/idtoken?api-version=2.0`,
    next: () => new Promise<number>((done) => (waiting = done)),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Spawns and resolves with ms from spawn to `until` (a request, or exit); the child is then killed. */
async function timeChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  until: 'exit' | Promise<number>,
): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number>((done, fail) => {
    child.on('error', fail);
    child.on('exit', (code) => {
      if (until === 'exit' && code !== 0) fail(new Error(`exit ${code}: ${stderr.slice(0, 500)}`));
      done(performance.now());
    });
  });
  if (until === 'exit') return (await exited) - started;
  const first = await Promise.race([
    until,
    exited.then(() => {
      throw new Error(`exited before its first request: ${stderr.slice(0, 500)}`);
    }),
  ]);
  child.kill('SIGKILL');
  await exited.catch(() => undefined);
  return first - started;
}

function actionEnv(dir: string, idTokenUrl: string): NodeJS.ProcessEnv {
  const file = (name: string): string => {
    const path = join(dir, name);
    writeFileSync(path, '');
    return path;
  };
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'northwind-labs/ledger-api',
    GITHUB_RUN_ID: '9183746520',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    RUNNER_TEMP: dir,
    GITHUB_ENV: file('env'),
    GITHUB_OUTPUT: file('output'),
    GITHUB_STATE: file('state'),
    GITHUB_STEP_SUMMARY: file('summary'),
    ACTIONS_ID_TOKEN_REQUEST_URL: idTokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bench-request-token',
    'INPUT_AWS-ROLE': 'arn:aws:iam::530817264913:role/ledger-deploy',
    'INPUT_AWS-REGION': 'eu-central-1',
    'INPUT_EXPECT-REPOSITORY': 'northwind-labs/ledger-api',
    INPUT_EXPORT: 'env',
    INPUT_EXPLAIN: 'false',
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function runCredentialsBench(
  options: CredentialsBenchOptions,
): Promise<{ result: CredentialsBenchResult; text: string }> {
  const entry = resolve(options.action, 'index.js');
  if (!existsSync(entry))
    throw new Error(`${entry} does not exist: build the bundle or give --credentials-action DIR`);
  const endpoint = await startEndpoint();
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-credentials-'));
  const samples: Record<string, number[]> = { empty: [], fetch: [], action: [] };
  const fetchScript = `fetch(${JSON.stringify(endpoint.url + '&audience=sts.amazonaws.com')}).catch(() => {})`;
  try {
    // One unmeasured round: the first spawn pays for the page cache, not for the action.
    for (let round = 0; round <= options.runs; round += 1) {
      const empty = await timeChild(['-e', ''], { PATH: process.env['PATH'] }, 'exit');
      const bare = await timeChild(['-e', fetchScript], { PATH: process.env['PATH'] }, endpoint.next());
      const action = await timeChild([entry], actionEnv(dir, endpoint.url), endpoint.next());
      if (round === 0) continue;
      samples['empty']!.push(empty);
      samples['fetch']!.push(bare);
      samples['action']!.push(action);
      options.log(
        `round ${round}: node -e '' ${empty.toFixed(0)} ms, bare fetch ${bare.toFixed(0)} ms, action ${action.toFixed(0)} ms`,
      );
    }
  } finally {
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (step: string, key: string) => ({
    step,
    minMs: Math.min(...samples[key]!),
    medianMs: median(samples[key]!),
  });
  const rows = [
    row("node -e '' (start to exit)", 'empty'),
    row('node -e fetch (start to first request)', 'fetch'),
    row('credentials action (start to first request)', 'action'),
  ];
  const ratio = rows[2]!.medianMs / rows[0]!.medianMs;
  const met = rows[2]!.medianMs < TARGET_MS;
  const result: CredentialsBenchResult = {
    action: entry,
    runs: options.runs,
    rows,
    ratio,
    targetMs: TARGET_MS,
    met,
  };
  const table = renderTable(
    ['step', 'min ms', 'median ms', "x node -e ''"],
    rows.map((r) => [
      r.step,
      r.minMs.toFixed(0),
      r.medianMs.toFixed(0),
      (r.medianMs / rows[0]!.medianMs).toFixed(2),
    ]),
  );
  const text = [
    `credentials cold start: ${entry}, ${options.runs} runs`,
    ...table,
    `target: first request < ${TARGET_MS} ms (median ${rows[2]!.medianMs.toFixed(0)} ms): ${met ? 'met' : 'not met'}`,
    '',
  ].join('\n');
  return { result, text };
}
