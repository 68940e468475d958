import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { FakeGitHub } from '../fakes/github/server.js';
import { GitRepo } from '../helpers/git-repo.js';
import { runAction, type ActionRun } from '../helpers/run-action.js';
import { githubToken } from '../scanners/sources/git/git-fixtures.js';

const cleanup: string[] = [];
let github: FakeGitHub;
beforeAll(async () => {
  github = await new FakeGitHub().start();
});
afterAll(async () => {
  await github.stop();
  cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function pullRequestEvent(
  action: string,
  number: number,
  base: string,
  head: string,
  headRepo = 'acme/shop',
) {
  return {
    action,
    number,
    pull_request: {
      number,
      state: 'open',
      base: { ref: 'main', sha: base, repo: { full_name: 'acme/shop', fork: false } },
      head: { ref: 'feature', sha: head, repo: { full_name: headRepo, fork: headRepo !== 'acme/shop' } },
    },
    repository: { full_name: 'acme/shop', default_branch: 'main' },
  };
}

/** Every file the step left in RUNNER_TEMP (reports, event, output, summary). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The raw value must appear nowhere except in the runner's own `::add-mask::` command. */
function expectNowhere(secret: string, run: ActionRun): void {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(stdout).not.toContain(secret);
  expect(run.stderr).not.toContain(secret);
  expect(JSON.stringify(run.outputs)).not.toContain(secret);
  expect(run.summary).not.toContain(secret);
  for (const file of filesUnder(run.dir)) expect(readFileSync(file, 'utf8')).not.toContain(secret);
  expect(JSON.stringify(github.requests)).not.toContain(secret);
  expect(JSON.stringify(github.comments)).not.toContain(secret);
}

function run(
  workspace: string,
  payload: Record<string, unknown>,
  sha: string,
  inputs: Record<string, string> = {},
) {
  return runAction({
    workspace,
    eventName: 'pull_request',
    payload,
    sha,
    ref: `refs/pull/${String(payload['number'])}/merge`,
    apiUrl: github.url,
    inputs: { token: github.token, ...inputs },
  });
}

describe('keyless action on pull requests', () => {
  it('publishes a check run, annotation, summary and one comment kept up to date; masks first', async () => {
    const repo = GitRepo.create();
    cleanup.push(repo.root);
    const token = githubToken();
    const base = repo.commit('init', { 'README.md': '# shop\n', 'old.env': `OLD=${githubToken()}\n` });
    repo.checkout('feature', true);
    repo.commit('docs', { 'docs/a.md': 'hello\n' });
    const head = repo.commit('deploy', { 'ci/deploy.sh': `#!/bin/sh\n\nexport GH_TOKEN=${token}\n` });
    github.resetLog();

    const first = await run(repo.root, pullRequestEvent('opened', 7, base, head), head);
    expect(github.violations).toEqual([]);
    expect(first.code).toBe(1);
    expectNowhere(token, first);

    // The mask is registered before any line of the step's log says anything about the finding.
    const lines = first.stdout.split('\n');
    const mask = lines.findIndex((line) => line === `::add-mask::${token}`);
    const firstMention = lines.findIndex((line) =>
      /deploy\.sh|GitHub personal access token|found/.test(line),
    );
    expect(mask).toBeGreaterThanOrEqual(0);
    expect(mask).toBeLessThan(firstMention);
    expect(first.stdout).toContain('::error::keyless: 1 secret(s) at or above fail-on: low');

    // Only what the PR adds: the secret already on main is not reported.
    expect(first.outputs).toMatchObject({ findings: '1', 'new-findings': '1', critical: '1', high: '0' });
    expect(JSON.parse(first.outputs['counts'] ?? '')).toEqual({ critical: 1, high: 0, medium: 0, low: 0 });
    const sarif = JSON.parse(readFileSync(first.outputs['sarif-file'] ?? '', 'utf8')) as { version: string };
    expect(sarif.version).toBe('2.1.0');
    expect(existsSync(first.outputs['json-file'] ?? '')).toBe(true);
    expect(first.outputs['sarif-file']?.startsWith(first.dir)).toBe(true);

    const checkRun = github.checkRuns.at(-1);
    expect(checkRun?.created).toMatchObject({
      name: 'Keyless secret scan',
      head_sha: head,
      status: 'in_progress',
    });
    expect(checkRun?.updates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(checkRun?.annotations).toEqual([
      expect.objectContaining({
        path: 'ci/deploy.sh',
        start_line: 3,
        end_line: 3,
        annotation_level: 'failure',
        title: 'GitHub personal access token (classic)',
        message: expect.stringMatching(/ghp_…\(40 chars\)[\s\S]*First revoke or rotate it at GitHub/),
      }),
    ]);
    expect(first.summary).toContain('| Severity | Rule | Location | Preview |');
    expect(first.summary).toContain('`ci/deploy.sh:3:');

    const comments = github.comments.filter((c) => c.issue === 7);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toContain('<!-- keyless:secret-scan -->');
    expect(body.indexOf('Revoke or rotate')).toBeLessThan(body.indexOf('secret store'));
    expect(body).toContain('keyless baseline create');
    expect(body).toMatch(/[0-9a-f]{32} {2}github-pat-classic {2}ci\/deploy\.sh:3/);

    // A second run (synchronize) edits the same comment instead of adding one.
    github.addComment(7, 'LGTM from a human');
    const second = await run(repo.root, pullRequestEvent('synchronize', 7, base, head), head);
    expect(second.code).toBe(1);
    expect(github.comments.filter((c) => c.issue === 7)).toHaveLength(2);
    expect(github.requests.filter((r) => r.operationId === 'issues/create-comment')).toHaveLength(1);
    expect(github.requests.filter((r) => r.operationId === 'issues/update-comment')).toHaveLength(1);

    // base == head (the PR was reset to its base): passes, and the comment says the findings are gone.
    const empty = await run(repo.root, pullRequestEvent('synchronize', 7, base, base), base);
    expect(github.violations).toEqual([]);
    expect(empty.code).toBe(0);
    expect(empty.outputs).toMatchObject({ findings: '0', 'new-findings': '0' });
    expect(github.checkRuns.at(-1)?.updates.at(-1)).toMatchObject({ conclusion: 'success' });
    const updated = github.comments.find((c) => c.issue === 7 && c.body.includes('keyless:secret-scan'));
    expect(updated?.body).toContain('No secrets found');
    expect(github.comments.filter((c) => c.issue === 7)).toHaveLength(2);
  });

  it('pages more than 50 annotations and uploads SARIF with the commit and ref', async () => {
    const repo = GitRepo.create();
    cleanup.push(repo.root);
    const base = repo.commit('init', { 'README.md': '# shop\n' });
    const tokens = Array.from({ length: 120 }, () => githubToken());
    const head = repo.commit('many', {
      'config/tokens.env': tokens.map((t, i) => `TOKEN_${i}=${t}`).join('\n') + '\n',
    });
    github.resetLog();
    const result = await run(repo.root, pullRequestEvent('opened', 8, base, head), head, {
      'upload-sarif': 'true',
      'sarif-category': 'secrets',
      comment: 'false',
    });
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.outputs['findings']).toBe('120');

    const checkRun = github.checkRuns.at(-1);
    const pages = checkRun?.updates.map(
      (u) => ((u['output'] as { annotations?: unknown[] }).annotations ?? []).length,
    );
    expect(pages).toEqual([50, 50, 20]);
    for (const update of checkRun?.updates ?? []) {
      expect(((update['output'] as { summary: string }).summary ?? '').length).toBeLessThanOrEqual(65535);
    }
    // Only the last update completes the run.
    expect(checkRun?.updates.map((u) => u['conclusion'])).toEqual([undefined, undefined, 'failure']);
    expect(new Set(checkRun?.annotations.map((a) => a['start_line']))).toEqual(
      new Set(tokens.map((_t, i) => i + 1)),
    );
    expect(github.requests.some((r) => r.operationId.startsWith('issues/'))).toBe(false);

    const upload = github.sarifs.at(-1) as { commit_sha: string; ref: string; sarif: string };
    expect(upload.commit_sha).toBe(head);
    expect(upload.ref).toBe('refs/pull/8/merge');
    const { gunzipSync } = await import('node:zlib');
    const { sarifValidator } = await import('../scanners/reports/schemas.js');
    const log = JSON.parse(gunzipSync(Buffer.from(upload.sarif, 'base64')).toString('utf8')) as {
      runs: { results: unknown[]; automationDetails?: { id: string } }[];
    };
    const validate = sarifValidator();
    expect(validate(log)).toBe(true);
    expect(log.runs[0]?.results).toHaveLength(120);
    expect(log.runs[0]?.automationDetails).toEqual({ id: 'secrets/' });
    for (const token of tokens.slice(0, 5)) expectNowhere(token, result);
  });

  it('finds its own comment past the first page of a long conversation and edits it', async () => {
    const repo = GitRepo.create();
    cleanup.push(repo.root);
    const base = repo.commit('init', { 'README.md': '# shop\n' });
    const head = repo.commit('leak', { '.env': `GH=${githubToken()}\n` });
    for (let i = 0; i < 120; i++) github.addComment(11, `comment ${i}`);
    const ours = github.addComment(11, '<!-- keyless:secret-scan -->\nold results');
    for (let i = 0; i < 30; i++) github.addComment(11, `later ${i}`);
    github.resetLog();
    const result = await run(repo.root, pullRequestEvent('synchronize', 11, base, head), head);
    expect(github.violations).toEqual([]);
    expect(result.code).toBe(1);
    const lists = github.requests.filter((r) => r.operationId === 'issues/list-comments');
    expect(lists.map((r) => r.query['page'])).toEqual(['1', '2']);
    expect(github.requests.filter((r) => r.operationId === 'issues/create-comment')).toEqual([]);
    expect(ours.body).toContain('.env:1');
    expect(github.comments.filter((c) => c.issue === 11)).toHaveLength(151);
  });

  it('degrades on a fork PR read-only token: workflow-command annotations, summary, failing job', async () => {
    const repo = GitRepo.create();
    cleanup.push(repo.root);
    const token = githubToken();
    const base = repo.commit('init', { 'README.md': '# shop\n' });
    const head = repo.commit('leak', { 'app/settings.py': `\nGITHUB_TOKEN = "${token}"\n` });
    for (const op of [
      'checks/create',
      'issues/list-comments',
      'issues/create-comment',
      'code-scanning/upload-sarif',
    ])
      github.forbidden.add(op);
    github.resetLog();
    try {
      const result = await run(repo.root, pullRequestEvent('opened', 9, base, head, 'someone/shop'), head, {
        'upload-sarif': 'true',
      });
      expect(github.violations).toEqual([]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /::warning::cannot create a check run: the token may not \(a pull request from a fork/,
      );
      expect(result.stdout).toMatch(/::warning::cannot comment on the pull request/);
      expect(result.stdout).toMatch(/::warning::cannot upload SARIF/);
      expect(result.stdout).toMatch(
        /::error title=GitHub personal access token \(classic\),file=app\/settings\.py,line=2,endLine=2::/,
      );
      expect(result.summary).toContain('`app/settings.py:2:');
      expect(result.summary).toContain('through workflow commands');
      expect(github.comments.filter((c) => c.issue === 9)).toEqual([]);
      expectNowhere(token, result);
    } finally {
      github.forbidden.clear();
    }
  });
});
