import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

import { FakeGitlab } from '../fakes/gitlab/server.js';
import { GitRepo } from '../helpers/git-repo.js';
import { githubToken } from '../scanners/sources/git/git-fixtures.js';
import { CLI, INPUT_REFERENCE, runJob, templateDocuments, type Job } from './template.js';

/*
 * The rotation component end to end: its jobs' scripts run with bash and the CLI under test
 * (KEYLESS_TEST_CLI, as in template.test.ts) against the fake GitLab — publish on a schedule, then
 * promotion in the default-branch pipeline after the merge.
 */
const TEXT = readFileSync(join(process.cwd(), 'gitlab/templates/rotate.yml'), 'utf8');
const TOKEN = 'glpat-Hx8rT2mVq6LzW4nKc9Pb';
const PROJECT = 'northwind-labs/payments/api';
let gitlab: FakeGitlab;
const cleanup: string[] = [];

function job(name: string, inputs: Record<string, string> = {}): Job {
  const { spec, body } = templateDocuments(TEXT);
  const text = body.replace(INPUT_REFERENCE, (_, input: string) =>
    String(inputs[input] ?? spec.inputs[input]?.default),
  );
  const raw = parseAllDocuments(text)[0]!.toJS() as Record<string, Job>;
  const base = raw['.keyless-rotate-base']!;
  const own = raw[name]!;
  return { ...base, ...own, variables: { ...base.variables, ...own.variables } };
}

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build the CLI (npm test) or set KEYLESS_TEST_CLI`);
  gitlab = await new FakeGitlab({ token: TOKEN, projectId: 4711, mrIid: 1, projectPath: PROJECT }).start();
  gitlab.repo.groups.push({ id: 20, full_path: 'northwind-labs', parent_id: null });
});
afterAll(async () => {
  await gitlab.stop();
  cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe('gitlab/templates/rotate.yml end to end', () => {
  it('publishes merge requests with a staged variable, then promotes it after the merge', async () => {
    const leaked = githubToken();
    const files = { 'README.md': '# api\n', 'scripts/release.sh': `#!/bin/sh\nexport GH_TOKEN=${leaked}\n` };
    const repo = GitRepo.create();
    cleanup.push(repo.root);
    const sha = repo.commit('init', files);
    gitlab.repo.commitFiles(files, { message: 'init' });
    const env = {
      KEYLESS_GITLAB_TOKEN: TOKEN,
      CI_API_V4_URL: gitlab.apiUrl,
      CI_PROJECT_ID: '4711',
      CI_PROJECT_PATH: PROJECT,
      CI_DEFAULT_BRANCH: 'main',
      CI_COMMIT_BRANCH: 'main',
      CI_COMMIT_SHA: sha,
      CI_PIPELINE_SOURCE: 'schedule',
      CI_JOB_TOKEN: 'job-token-not-used',
    };
    const publish = await runJob(
      job('keyless-rotate', { generate: 'WEBHOOK_SECRET', labels: 'security' }),
      repo.root,
      env,
    );
    expect(publish.stderr).not.toMatch(/keyless: error/);
    expect(publish.code).toBe(0);
    const requests = gitlab.mrs.all;
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(
      requests.every(
        (mr) => mr.labels.includes('security') && mr.source_branch.startsWith('keyless/rotate/'),
      ),
    ).toBe(true);
    expect(publish.stdout).toMatch(
      /^created +\S+ +http:\/\/127\.0\.0\.1:\d+\/northwind-labs\/payments\/api\/-\/merge_requests\/\d+$/m,
    );

    const staged = gitlab.variables.get('project', 'WEBHOOK_SECRET_NEXT');
    expect(staged).toMatchObject({ masked: true, protected: true, raw: true });
    const value = staged?.value ?? '';
    expect(value.length).toBeGreaterThanOrEqual(16);
    const literal = requests.find(
      (mr) => !gitlab.repo.files(mr.source_branch)['scripts/release.sh']?.includes(leaked),
    );
    expect(literal).toBeDefined();
    for (const secret of [leaked, value]) {
      expect(publish.stdout + publish.stderr).not.toContain(secret);
      expect(JSON.stringify(requests)).not.toContain(secret);
    }

    // The scheduled pipeline again: same merge requests, updated.
    const again = await runJob(job('keyless-rotate', { generate: 'WEBHOOK_SECRET' }), repo.root, env);
    expect(again.code).toBe(0);
    expect(gitlab.mrs.all).toHaveLength(requests.length);
    expect(again.stdout).toMatch(/^updated /m);
    expect(gitlab.variables.get('project', 'WEBHOOK_SECRET_NEXT')?.value).toBe(value);

    // Merge the generated one; the push pipeline on main promotes.
    const generated = requests.find((mr) => mr.description.includes('keyless:staged'));
    const merged = gitlab.mrs.merge(generated?.iid ?? 0);
    const promote = await runJob(job('keyless-rotate-promote'), repo.root, {
      ...env,
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_SHA: merged,
    });
    expect(promote.code).toBe(0);
    expect(gitlab.variables.get('project', 'WEBHOOK_SECRET')).toMatchObject({
      value,
      masked: true,
      protected: true,
    });
    expect(gitlab.variables.get('project', 'WEBHOOK_SECRET_NEXT')).toBeUndefined();
    expect(promote.stdout + promote.stderr).not.toContain(value);
    expect(promote.stderr).toContain('promoted WEBHOOK_SECRET_NEXT -> WEBHOOK_SECRET');
  });
});
