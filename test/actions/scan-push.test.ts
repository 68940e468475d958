import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakeGitHub } from '../fakes/github/server.js';
import { git, GitRepo } from '../helpers/git-repo.js';
import { runAction } from '../helpers/run-action.js';
import { githubToken } from '../scanners/sources/git/git-fixtures.js';

const ZERO = '0'.repeat(40);
const cleanup: string[] = [];
let github: FakeGitHub;
beforeAll(async () => {
  github = await new FakeGitHub().start();
});
afterAll(async () => {
  await github.stop();
  cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function pushEvent(ref: string, before: string, after: string) {
  return {
    ref,
    before,
    after,
    created: before === ZERO,
    deleted: after === ZERO,
    forced: false,
    repository: { full_name: 'acme/shop', default_branch: 'main' },
    head_commit: after === ZERO ? null : { id: after },
  };
}

/** A workspace cloned from a bare "origin", as actions/checkout leaves it. */
function clonedWorkspace(): { work: GitRepo; origin: string } {
  const seed = GitRepo.create();
  cleanup.push(seed.root);
  seed.commit('init', { 'README.md': '# shop\n', 'legacy.env': `LEGACY=${githubToken()}\n` });
  const dir = mkdtempSync(join(tmpdir(), 'keyless-action-push-'));
  cleanup.push(dir);
  const origin = join(dir, 'origin.git');
  git(dir, ['clone', '-q', '--bare', seed.root, origin]);
  git(dir, ['clone', '-q', `file://${origin}`, 'work']);
  const work = new GitRepo(join(dir, 'work'));
  work.git('config', 'user.name', 'Test Author');
  work.git('config', 'user.email', 'author@test.invalid');
  return { work, origin };
}

describe('keyless action on push and other events', () => {
  it('scans only the pushed commits, a new branch against the default branch, nothing for a deletion', async () => {
    const { work } = clonedWorkspace();
    const pushedBefore = githubToken();
    const pushedNow = githubToken();
    const onBranch = githubToken();
    const c1 = work.commit('one', { 'one.env': `ONE=${pushedBefore}\n` });
    const c2 = work.commit('two', { 'two.env': `\nTWO=${pushedNow}\n` });
    work.git('push', '-q', 'origin', 'main');
    github.resetLog();

    const push = await runAction({
      workspace: work.root,
      eventName: 'push',
      payload: pushEvent('refs/heads/main', c1, c2),
      sha: c2,
      ref: 'refs/heads/main',
      apiUrl: github.url,
      inputs: { token: github.token },
    });
    expect(github.violations).toEqual([]);
    expect(push.code).toBe(1);
    expect(push.outputs['findings']).toBe('1');
    expect(github.checkRuns.at(-1)?.created['head_sha']).toBe(c2);
    expect(github.checkRuns.at(-1)?.annotations.map((a) => [a['path'], a['start_line']])).toEqual([
      ['two.env', 2],
    ]);
    // No pull request, no comment.
    expect(github.requests.some((r) => r.operationId.startsWith('issues/'))).toBe(false);

    // The default branch's first push: everything it holds is new.
    const created = await runAction({
      workspace: work.root,
      eventName: 'push',
      payload: pushEvent('refs/heads/main', ZERO, c2),
      sha: c2,
      ref: 'refs/heads/main',
      inputs: { token: '' },
    });
    expect(created.code).toBe(1);
    expect(created.stdout).toContain('first push of main: its whole history');
    expect(created.outputs['findings']).toBe('3');

    work.checkout('feature', true);
    const c3 = work.commit('feature', { 'src/config.ts': `export const token = '${onBranch}';\n` });
    const branch = await runAction({
      workspace: work.root,
      eventName: 'push',
      payload: pushEvent('refs/heads/feature', ZERO, c3),
      sha: c3,
      ref: 'refs/heads/feature',
      apiUrl: github.url,
      inputs: { token: github.token },
    });
    expect(github.violations).toEqual([]);
    expect(branch.code).toBe(1);
    expect(branch.outputs['findings']).toBe('1');
    expect(github.checkRuns.at(-1)?.annotations.map((a) => a['path'])).toEqual(['src/config.ts']);
    for (const secret of [pushedBefore, pushedNow, onBranch]) {
      expect(push.stderr + branch.stderr + push.summary + branch.summary).not.toContain(secret);
    }

    const deleted = await runAction({
      workspace: work.root,
      eventName: 'push',
      payload: pushEvent('refs/heads/old', c1, ZERO),
      sha: c1,
      ref: 'refs/heads/old',
      inputs: { token: '', annotations: 'true' },
    });
    expect(deleted.code).toBe(0);
    expect(deleted.outputs['findings']).toBe('0');
    expect(deleted.stdout).toContain('push deleted the branch');
  });

  it('fails closed when the PR base is not in the clone and cannot be fetched', async () => {
    const { work } = clonedWorkspace();
    const head = work.commit('x', { 'x.txt': 'x\n' });
    const missing = 'b'.repeat(40);
    const result = await runAction({
      workspace: work.root,
      eventName: 'pull_request',
      payload: {
        number: 3,
        pull_request: { number: 3, base: { sha: missing }, head: { sha: head } },
      },
      sha: head,
      ref: 'refs/pull/3/merge',
      inputs: { token: '' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::keyless: .*could not fetch|::error::keyless: .*not a commit/);
  });

  it('scans the working tree on other events, annotating paths relative to the repository', async () => {
    const { work } = clonedWorkspace();
    const secret = githubToken();
    mkdirSync(join(work.root, 'services/api'), { recursive: true });
    writeFileSync(join(work.root, 'services/api/.env'), `# api\nGH=${secret}\n`);
    github.resetLog();
    const result = await runAction({
      workspace: work.root,
      eventName: 'workflow_dispatch',
      payload: { inputs: {} },
      sha: work.head(),
      ref: 'refs/heads/main',
      apiUrl: github.url,
      inputs: { token: github.token, path: 'services/api', 'fail-on': 'critical' },
    });
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('workflow_dispatch event carries no range: the working tree');
    // A directory scan runs on worker threads loaded from the bundle itself; a worker that cannot
    // start would surface as a warning.
    expect(result.stdout).not.toMatch(/^::warning::/m);
    expect(github.checkRuns.at(-1)?.annotations.map((a) => [a['path'], a['start_line']])).toEqual([
      ['services/api/.env', 2],
    ]);
    expect(
      result.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(secret);

    const lenient = await runAction({
      workspace: work.root,
      eventName: 'workflow_dispatch',
      payload: {},
      sha: work.head(),
      ref: 'refs/heads/main',
      inputs: { token: '', path: 'services/api', 'fail-on': 'none' },
    });
    expect(lenient.code).toBe(0);
    expect(lenient.outputs['new-findings']).toBe('1');
  });
});
