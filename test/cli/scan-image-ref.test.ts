import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { withCrc32Suffix } from '../../scanners/engine/validators.js';
import { buildImage, writeOciLayout } from '../helpers/oci-builder.js';
import { ensureTestDeps, startRegistry, type RunningRegistry } from '../helpers/registry.js';
import { BUILT_CLI } from '../helpers/run-cli.js';

/** KEYLESS_TEST_CLI points at another build (a helper's own tsc output) for manual runs. */
const cli = process.env['KEYLESS_TEST_CLI'] ?? BUILT_CLI;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'keyless-cli-ref-'));

function base62(length: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(length)].map((b) => alphabet[b % 62]).join('');
}

function keyless(args: string[], input: string, env: NodeJS.ProcessEnv = {}) {
  // An empty DOCKER_CONFIG directory: the user's own credentials must not leak into the test.
  const result = spawnSync(process.execPath, [cli, 'scan', 'image', '--no-progress', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DOCKER_CONFIG: tmp(), ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keyless scan image REF (a real registry with Basic auth)', () => {
  let registry: RunningRegistry;
  const secret = withCrc32Suffix('ghp_', base62(30));
  const image = buildImage({
    layers: [{ files: { 'app/.env': `GITHUB_TOKEN=${secret}\n` } }, { whiteouts: ['app/.env'] }],
  });

  beforeAll(async () => {
    ensureTestDeps();
    registry = await startRegistry('basic');
    await registry.push(writeOciLayout(tmp(), image, { tag: 'v1' }), 'v1', 'team/app:v1');
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('pulls with --username/--password-stdin and reports the removed secret', () => {
    const ref = `${registry.host}/team/app:v1`;
    const run = keyless(
      [ref, '--username', registry.user.username, '--password-stdin', '-f', 'json'],
      `${registry.user.password}\n`,
    );
    expect(run.stderr).not.toContain(registry.user.password);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      findings: Array<{ location: { path: string; layer: { index: number; removedBy?: string } } }>;
    };
    expect(report.findings.map((f) => [f.location.path, f.location.layer.index])).toEqual([['/app/.env', 0]]);
    expect(report.findings[0]?.location.layer.removedBy).toMatch(/^sha256:/);
    expect(run.stdout).not.toContain(secret);
  });

  it('reads credentials from the docker config.json, and fails with exit 2 without any', () => {
    const ref = `${registry.host}/team/app:v1`;
    const config = tmp();
    const auth = Buffer.from(`${registry.user.username}:${registry.user.password}`).toString('base64');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
    expect(keyless([ref], '', { DOCKER_CONFIG: config }).code).toBe(1);
    const denied = keyless([ref], '');
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/auth|401|credential/i);
  });
});
