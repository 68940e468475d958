import { isAbsolute, resolve } from 'node:path';

import type { ScanOptions } from '../../cli/args.js';
import { runGitScan } from '../../cli/scan-git.js';
import { DEFAULT_MAX_LAYER_SIZE } from '../../scanners/sources/image/scan.js';
import { DEFAULT_PLATFORM } from '../../scanners/sources/image/manifest.js';
import { runImageScan } from '../../cli/scan-image.js';
import { finishScan, prepareScan, runDirScan, type ScanContext, type ScanRun } from '../../cli/scan-run.js';
import { openRepo, runGit } from '../../scanners/sources/git/exec.js';
import type { ScanPlan } from './event.js';
import type { ActionInputs } from './inputs.js';

export interface ActionScanContext extends ScanContext {
  workspace: string;
  env: NodeJS.ProcessEnv;
  /** Notes for the log (what was fetched, which range was chosen). */
  note: (message: string) => void;
}

const MAX_FILE_SIZE = 10 * 1024 * 1024;

function scanOptions(inputs: ActionInputs, workspace: string): ScanOptions {
  const inWorkspace = (path: string): string => (isAbsolute(path) ? path : resolve(workspace, path));
  return {
    path: inWorkspace(inputs.path),
    format: 'json',
    failOn: inputs.failOn,
    maxFileSize: MAX_FILE_SIZE,
    ignore: true,
    progress: false,
    applyBaseline: true,
    ...(inputs.config !== undefined ? { config: inWorkspace(inputs.config) } : {}),
    ...(inputs.baseline !== undefined ? { baseline: inWorkspace(inputs.baseline) } : {}),
  };
}

async function commitExists(cwd: string, spec: string): Promise<boolean> {
  const result = await runGit(
    cwd,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${spec}^{commit}`],
    {
      allowFailure: true,
    },
  );
  return result.code === 0;
}

/**
 * The base of a new branch's first push: the default branch (fetched when missing and allowed), so
 * only commits not already on it are scanned. Undefined when there is none to compare with.
 */
async function newBranchBase(
  cwd: string,
  plan: Extract<ScanPlan, { kind: 'new-branch' }>,
  fetch: boolean,
  context: ActionScanContext,
): Promise<string | undefined> {
  const branch = plan.defaultBranch;
  if (!branch) return undefined;
  const remoteRef = `origin/${branch}`;
  if (await commitExists(cwd, remoteRef)) return remoteRef;
  if (fetch) {
    const fetched = await runGit(
      cwd,
      ['fetch', '-q', '--no-tags', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`],
      { allowFailure: true },
    );
    if (fetched.code === 0 && (await commitExists(cwd, remoteRef))) {
      context.note(`fetched ${branch} from origin to compare the new branch with`);
      return remoteRef;
    }
  }
  return (await commitExists(cwd, branch)) ? branch : undefined;
}

/** A parent to diff the head commit against, or undefined for a root (or shallow-boundary) commit. */
async function parentOf(cwd: string, head: string): Promise<string | undefined> {
  const result = await runGit(cwd, ['rev-list', '--parents', '-n', '1', head, '--'], { allowFailure: true });
  const parent = result.stdout.toString('utf8').trim().split(' ')[1];
  return result.code === 0 && parent ? parent : undefined;
}

async function hasRemote(path: string): Promise<boolean> {
  const result = await runGit(path, ['remote'], { allowFailure: true });
  return result.code === 0 && result.stdout.toString('utf8').trim() !== '';
}

/** Runs the scan the plan asks for with the CLI's own orchestration (config, baseline, meta). */
export async function runPlannedScan(
  plan: ScanPlan,
  inputs: ActionInputs,
  context: ActionScanContext,
): Promise<ScanRun> {
  const options = scanOptions(inputs, context.workspace);
  // Without a remote there is nothing to fetch (and the range code would warn about it on every run).
  const deepen =
    inputs.fetchHistory && plan.kind !== 'dir' && plan.kind !== 'image' && (await hasRemote(options.path));
  const git = { staged: false, deepen };
  switch (plan.kind) {
    case 'dir':
      return runDirScan(options, context);
    case 'history':
      return runGitScan(options, { staged: false, deepen: false }, context);
    case 'range':
      return runGitScan(options, { ...git, range: `${plan.base}..${plan.head}` }, context);
    case 'new-branch': {
      const repo = await openRepo(options.path);
      const base = await newBranchBase(repo.root, plan, inputs.fetchHistory, context);
      if (base) return runGitScan(options, { ...git, range: `${base}..${plan.head}` }, context);
      const parent = await parentOf(repo.root, plan.head);
      if (parent) {
        context.note(`no default branch to compare with: scanning the head commit ${plan.head.slice(0, 12)}`);
        return runGitScan(options, { ...git, range: `${parent}..${plan.head}` }, context);
      }
      context.note('the head commit has no parent in this clone: scanning its whole history');
      return runGitScan(options, { staged: false, deepen: false }, context);
    }
    case 'image':
      return runImageScan(
        options,
        {
          reference: inputs.image as string,
          platform: DEFAULT_PLATFORM,
          passwordStdin: false,
          insecure: false,
          maxLayerSize: DEFAULT_MAX_LAYER_SIZE,
        },
        { ...context, env: context.env },
      );
    case 'nothing': {
      const setup = await prepareScan(options, context, options.path);
      return finishScan(options, setup, {
        kind: 'git',
        findings: [],
        files: 0,
        bytes: 0,
        skipped: [],
        warnings: [],
      });
    }
  }
}
