import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { stagedFromBody } from '../../rotation/staged.js';
import { FakeGitHub } from '../fakes/github/server.js';
import { GitRepo } from '../helpers/git-repo.js';
import { runAction, type ActionRun } from '../helpers/run-action.js';
import { githubToken } from '../scanners/sources/git/git-fixtures.js';

/**
 * The bundled rotate action (dist/rotate/index.js, or the bundle named by KEYLESS_TEST_ROTATE_ACTION)
 * run as the runner does, against the fake GitHub: a scheduled publish, then promotion on the merge.
 */
const ROTATE = process.env['KEYLESS_TEST_ROTATE_ACTION'] ?? join(process.cwd(), 'dist/rotate/index.js');
const cleanup: string[] = [];
let github: FakeGitHub;

beforeAll(async () => {
  if (!existsSync(ROTATE))
    throw new Error(`${ROTATE} is missing: build the bundles, or set KEYLESS_TEST_ROTATE_ACTION`);
  github = await new FakeGitHub().start();
});
afterAll(async () => {
  await github.stop();
  cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** Outside `::add-mask::` lines, a value appears nowhere the runner or GitHub keeps. */
function expectNowhere(value: string, run: ActionRun): void {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(stdout).not.toContain(value);
  expect(run.stderr).not.toContain(value);
  expect(run.summary).not.toContain(value);
  expect(JSON.stringify(run.outputs)).not.toContain(value);
  expect(JSON.stringify(github.pulls.pulls)).not.toContain(value);
}

describe('bundled rotate action', () => {
  it('publishes a literal removal and a two-phase generated secret, then promotes on the merge', async () => {
    const leaked = githubToken();
    const files = {
      'README.md': '# shop\n',
      'src/release.ts': `export const token = '${leaked}';\n`,
      '.github/workflows/deploy.yml': [
        'name: deploy',
        'on: push',
        'jobs:',
        '  deploy:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: aws-actions/configure-aws-credentials@v4',
        '        with:',
        '          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}',
        '          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}',
        '          aws-region: eu-west-1',
        '      - run: ./deploy.sh',
        '',
      ].join('\n'),
    };
    const repo = GitRepo.create();
    cleanup.push(repo.root);
    const sha = repo.commit('init', files);
    github.git.commitFiles(files, { message: 'init' });
    github.secrets.set('DEPLOY_HOOK', 'Vb2mQ7xK4tLr9WcN', { updatedAt: '2025-01-02T03:04:05Z' });

    const publish = await runAction({
      script: ROTATE,
      workspace: repo.root,
      eventName: 'schedule',
      payload: {},
      sha,
      ref: 'refs/heads/main',
      apiUrl: github.url,
      inputs: { token: github.token, generate: 'WEBHOOK_SECRET' },
      env: { GITHUB_ACTION_REPOSITORY: 'northwind-labs/keyless', GITHUB_ACTION_REF: 'v2.4.0' },
    });
    expect(publish.stdout).not.toMatch(/::error::/);
    expect(publish.code).toBe(0);
    expect(github.violations).toEqual([]);
    const results = JSON.parse(publish.outputs['results'] ?? '[]') as { id: string; action: string }[];
    expect(results.map((r) => r.id.split('-')[0]).sort()).toEqual(['generated', 'literal', 'oidc', 'stale']);
    expect(results.every((r) => r.action === 'created')).toBe(true);
    expect(Number(publish.outputs['created'])).toBe(results.length);

    // The workflow migration uses the credentials action of the same release as this step.
    const migration = github.pulls.pulls.find((p) => p.head.startsWith('keyless/rotate/oidc-'));
    const workflow = github.git.files(migration?.head ?? '')['.github/workflows/deploy.yml'] ?? '';
    expect(workflow).toContain('uses: northwind-labs/keyless/actions/credentials@v2.4.0');
    expect(workflow).not.toContain('secrets.AWS_SECRET_ACCESS_KEY');

    // Phase 1: the new value is staged (the fake opened the sealed box) before any pull request names it.
    const staged = github.secrets.value('WEBHOOK_SECRET_NEXT');
    expect(staged).toMatch(/^.{16,}$/);
    expect(publish.stdout).toContain(`::add-mask::${staged}`);
    const generated = github.pulls.pulls.find((p) => stagedFromBody(p.body).length > 0);
    expect(stagedFromBody(generated?.body ?? '')).toEqual([
      { name: 'WEBHOOK_SECRET', scope: { kind: 'repository' } },
    ]);
    expect(generated?.labels).toEqual(expect.arrayContaining(['keyless', 'rotation']));

    // The literal is gone from the rotation branch's file; the body never carries it.
    const literal = github.pulls.pulls.find(
      (p) => github.git.files(p.head)['src/release.ts'] !== files['src/release.ts'],
    );
    expect(literal).toBeDefined();
    expect(github.git.files(literal?.head ?? '')['src/release.ts']).not.toContain(leaked);
    expectNowhere(leaked, publish);
    expectNowhere(staged ?? '', publish);

    // A second scheduled run updates the same pull requests.
    const again = await runAction({
      script: ROTATE,
      workspace: repo.root,
      eventName: 'schedule',
      payload: {},
      sha,
      ref: 'refs/heads/main',
      apiUrl: github.url,
      inputs: { token: github.token, generate: 'WEBHOOK_SECRET' },
    });
    expect(again.code).toBe(0);
    expect(again.outputs['created']).toBe('0');
    expect(Number(again.outputs['updated'])).toBe(results.length);
    expect(github.secrets.value('WEBHOOK_SECRET_NEXT')).toBe(staged);

    // Phase 2 on the merge: the workflow passes ${{ toJSON(secrets) }}.
    const promote = await runAction({
      script: ROTATE,
      workspace: repo.root,
      eventName: 'pull_request',
      payload: {
        action: 'closed',
        pull_request: {
          number: generated?.number,
          merged: true,
          body: generated?.body,
          head: { ref: generated?.head, repo: { full_name: 'acme/shop' } },
        },
      },
      sha,
      ref: 'refs/heads/main',
      apiUrl: github.url,
      inputs: {
        token: github.token,
        mode: 'promote',
        'staged-secrets': JSON.stringify({
          github_token: 'ghs_runnerTokenNotUsedHere',
          WEBHOOK_SECRET_NEXT: staged,
        }),
      },
    });
    expect(promote.code).toBe(0);
    expect(promote.outputs['promoted']).toBe('1');
    expect(github.secrets.value('WEBHOOK_SECRET')).toBe(staged);
    expect(github.secrets.names()).not.toContain('WEBHOOK_SECRET_NEXT');
    expectNowhere(staged ?? '', promote);
    expect(github.violations).toEqual([]);
  });

  it('fails before any request without a token, naming the GitHub App token', async () => {
    const dir = join(GitRepo.create().root);
    cleanup.push(dir);
    mkdirSync(join(dir, '.keyless'), { recursive: true });
    writeFileSync(join(dir, '.keyless/rotation.yml'), 'version: 1\nsecrets: []\n');
    github.resetLog();
    const run = await runAction({
      script: ROTATE,
      workspace: dir,
      eventName: 'schedule',
      payload: {},
      sha: '',
      ref: '',
      apiUrl: github.url,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::keyless: input token: a GitHub App installation token is needed/);
    expect(github.requests).toEqual([]);
  });
});
