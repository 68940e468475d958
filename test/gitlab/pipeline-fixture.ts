import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { GitRepo, git } from '../helpers/git-repo.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(length: number): string {
  return Array.from({ length }, () => BASE62[randomInt(BASE62.length)]).join('');
}

/** Fresh fake secrets per run: a checksummed GitHub token (critical) and a generic API key (medium). */
export function plantedSecrets(): { github: string; generic: string; legacy: string } {
  return {
    github: withCrc32Suffix('ghp_', base62(30)),
    generic: randomBytes(16).toString('hex'),
    legacy: randomBytes(16).toString('hex'),
  };
}

export const ZERO_SHA = '0'.repeat(40);

/**
 * An origin repository shaped like a merge request: `main` has an old secret (legacy/settings.ini),
 * `feature` branches off, adds a clean commit, then a commit with two secrets, then a clean commit;
 * `main` moves on after the branch point.
 */
export interface MrRepo {
  origin: GitRepo;
  secrets: ReturnType<typeof plantedSecrets>;
  branchPoint: string;
  clean1: string;
  leak: string;
  clean2: string;
}

export function createMrRepo(): MrRepo {
  const secrets = plantedSecrets();
  const origin = GitRepo.create();
  origin.commit('initial', {
    'README.md': '# shop\n',
    'legacy/settings.ini': `[payments]\napi_key = "${secrets.legacy}"\n`,
  });
  const branchPoint = origin.commit('main work', { 'src/index.ts': 'export const answer = 42;\n' });
  origin.checkout('feature', true);
  const clean1 = origin.commit('feature: helper', {
    'src/helper.ts': 'export const twice = (n: number) => 2 * n;\n',
  });
  const leak = origin.commit('feature: deploy settings', {
    'config/deploy.env': `# deploy\nREGION=eu-west-1\nGITHUB_TOKEN=${secrets.github}\n`,
    'src/client.ts': `export const client = {\n  url: 'https://api.internal.test',\n  api_key: "${secrets.generic}",\n};\n`,
  });
  const clean2 = origin.commit('feature: docs', { 'docs/usage.md': 'Run the deploy.\n' });
  origin.checkout('main');
  origin.commit('main moves on', { 'README.md': '# shop\n\nNow with docs.\n' });
  return { origin, secrets, branchPoint, clean1, leak, clean2 };
}

/**
 * A CI checkout as the GitLab runner makes it: a fresh repository, a shallow fetch (GIT_DEPTH=1) of
 * the pipeline's ref from `origin`, the commit checked out detached.
 */
export function ciClone(origin: GitRepo, branch: string, sha: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-ci-'));
  git(dir, ['init', '-q']);
  git(dir, ['remote', 'add', 'origin', `file://${origin.root}`]);
  git(dir, ['fetch', '-q', '--depth', '1', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
  git(dir, ['checkout', '-q', '--detach', sha]);
  return dir;
}

/** Predefined variables of a merge request pipeline (merge_request_event). */
export function mrEnv(repo: MrRepo, head: string, base = repo.branchPoint): NodeJS.ProcessEnv {
  return {
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_IID: '4',
    CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_COMMIT_SHA: head,
    CI_COMMIT_BEFORE_SHA: ZERO_SHA,
    CI_COMMIT_REF_NAME: 'feature',
    CI_PROJECT_ID: '77',
    CI_PIPELINE_URL: 'https://gitlab.test/acme/shop/-/pipelines/901',
  };
}

/** Predefined variables of a branch pipeline (push). */
export function pushEnv(before: string, head: string): NodeJS.ProcessEnv {
  return {
    CI_PIPELINE_SOURCE: 'push',
    CI_COMMIT_BRANCH: 'feature',
    CI_COMMIT_REF_NAME: 'feature',
    CI_COMMIT_BEFORE_SHA: before,
    CI_COMMIT_SHA: head,
    CI_PROJECT_ID: '77',
  };
}

export function readJson(path: string): unknown {
  if (!existsSync(path)) throw new Error(`${path} was not written`);
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}
