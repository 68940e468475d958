import { PassThrough } from 'node:stream';

import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';

import { main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';
import { FakeGitlab } from '../fakes/gitlab/server.js';
import { GitRepo } from '../helpers/git-repo.js';

const TOKEN = 'glpat-Wd3nR8qLx2Tz7VbK5mPf';
const CI = `deploy:
  script:
    - aws s3 sync dist s3://assets --delete
    - test -n "$AWS_SECRET_ACCESS_KEY"
`;

let gitlab: FakeGitlab;
let repo: GitRepo;
beforeAll(async () => {
  gitlab = await new FakeGitlab({
    token: TOKEN,
    projectId: 4711,
    mrIid: 1,
    projectPath: 'acme/shop',
  }).start();
  gitlab.repo.commitFiles({ '.gitlab-ci.yml': CI }, { message: 'init' });
  repo = GitRepo.create();
  repo.commit('init', { '.gitlab-ci.yml': CI });
});
afterAll(async () => {
  repo.remove();
  await gitlab.stop();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const env = {
    GITLAB_CI: 'true',
    KEYLESS_GITLAB_TOKEN: TOKEN,
    CI_API_V4_URL: gitlab.apiUrl,
    CI_PROJECT_ID: '4711',
    CI_PROJECT_PATH: 'acme/shop',
    CI_SERVER_URL: 'https://gitlab.acme.test',
  };
  const code = await main(['rotate', ...args], { stdout, stderr, env } as unknown as Io);
  return { code, out, err };
}

describe('keyless rotate on GitLab', () => {
  it('opens merge requests, then promotes the staged value after the merge', async () => {
    const published = await run([repo.root, '--generate', 'PARTNER_HMAC@environment:production']);
    expect(published.err).not.toContain('error');
    expect(published.code).toBe(0);
    expect(published.out).toMatch(/^created +oidc-gitlab-ci-deploy/m);
    expect(published.out).toMatch(/^created +generated-partner-hmac-production/m);
    const mr = gitlab.repo.mergeRequests.find(
      (m) => m.source_branch === 'keyless/rotate/oidc-gitlab-ci-deploy',
    );
    expect(mr?.description).toContain(
      '"gitlab.acme.test:sub": "project_path:acme/shop:ref_type:branch:ref:main"',
    );
    const staged = gitlab.variables.get('project', 'PARTNER_HMAC_NEXT', 'production')?.value as string;
    expect(staged).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const generated = gitlab.repo.mergeRequests.find((m) =>
      m.source_branch.startsWith('keyless/rotate/generated-'),
    );
    const sha = gitlab.repo.merge(generated?.iid ?? 0);
    const promoted = await run(['promote', '--sha', sha]);
    expect(promoted.code).toBe(0);
    expect(promoted.err).toContain('promoted PARTNER_HMAC_NEXT -> PARTNER_HMAC');
    expect(gitlab.variables.get('project', 'PARTNER_HMAC', 'production')?.value).toBe(staged);
    expect(promoted.out + promoted.err + published.out + published.err).not.toContain(staged);
  });
});
