import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { buildImage, dockerSaveTar, tarArchive, writeOciLayout } from '../helpers/oci-builder.js';
import { BUILT_CLI, runCli } from '../helpers/run-cli.js';

/** KEYLESS_TEST_CLI points at another build (a helper's own tsc output) for manual runs. */
const cli = process.env['KEYLESS_TEST_CLI'] ?? BUILT_CLI;
const scan = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(['scan', 'image', '--no-progress', ...args], { cli, env });

function base62(length: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(length)].map((b) => alphabet[b % 62]).join('');
}
const githubToken = (): string => withCrc32Suffix('ghp_', base62(30));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'keyless-cli-image-'));

function plantedImage(secret: string, envSecret: string) {
  return buildImage({
    layers: [
      { files: { 'etc/os-release': 'NAME=test\n' } },
      { files: { 'app/.env': `GITHUB_TOKEN=${secret}\n` }, compression: 'zstd' },
      { whiteouts: ['app/.env'] },
    ],
    config: { Env: ['PATH=/usr/bin', `GH_TOKEN=${envSecret}`] },
  });
}

describe('keyless scan image', () => {
  it('reports a secret removed by a later layer and one in Env, in every format, never raw', () => {
    const [secret, envSecret] = [githubToken(), githubToken()];
    const image = plantedImage(secret, envSecret);
    const dir = writeOciLayout(tmp(), image, { tag: 'v1' });

    const text = scan(['--archive', dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('at /app/.env:1:14');
    expect(text.stdout).toContain(`removed in layer ${image.layers[2]?.digest}`);
    expect(text.stdout).toContain('at config:Env:2:');
    expect(text.stdout).toContain(`image config ${image.config.digest}`);

    const outputs: Record<string, string> = { text: text.stdout + text.stderr };
    for (const format of ['json', 'sarif', 'gitlab', 'markdown']) {
      const run = scan(['--archive', dir, '--format', format]);
      expect(run.code).toBe(1);
      outputs[format] = run.stdout + run.stderr;
    }
    for (const [format, output] of Object.entries(outputs)) {
      for (const raw of [secret, envSecret, secret.slice(4, 24), envSecret.slice(4, 24)]) {
        expect({ format, leaked: output.includes(raw) }).toEqual({ format, leaked: false });
      }
    }

    interface SarifResult {
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
      properties?: { layer?: unknown };
      partialFingerprints?: Record<string, string>;
    }
    const sarif = JSON.parse(outputs['sarif'] as string) as { runs: Array<{ results: SarifResult[] }> };
    const layered = sarif.runs[0]?.results.find(
      (r) => r.locations[0]?.physicalLocation.artifactLocation.uri === 'app/.env',
    );
    expect(layered?.properties?.layer).toEqual({
      digest: image.layers[1]?.digest,
      index: 1,
      removedBy: image.layers[2]?.digest,
      imageDigest: image.manifest.digest,
    });
    expect(Object.keys(layered?.partialFingerprints ?? {})).toHaveLength(1);

    const gitlab = JSON.parse(outputs['gitlab'] as string) as {
      vulnerabilities: Array<{ location: { file: string }; details: Record<string, { value: unknown }> }>;
    };
    const files = gitlab.vulnerabilities.map((v) => v.location.file).sort();
    expect(files).toEqual(['image:/app/.env', 'image:/config:Env']);
    const removed = gitlab.vulnerabilities.find((v) => v.location.file === 'image:/app/.env');
    expect(removed?.details['layer_removed_by']?.value).toBe(image.layers[2]?.digest);
    expect(outputs['markdown']).toMatch(/removed in layer sha256:[a-f0-9]{12}/);
  });

  it('a docker save tarball; --fail-on and a clean image exit 0', () => {
    const clean = buildImage({ layers: [{ files: { 'a.txt': 'nothing\n' }, compression: 'none' }] });
    const file = join(tmp(), 'clean.tar');
    writeFileSync(file, dockerSaveTar(clean, 'legacy'));
    const run = scan(['--archive', file, '--format', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      target: { kind: string; root: string };
      stats: { files: number };
    };
    expect(report.target.kind).toBe('image');
    expect(report.target.root).toContain(clean.config.digest);
    expect(report.stats.files).toBe(1);
  });

  it('exits 2 on a truncated layer but keeps what was found before it', () => {
    const secret = githubToken();
    const tar = tarArchive([
      { name: 'first.env', content: `GITHUB_TOKEN=${secret}\n` },
      { name: 'big.bin', content: 'z'.repeat(50_000) },
    ]);
    const image = buildImage({ layers: [{ rawTar: tar.subarray(0, 3072), compression: 'gzip' }] });
    const run = scan(['--archive', writeOciLayout(tmp(), image), '--format', 'json']);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as {
      findings: Array<{ location: { path: string } }>;
      complete: boolean;
    };
    expect(report.complete).toBe(false);
    expect(report.findings.map((f) => f.location.path)).toEqual(['/first.env']);
    expect(run.stderr).toMatch(/layer 0 [a-f0-9]{12}: truncated archive/);
  });

  it('exits 2 when the layer cap is hit (a gzip bomb)', () => {
    const image = buildImage({
      layers: [{ files: { 'zeros.bin': new Uint8Array(6 << 20), 'after.txt': 'x' } }],
    });
    const run = scan(['--archive', writeOciLayout(tmp(), image), '--max-layer-size', '1MB']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exceeds the 1 MiB cap/);
  });

  it('--cache: the rescan reads only layers that had findings', () => {
    const image = plantedImage(githubToken(), githubToken());
    const dir = writeOciLayout(tmp(), image);
    const cache = tmp();
    const first = scan(['--archive', dir, '--cache', cache, '--format', 'json']);
    const second = scan(['--archive', dir, '--cache', cache, '--format', 'json']);
    expect(first.code).toBe(1);
    expect(second.code).toBe(1);
    const parse = (out: string) =>
      JSON.parse(out) as {
        stats: { cached?: number; files: number };
        findings: Array<{ fingerprint: string }>;
      };
    expect(parse(first.stdout).stats.cached).toBe(0);
    expect(parse(second.stdout).stats.cached).toBe(2);
    expect(parse(second.stdout).stats.files).toBe(parse(first.stdout).stats.files);
    expect(parse(second.stdout).findings.map((f) => f.fingerprint)).toEqual(
      parse(first.stdout).findings.map((f) => f.fingerprint),
    );
  });

  it('multi-platform: --platform picks, unknown platforms are named, bad usage exits 2', () => {
    const amd = buildImage({ layers: [{ files: { 'a.txt': 'amd\n' } }] });
    const arm = buildImage({
      layers: [{ files: { 'b.txt': 'arm\n' } }],
      platform: { os: 'linux', architecture: 'arm64' },
    });
    const dir = writeOciLayout(tmp(), [amd, arm]);
    const all = scan(['--archive', dir, '--platform', 'all', '--format', 'json']);
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as { stats: { files: number } }).stats.files).toBe(2);
    const missing = scan(['--archive', dir, '--platform', 'linux/ppc64le']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/linux\/ppc64le.*available: linux\/amd64, linux\/arm64/);
    expect(scan([]).code).toBe(2);
    expect(scan(['--archive', dir, 'also-a-ref']).code).toBe(2);
    expect(scan(['--archive', dir, '--platform', 'amd64']).stderr).toMatch(/--platform/);
    expect(scan(['registry.invalid/app:1', '--username', 'u']).stderr).toMatch(/--password-stdin/);
  });
});
