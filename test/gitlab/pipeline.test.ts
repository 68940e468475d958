import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCodeQualityShape } from '../scanners/reports/codequality-shape.js';
import { errorsOf, gitlabValidator } from '../scanners/reports/schemas.js';
import { git } from '../helpers/git-repo.js';
import { FakeGitlab } from '../fakes/gitlab/server.js';
import { CLI, loadJobs, runJob, type JobRun } from './template.js';
import {
  ZERO_SHA,
  ciClone,
  createMrRepo,
  mrEnv,
  pushEnv,
  readJson,
  type MrRepo,
} from './pipeline-fixture.js';

const REPORT = 'gl-secret-detection-report.json';
const CODE_QUALITY = 'gl-code-quality-report.json';
const validate = gitlabValidator();

interface Vulnerability {
  severity: string;
  location: { file: string; start_line: number; commit: { sha: string } };
  identifiers: Array<{ value: string }>;
  details: { fingerprint: { value: string } };
}

let repo: MrRepo;
const outputs: string[] = [];
const dirs: string[] = [];

function record(run: JobRun, ...files: string[]): JobRun {
  outputs.push(run.stdout, run.stderr, ...files.filter(existsSync).map((f) => readFileSync(f, 'utf8')));
  return run;
}

/** Runs the report job in a fresh CI clone; returns the clone and the run. */
async function reportJob(
  branch: string,
  sha: string,
  env: NodeJS.ProcessEnv,
  inputs: Record<string, string | boolean> = {},
  shell = 'bash',
): Promise<{ dir: string; run: JobRun; vulnerabilities: Vulnerability[] }> {
  const dir = ciClone(repo.origin, branch, sha);
  dirs.push(dir);
  const run = record(
    await runJob(loadJobs(inputs)['keyless-secret-detection'] ?? {}, dir, env, shell),
    join(dir, REPORT),
    join(dir, CODE_QUALITY),
  );
  if (run.code !== 0) throw new Error(`report job exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  const report = readJson(join(dir, REPORT)) as { vulnerabilities: Vulnerability[] };
  expect({ valid: validate(report), errors: errorsOf(validate) }).toEqual({ valid: true, errors: '[]' });
  expectCodeQualityShape(readJson(join(dir, CODE_QUALITY)));
  return { dir, run, vulnerabilities: report.vulnerabilities };
}

/** Runs the blocking job where only the report job's artifacts are (GIT_STRATEGY: none). */
async function checkJob(from: string, env: NodeJS.ProcessEnv = {}, inputs = {}): Promise<JobRun> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-check-'));
  dirs.push(dir);
  for (const file of [REPORT, CODE_QUALITY]) copyFileSync(join(from, file), join(dir, file));
  return record(await runJob(loadJobs(inputs)['keyless-secret-check'] ?? {}, dir, env));
}

const rules = (v: Vulnerability[]): string[] => v.map((x) => x.identifiers[0]?.value ?? '').sort();

beforeAll(() => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build the CLI (npm test) or set KEYLESS_TEST_CLI`);
  repo = createMrRepo();
});

