import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/*
 * Loads gitlab/templates/secret-detection.yml the way GitLab does (interpolate `$[[ inputs.x ]]` from
 * the spec's defaults and given inputs, resolve `extends`) and runs a job's before_script + script
 * with bash, as the shell executor would: one script, `set -eo pipefail`, job variables exported.
 * The `npm install` line is replaced by a `keyless` on PATH that runs the CLI built from this tree.
 */

export const TEMPLATE_PATH = join(process.cwd(), 'gitlab/templates/secret-detection.yml');
/** The CLI under test: build/cli/index.js by default (what `npm test` builds), or KEYLESS_TEST_CLI. */
export const CLI = process.env['KEYLESS_TEST_CLI'] ?? join(process.cwd(), 'build/cli/index.js');
export const INPUT_REFERENCE = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;

export type Job = Record<string, unknown> & {
  script?: string[];
  before_script?: string[];
  variables?: Record<string, string>;
};
export interface InputSpec {
  default?: unknown;
  type?: string;
  options?: unknown[];
  description?: string;
}

export function templateText(): string {
  return readFileSync(TEMPLATE_PATH, 'utf8');
}

export function templateDocuments(text = templateText()): {
  spec: { inputs: Record<string, InputSpec> };
  body: string;
} {
  const [header, ...rest] = parseAllDocuments(text);
  if (!header || rest.length !== 1)
    throw new Error('expected a spec document and one configuration document');
  if (header.errors.length > 0) throw new Error(header.errors.map((e) => e.message).join('\n'));
  const spec = (header.toJS() as { spec: { inputs: Record<string, InputSpec> } }).spec;
  const bodyStart = text.indexOf('\n---\n') + 5;
  return { spec, body: text.slice(bodyStart) };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    const bothObjects = [prior, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    out[key] = bothObjects
      ? deepMerge(prior as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}

/** The jobs after input interpolation and `extends` (hashes merged deeply, arrays replaced). */
export function loadJobs(inputs: Record<string, string | boolean> = {}): Record<string, Job> {
  const { spec, body } = templateDocuments();
  const interpolated = body.replace(INPUT_REFERENCE, (_, name: string) => {
    const value = name in inputs ? inputs[name] : spec.inputs[name]?.default;
    if (value === undefined) throw new Error(`input ${name} has no value`);
    return String(value);
  });
  const doc = parseAllDocuments(interpolated)[0];
  if (!doc || doc.errors.length > 0) throw new Error(`invalid YAML after interpolation: ${doc?.errors}`);
  const raw = doc.toJS() as Record<string, Job>;
  const resolve = (name: string): Job => {
    const job = raw[name];
    if (!job) throw new Error(`no job ${name}`);
    const parents = job['extends'] === undefined ? [] : ([] as string[]).concat(job['extends'] as string);
    const { extends: _extends, ...own } = job;
    const inherited = parents.reduce<Record<string, unknown>>((acc, p) => deepMerge(acc, resolve(p)), {});
    return deepMerge(inherited, own) as Job;
  };
  return Object.fromEntries(Object.keys(raw).map((name) => [name, resolve(name)]));
}

export interface JobRun {
  code: number | null;
  stdout: string;
  stderr: string;
  script: string;
}

/** A directory holding a `keyless` that runs the CLI under test with this Node.js. */
export function keylessShim(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-shim-'));
  const shim = join(dir, 'keyless');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

/** The job's shell script, with the package installation swapped for the CLI under test. */
export function jobScript(job: Job): string {
  const lines = [...(job.before_script ?? []), ...(job.script ?? [])];
  const kept = lines.filter((line) => !/^npm install --global\b/.test(line));
  if (lines.length - kept.length > 1) throw new Error('more than one npm install line');
  return ['set -eo pipefail', ...kept].join('\n');
}

/**
 * Runs a job in `cwd` with GitLab-like `env` (asynchronously: a fake server in this process must keep
 * answering). Job variables are set first, predefined CI_* variables and overrides from `env` win as
 * on GitLab (pipeline/project variables take precedence over job variables).
 */
export function runJob(job: Job, cwd: string, env: NodeJS.ProcessEnv, shell = 'bash'): Promise<JobRun> {
  const script = jobScript(job);
  const shim = keylessShim();
  return new Promise((resolve, reject) => {
    const child = spawn(
      shell,
      ['-c', shell === 'bash' ? script : script.replace('set -eo pipefail', 'set -e')],
      {
        cwd,
        env: {
          PATH: `${shim}:${process.env['PATH'] ?? ''}`,
          HOME: process.env['HOME'] ?? cwd,
          NO_COLOR: '1',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
          CI: 'true',
          GITLAB_CI: 'true',
          CI_PROJECT_DIR: cwd,
          ...job.variables,
          ...env,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, script }));
  });
}
