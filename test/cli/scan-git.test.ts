import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { GitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { errorsOf, gitlabValidator, sarifValidator } from '../scanners/reports/schemas.js';

function base62(length: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(length)].map((b) => alphabet[b % 62]).join('');
}
const githubToken = (): string => withCrc32Suffix('ghp_', base62(30));

interface JsonFinding {
  ruleId: string;
  fingerprint: string;
  location: {
    path: string;
    startLine: number;
    presentAtHead?: boolean;
    blob?: string;
    commit?: { sha: string };
  };
}

describe('keyless scan git', () => {
  const removed = githubToken();
  const current = githubToken();
  let repo: GitRepo;
  let leak: string;
  let out: string;

  beforeAll(() => {
    repo = GitRepo.create();
    repo.commit('init', { 'README.md': '# app\n' });
    leak = repo.commit('add deploy script', { 'deploy.sh': `#!/bin/sh\nexport GH_TOKEN=${removed}\n` });
    repo.commit('use a secret store instead', {
      'deploy.sh': '#!/bin/sh\nexport GH_TOKEN="$(vault read)"\n',
    });
    repo.commit('ci', { '.github/workflows/ci.yml': `env:\n  TOKEN: ${current}\n` });
    out = mkdtempSync(join(tmpdir(), 'keyless-git-out-'));
  });

  afterAll(() => {
    repo.remove();
    rmSync(out, { recursive: true, force: true });
  });

  it('finds a secret deleted from the tree, names its commit and says it is still in history', () => {
    const { code, stdout, stderr } = runCli(['scan', 'git', repo.root, '--no-progress']);
    expect(code).toBe(1);
    expect(stdout).toContain(`deploy.sh:2:`);
    expect(stdout).toContain(`commit ${leak.slice(0, 12)}`);
    expect(stdout).toMatch(/removed since, but still in history: rotate it/);
    expect(stdout + stderr).not.toContain(removed);
    expect(stdout + stderr).not.toContain(current);
  });

  it('reports commit provenance in JSON, SARIF and GitLab reports, never the secret', () => {
    const reports: Record<string, string> = {};
    for (const format of ['json', 'sarif', 'gitlab', 'markdown', 'text']) {
      const file = join(out, `report.${format}`);
      const { code, stderr } = runCli(['scan', 'git', repo.root, '--no-progress', '-f', format, '-o', file]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/2 finding\(s\) in \d+ blobs/);
      reports[format] = readFileSync(file, 'utf8');
      expect(reports[format]).not.toContain(removed);
      expect(reports[format]).not.toContain(current);
      expect(reports[format]).not.toContain(removed.slice(4, 24));
    }
    const json = JSON.parse(reports['json'] ?? '') as { findings: JsonFinding[]; git: { commits: number } };
    expect(json.git.commits).toBe(4);
    const gone = json.findings.find((f) => f.location.path === 'deploy.sh');
    expect(gone?.location).toMatchObject({ presentAtHead: false, commit: { sha: leak } });
    expect(gone?.location.blob).toMatch(/^[0-9a-f]{40}$/);
    const kept = json.findings.find((f) => f.location.path === '.github/workflows/ci.yml');
    expect(kept?.location.presentAtHead).toBe(true);

    const sarif = JSON.parse(reports['sarif'] ?? '');
    const validateSarif = sarifValidator();
    expect(validateSarif(sarif) ? '' : errorsOf(validateSarif)).toBe('');
    const result = sarif.runs[0].results.find(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0]?.physicalLocation.artifactLocation.uri === 'deploy.sh',
    );
    expect(result.properties).toMatchObject({ presentAtHead: false, commit: { sha: leak } });
    expect(result.message.text).toMatch(/still in history/);

    const gitlab = JSON.parse(reports['gitlab'] ?? '');
    const validateGitlab = gitlabValidator();
    expect(validateGitlab(gitlab) ? '' : errorsOf(validateGitlab)).toBe('');
    const vuln = gitlab.vulnerabilities.find(
      (v: { location: { file: string } }) => v.location.file === 'deploy.sh',
    );
    expect(vuln.location.commit.sha).toBe(leak);
    expect(reports['markdown']).toMatch(/removed since, still in history/);
  });

  it('applies the baseline in the repository root to history findings', () => {
    const json = JSON.parse(runCli(['scan', 'git', repo.root, '--no-progress', '-f', 'json']).stdout) as {
      findings: JsonFinding[];
    };
    const entries = json.findings.map((f) => ({
      fingerprint: f.fingerprint,
      reason: 'rotated on 2026-11-01',
    }));
    const baseline = join(out, 'baseline.json');
    writeFileSync(baseline, JSON.stringify({ version: 1, entries }));
    const { code, stdout } = runCli(['scan', 'git', repo.root, '--no-progress', '-b', baseline]);
    expect(stdout).toMatch(/0 findings|no findings/i);
    expect(code).toBe(0);
  });

  it('with --cache, a rescan reads only the blobs that hold findings', () => {
    const cache = join(out, 'cache');
    const args = ['scan', 'git', repo.root, '--no-progress', '-f', 'json', '--cache', cache];
    const cold = JSON.parse(runCli(args).stdout) as {
      stats: { files: number; cached: number };
      findings: unknown[];
    };
    const warm = JSON.parse(runCli(args).stdout) as {
      stats: { files: number; cached: number };
      findings: unknown[];
    };
    expect(cold.stats.cached).toBe(0);
    expect(warm.findings).toEqual(cold.findings);
    expect(warm.stats.files).toBe(2);
    expect(warm.stats.cached).toBe(cold.stats.files - 2);
  });

  it('exits 2 with a clear message outside a repository, and on bad option combinations', () => {
    const plain = mkdtempSync(join(tmpdir(), 'keyless-plain-'));
    try {
      const notRepo = runCli(['scan', 'git', plain, '--no-progress']);
      expect(notRepo.code).toBe(2);
      expect(notRepo.stderr).toMatch(/is not a git repository/);
      const both = runCli(['scan', 'git', repo.root, '--staged', '--range', 'a..b']);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/cannot be combined/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