afterAll(() => {
  // The planted values must not appear in anything a job printed or published.
  const leaked = outputs.filter((text) =>
    Object.values(repo.secrets).some((secret) => text.includes(secret)),
  );
  expect(leaked).toEqual([]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  repo.origin.remove();
});

describe('GitLab secret-detection jobs, run as the runner would', () => {
  it('merge request pipeline: scans what the MR adds from a shallow clone, then blocks', async () => {
    const env = mrEnv(repo, repo.clean2);
    const { dir, run, vulnerabilities } = await reportJob('feature', repo.clean2, env);
    expect(run.stdout).toContain(`merge request !4: scanning ${repo.branchPoint}..${repo.clean2}`);
    expect(git(dir, ['rev-parse', '--is-shallow-repository'])).toBe('false');
    expect(rules(vulnerabilities)).toEqual(['generic-api-key', 'github-pat-classic']);
    for (const v of vulnerabilities) expect(v.location.commit.sha).toBe(repo.leak);
    const github = vulnerabilities.find((v) => v.identifiers[0]?.value === 'github-pat-classic');
    expect(github?.location).toMatchObject({ file: 'config/deploy.env', start_line: 3 });
    const quality = readJson(join(dir, CODE_QUALITY)) as Array<{
      severity: string;
      location: { path: string };
    }>;
    expect(quality.map((i) => `${i.severity} ${i.location.path}`).sort()).toEqual([
      'blocker config/deploy.env',
      'major src/client.ts',
    ]);

    const failing = await checkJob(dir);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('2 findings (1 critical, 1 medium) at or above low');
    expect(failing.stdout).toContain('Revoke or rotate each credential at its provider first');
    expect(failing.stdout).toMatch(/CRITICAL config\/deploy\.env:3 .*ghp_…\(40 chars\)/);
    expect((await checkJob(dir, {}, { 'fail-on': 'critical' })).code).toBe(1);
    expect((await checkJob(dir, { KEYLESS_FAIL_ON: 'none' })).code).toBe(0);
  });

  it('merge request note job: one note, created then updated, 403 and a missing token are warnings', async () => {
    const token = 'glpat-Vd7qKs2NwX9rLb4TcYe1';
    const server = await new FakeGitlab({ token, projectId: 77, mrIid: 4 }).start();
    try {
      const env = { ...mrEnv(repo, repo.clean2), CI_API_V4_URL: server.apiUrl, KEYLESS_GITLAB_TOKEN: token };
      const { dir } = await reportJob('feature', repo.clean2, env);
      const noteJob = loadJobs({ 'mr-note': true })['keyless-secret-mr-note'] ?? {};
      const first = record(await runJob(noteJob, dir, env));
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/note \d+ on merge request !4 created/);
      // A rerun (new commit, same findings) updates the same note; a new head sha changes its text.
      const second = record(await runJob(noteJob, dir, { ...env, CI_COMMIT_SHA: repo.leak }));
      expect(second.stderr).toMatch(/note \d+ on merge request !4 updated/);
      expect(server.notes).toHaveLength(1);
      const body = server.notes[0]?.body ?? '';
      outputs.push(body);
      expect(body).toContain('**2 findings (1 critical, 1 medium)**');
      expect(body).toContain('`config/deploy.env:3`');
      expect(body).toContain('ghp_…(40 chars)');
      expect(body).toContain('([pipeline](https://gitlab.test/acme/shop/-/pipelines/901))');

      const withoutToken = { ...env, KEYLESS_GITLAB_TOKEN: '' };
      const missing = record(await runJob(noteJob, dir, withoutToken));
      expect(missing.code).toBe(0);
      expect(missing.stderr).toContain('warning: no token');
      expect(missing.stderr).toContain('CI_JOB_TOKEN cannot write merge request notes');
    } finally {
      await server.stop();
    }
    const forbidden = await new FakeGitlab({
      token: 'glpat-Rb5mWq8ZcT2xNd7LpKa3',
      projectId: 77,
      mrIid: 4,
      forbidden: true,
    }).start();
    try {
      const { dir } = await reportJob('feature', repo.clean2, mrEnv(repo, repo.clean2));
      const env = {
        ...mrEnv(repo, repo.clean2),
        CI_API_V4_URL: forbidden.apiUrl,
        GITLAB_TOKEN: 'glpat-Rb5mWq8ZcT2xNd7LpKa3',
      };
      const run = record(
        await runJob(loadJobs({ 'mr-note': true })['keyless-secret-mr-note'] ?? {}, dir, env),
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('warning: GitLab answered 403');
      expect(forbidden.notes).toHaveLength(0);
    } finally {
      await forbidden.stop();
    }
  });

  it('uses the baseline input and the fail-on input together', async () => {
    const first = await reportJob('feature', repo.clean2, mrEnv(repo, repo.clean2));
    const fingerprint = first.vulnerabilities.find((v) => v.identifiers[0]?.value === 'github-pat-classic')
      ?.details.fingerprint.value;
    const baseline = { version: 1, entries: [{ fingerprint, reason: 'rotated on 2025-01-02' }] };
    const dir = ciClone(repo.origin, 'feature', repo.clean2);
    dirs.push(dir);
    writeFileSync(join(dir, 'ci-baseline.json'), JSON.stringify(baseline));
    const job = loadJobs({ baseline: 'ci-baseline.json' })['keyless-secret-detection'] ?? {};
    const run = record(await runJob(job, dir, mrEnv(repo, repo.clean2)), join(dir, REPORT));
    expect(run.code).toBe(0);
    const report = readJson(join(dir, REPORT)) as { vulnerabilities: Vulnerability[] };
    expect(rules(report.vulnerabilities)).toEqual(['generic-api-key']);
    expect((await checkJob(dir, {}, { 'fail-on': 'high' })).code).toBe(0);
    expect((await checkJob(dir, {}, { 'fail-on': 'medium' })).code).toBe(1);
  });

  it('branch pipeline: scans only the pushed commits', async () => {
    const pushed = await reportJob('feature', repo.clean2, pushEnv(repo.clean1, repo.clean2));
    expect(pushed.run.stdout).toContain(`push to feature: scanning ${repo.clean1}..${repo.clean2}`);
    expect(rules(pushed.vulnerabilities)).toEqual(['generic-api-key', 'github-pat-classic']);
    const later = await reportJob('feature', repo.clean2, pushEnv(repo.leak, repo.clean2));
    expect(later.vulnerabilities).toEqual([]);
    expect(readJson(join(later.dir, CODE_QUALITY))).toEqual([]);
    const check = await checkJob(later.dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('0 findings in the report');
  });

  it('new branch (no previous commit): scans the work tree, old secrets included', async () => {
    const { run, vulnerabilities } = await reportJob('feature', repo.clean2, pushEnv(ZERO_SHA, repo.clean2));
    expect(run.stdout).toContain('scanning the work tree');
    expect(vulnerabilities.map((v) => v.location.file).sort()).toEqual([
      'config/deploy.env',
      'legacy/settings.ini',
      'src/client.ts',
    ]);
  });

  it('force push whose previous head is gone: falls back to the work tree', async () => {
    const gone = 'f'.repeat(40);
    const { run, vulnerabilities } = await reportJob('feature', repo.clean2, pushEnv(gone, repo.clean2));
    expect(run.stdout).toContain('the pushed range could not be scanned; scanning the work tree instead');
    expect(vulnerabilities).toHaveLength(3);
  });

  it('runs under a POSIX sh (dash) as well: a clean merge request passes', async () => {
    const env = mrEnv(repo, repo.clean2, repo.leak);
    const { dir, vulnerabilities } = await reportJob('feature', repo.clean2, env, {}, 'sh');
    expect(vulnerabilities).toEqual([]);
    expect((await checkJob(dir)).code).toBe(0);
  });

  it('fails the blocking job (exit 2) when there is no report to check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-check-'));
    dirs.push(dir);
    const run = await runJob(loadJobs()['keyless-secret-check'] ?? {}, dir, {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no such report (did the keyless-secret-detection job run');
  });

  it('fails the report job when the merge request range cannot be fetched', async () => {
    const dir = ciClone(repo.origin, 'feature', repo.clean2);
    dirs.push(dir);
    const env = mrEnv(repo, repo.clean2, 'e'.repeat(40));
    const run = record(await runJob(loadJobs()['keyless-secret-detection'] ?? {}, dir, env));
    expect(run.code).toBe(2);
    expect(existsSync(join(dir, REPORT))).toBe(false);
  });
});
