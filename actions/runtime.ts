/**
 * The one place that touches @actions/core and @actions/github. Everything else in actions/ takes the
 * `Runtime` and `GitHubApi` interfaces below, so adapters stay testable and the domain never sees the
 * runner's environment.
 */
import { readFile } from 'node:fs/promises';

import * as core from '@actions/core';
import { getOctokit } from '@actions/github';

export interface AnnotationPlace {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export interface Runtime {
  input(name: string): string;
  /** Registers a value with the runner's log masking (`::add-mask::`). */
  mask(value: string): void;
  setOutput(name: string, value: string): void;
  info(message: string): void;
  warning(message: string, place?: AnnotationPlace): void;
  error(message: string, place?: AnnotationPlace): void;
  notice(message: string, place?: AnnotationPlace): void;
  appendSummary(markdown: string): Promise<void>;
  setFailed(message: string): void;
}

/** What the runner tells the step about the workflow run, read once from its environment. */
/** What the credentials step needs beyond `Runtime`: the job's OIDC token, env export and main→post state. */
export interface StepRuntime extends Runtime {
  /** `getIDToken`: the runner's id-token endpoint (needs `permissions: id-token: write`); masks the token. */
  idToken(audience?: string): Promise<string>;
  /** Sets a variable for the later steps of the job (`GITHUB_ENV`). */
  exportVariable(name: string, value: string): void;
  /** Keeps a value for the post step (`GITHUB_STATE`, read back there as `STATE_<name>`). */
  saveState(name: string, value: string): void;
  state(name: string): string;
}

export function stepRuntime(): StepRuntime {
  return {
    ...actionsRuntime(),
    idToken: (audience) => core.getIDToken(audience),
    exportVariable: (name, value) => core.exportVariable(name, value),
    saveState: (name, value) => core.saveState(name, value),
    state: (name) => core.getState(name),
  };
}

export interface RunContext {
  eventName: string;
  payload: Record<string, unknown>;
  /** `owner/name`. */
  repository: string;
  sha: string;
  ref: string;
  workspace: string;
  runnerTemp: string;
  apiUrl: string;
  serverUrl: string;
  runId: string;
}

/** A REST request failure with the HTTP status (403/404 mean: not allowed with this token). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ApiResponse {
  status: number;
  data: unknown;
}

/** A route such as `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}` with its parameters. */
export interface GitHubApi {
  request(route: string, params: Record<string, unknown>): Promise<ApiResponse>;
}

export function actionsRuntime(): Runtime {
  return {
    input: (name) => core.getInput(name),
    mask: (value) => core.setSecret(value),
    setOutput: (name, value) => core.setOutput(name, value),
    info: (message) => core.info(message),
    warning: (message, place) => core.warning(message, place),
    error: (message, place) => core.error(message, place),
    notice: (message, place) => core.notice(message, place),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
    setFailed: (message) => core.setFailed(message),
  };
}

export async function readRunContext(env: NodeJS.ProcessEnv): Promise<RunContext> {
  const eventPath = env['GITHUB_EVENT_PATH'];
  let payload: Record<string, unknown> = {};
  if (eventPath) {
    try {
      payload = JSON.parse(await readFile(eventPath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`cannot read the event payload ${eventPath}: ${(error as Error).message}`);
    }
  }
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
  return {
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    payload,
    repository: env['GITHUB_REPOSITORY'] ?? '',
    sha: env['GITHUB_SHA'] ?? '',
    ref: env['GITHUB_REF'] ?? '',
    workspace,
    runnerTemp: env['RUNNER_TEMP'] || workspace,
    // GHES: both URLs come from the runner; the defaults are github.com's.
    apiUrl: (env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, ''),
    runId: env['GITHUB_RUN_ID'] ?? '',
  };
}

export function githubApi(token: string, apiUrl: string): GitHubApi {
  const octokit = getOctokit(token, { baseUrl: apiUrl });
  return {
    async request(route, params) {
      try {
        const response = await octokit.request(route, params);
        return { status: response.status, data: response.data };
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        const message = (error as Error).message;
        throw new ApiError(`${route}: ${message}`, typeof status === 'number' ? status : 0);
      }
    },
  };
}
