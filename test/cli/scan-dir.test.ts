import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { runCli, tree } from '../helpers/run-cli.js';

function base62(length: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(length)].map((b) => alphabet[b % 62]).join('');
}
const githubToken = (): string => withCrc32Suffix('ghp_', base62(30));

describe('keyless scan dir', () => {
  it('reports a planted token with its location, redacted, and exits 1', () => {
    const token = githubToken();
    const root = tree({ 'src/app.ts': `const a = 1;\nconst gh = "${token}";\n`, 'README.md': '# hello\n' });
    const { code, stdout, stderr } = runCli(['scan', 'dir', root]);
    expect(code).toBe(1);
    expect(stdout).toContain('github-pat-classic');
    expect(stdout).toMatch(/src\/app\.ts:2:13/);
    expect(stdout + stderr).not.toContain(token);
    expect(stdout + stderr).not.toContain(token.slice(4, 20));
  });

  it('exits 0 on a clean tree and below --fail-on', () => {
    expect(runCli(['scan', 'dir', tree({ 'a.txt': 'nothing here\n' })]).code).toBe(0);
    const root = tree({ 'a.env': `STRIPE_KEY=sk_test_${base62(24)}\n` });
    const all = runCli(['scan', 'dir', root, '--format', 'json']);
    expect(all.code).toBe(1);
    const severities = (JSON.parse(all.stdout) as { findings: { severity: string }[] }).findings.map(
      (f) => f.severity,
    );
    expect(severities).not.toContain('critical');
    expect(runCli(['scan', 'dir', root, '--fail-on', 'critical']).code).toBe(0);
    expect(runCli(['scan', 'dir', root, '--fail-on', 'none']).code).toBe(0);
  });

  it('writes every format to --output without the secret', () => {
    const token = githubToken();
    const root = tree({ 'deploy/.env': `GH_TOKEN=${token}\n` });
    for (const format of ['text', 'json', 'sarif', 'gitlab', 'markdown']) {
      const out = join(root, `report.${format}`);
      const { code, stdout, stderr } = runCli([
        'scan',
        'dir',
        join(root, 'deploy'),
        '--format',
        format,
        '--output',
        out,
      ]);
      expect(code).toBe(1);
      const report = readFileSync(out, 'utf8');
      expect(report).toContain('github-pat-classic');
      expect(report + stdout + stderr).not.toContain(token);
      expect(stderr).toMatch(/1 finding/);
      if (format !== 'text' && format !== 'markdown') expect(() => JSON.parse(report)).not.toThrow();
    }
  });

  it('respects .gitignore inside a git work tree, and --no-ignore', () => {
    const token = githubToken();
    const root = tree({
      '.gitignore': 'secrets/\n',
      'secrets/token.txt': token,
      'src/ok.ts': 'export {};\n',
    });
    execFileSync('git', ['init', '-q', root]);
    expect(runCli(['scan', 'dir', root]).code).toBe(0);
    expect(runCli(['scan', 'dir', root, '--no-ignore']).code).toBe(1);
  });

  it('skips large and binary files and says so', () => {
    const root = tree({
      'big.txt': 'a'.repeat(2048),
      'img.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(githubToken())]),
    });
    const { code, stdout } = runCli(['scan', 'dir', root, '--max-file-size', '1KB', '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { skipped: { path: string; reason: string }[] };
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'big.txt', reason: 'too-large' }),
        expect.objectContaining({ path: 'img.png', reason: 'binary' }),
      ]),
    );
  });

  it('gives the same findings with worker threads as on the main thread', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++)
      files[`pkg${i % 7}/file${i}.ts`] = `// ${i}\nexport const t = "${githubToken()}";\n`.repeat(
        1 + (i % 3),
      );
    const root = tree(files);
    const ids = (workers: string): string[] => {
      const { stdout } = runCli(['scan', 'dir', root, '--workers', workers, '--format', 'json']);
      const report = JSON.parse(stdout) as {
        findings: { fingerprint: string; location: { path: string; startLine: number } }[];
      };
      return report.findings.map((f) => `${f.location.path}:${f.location.startLine}:${f.fingerprint}`);
    };
    const inProcess = ids('0');
    expect(inProcess).toHaveLength(120);
    expect(ids('2')).toEqual(inProcess);
    expect(ids('3')).toEqual(inProcess);
  });
});

describe('configuration and baselines', () => {
  it('applies .keyless.yml skips and names the line of an invalid field', () => {
    const root = tree({
      'vendor/lib.js': `x = "${githubToken()}"`,
      '.keyless.yml': 'version: 1\npaths:\n  skip: [vendor/**]\n',
    });
    expect(runCli(['scan', 'dir', root]).code).toBe(0);
    writeFileSync(join(root, '.keyless.yml'), 'version: 1\nrules:\n  disable: [no-such-rule]\n');
    const bad = runCli(['scan', 'dir', root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.keyless\.yml:3:\d+/);
    expect(bad.stderr).toContain('no-such-rule');
  });

  it('baseline create accepts current findings; new ones still fail; stale entries are reported', () => {
    const first = githubToken();
    const root = tree({ 'a.ts': `const t = "${first}";\n` });
    const created = runCli(['baseline', 'create', root, '--reason', 'test fixture']);
    expect(created.code).toBe(0);
    const baseline = readFileSync(join(root, '.keyless-baseline.json'), 'utf8');
    expect(baseline).toContain('test fixture');
    expect(baseline).not.toContain(first);
    expect(runCli(['scan', 'dir', root]).code).toBe(0);

    writeFileSync(join(root, 'b.ts'), `const u = "${githubToken()}";\n`);
    const withNew = runCli(['scan', 'dir', root, '--format', 'json']);
    expect(withNew.code).toBe(1);
    expect(
      (JSON.parse(withNew.stdout) as { findings: { location: { path: string } }[] }).findings.map(
        (f) => f.location.path,
      ),
    ).toEqual(['b.ts']);

    rmSync(join(root, 'a.ts'));
    rmSync(join(root, 'b.ts'));
    const stale = runCli(['scan', 'dir', root, '--format', 'json']);
    expect(stale.code).toBe(0);
    expect((JSON.parse(stale.stdout) as { baseline: { stale: unknown[] } }).baseline.stale).toHaveLength(1);
  });

  it('honours keyless:allow on the line', () => {
    const root = tree({ 'a.ts': `const t = "${githubToken()}"; // keyless:allow test vector\n` });
    expect(runCli(['scan', 'dir', root]).code).toBe(0);
  });
});

describe('usage and errors', () => {
  it('exit 2 with a clear message for a missing path, a bad option, a bad size', () => {
    const missing = runCli(['scan', 'dir', '/nonexistent/keyless-test']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/keyless-test');
    const badFormat = runCli(['scan', 'dir', '.', '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format');
    expect(runCli(['scan', 'dir', '.', '--max-file-size', 'lots']).code).toBe(2);
    expect(runCli(['scan', 'dir', '.', '--bogus']).code).toBe(2);
    expect(runCli(['frobnicate']).code).toBe(2);
  });

  it('prints the version from package.json and the rules', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(runCli(['--version']).stdout.trim()).toBe(pkg.version);
    const rules = JSON.parse(runCli(['rules', '--format', 'json']).stdout) as { id: string }[];
    expect(rules.length).toBeGreaterThanOrEqual(150);
    expect(rules.map((r) => r.id)).toContain('github-pat-classic');
  });
});
