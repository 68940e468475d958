/**
 * Authentication against real docker-registry instances: htpasswd Basic and token auth (with the
 * token server from test/fakes), with credentials given explicitly, through the environment record,
 * and through a docker config.json.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, writeOciLayout } from '../../../helpers/oci-builder.js';
import type { BuiltImage } from '../../../helpers/oci-builder.js';
import { ensureTestDeps, startRegistry } from '../../../helpers/registry.js';
import type { RunningRegistry } from '../../../helpers/registry.js';
import { openRegistryImage } from '../../../../scanners/sources/image/registry/source.js';
import type { RegistryImageOptions } from '../../../../scanners/sources/image/registry/source.js';
import type { ImageSource } from '../../../../scanners/sources/image/types.js';
import { caught } from './registry-helpers.js';

let basic: RunningRegistry;
let token: RunningRegistry;
let publicToken: RunningRegistry;
let work: string;
let image: BuiltImage;
const opened: ImageSource[] = [];

function open(options: RegistryImageOptions): ImageSource {
  const source = openRegistryImage({
    timeoutMs: 10_000,
    retry: { attempts: 2, baseDelayMs: 10 },
    ...options,
  });
  opened.push(source);
  return source;
}

async function pullsImage(source: ImageSource): Promise<void> {
  const [resolved] = await source.resolve('all');
  expect(resolved!.digest).toBe(image.manifest.digest);
  const chunks: Uint8Array[] = [];
  for await (const chunk of await source.openBlob(resolved!.layers[0]!)) chunks.push(chunk);
  expect(Buffer.concat(chunks).equals(Buffer.from(image.layers[0]!.bytes))).toBe(true);
}

let configs = 0;
function dockerConfig(content: unknown): string {
  const dir = join(work, `docker-config-${++configs}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  return join(dir, 'config.json');
}

beforeAll(async () => {
  ensureTestDeps();
  work = mkdtempSync(join(tmpdir(), 'keyless-registry-auth-'));
  image = buildImage({ layers: [{ files: { 'srv/notes.txt': 'private image\n' } }] });
  writeOciLayout(join(work, 'layout'), image, { tag: 'v1' });
  [basic, token, publicToken] = await Promise.all([
    startRegistry('basic'),
    startRegistry('token'),
    startRegistry('token', { anonymousPull: true, tokenField: 'access_token' }),
  ]);
  await Promise.all(
    [basic, token, publicToken].map((r) => r.push(join(work, 'layout'), 'v1', 'private/app:v1')),
  );
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await Promise.all([basic, token, publicToken].map((r) => r?.close()));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Basic auth (htpasswd)', () => {
  it('pulls with the right explicit credentials', async () => {
    await pullsImage(open({ reference: `${basic.host}/private/app:v1`, credentials: basic.user }));
  });

  it('rejects wrong credentials naming their source, never the password', async () => {
    const password = 'Qm7vTz2pLw9xKc4s';
    const err = await caught(
      open({
        reference: `${basic.host}/private/app:v1`,
        credentials: { username: basic.user.username, password },
      }).resolve('all'),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('rejected the credentials from --username/--password-stdin');
    expect(err.message).not.toContain(password);
  });

  it('asks for credentials when none are configured', async () => {
    const err = await caught(open({ reference: `${basic.host}/private/app:v1` }).resolve('all'));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('no credentials configured (tried anonymous access)');
    expect(err.message).toContain('--password-stdin');
  });

  it('takes credentials from the environment record', async () => {
    const env = {
      KEYLESS_REGISTRY_USERNAME: basic.user.username,
      KEYLESS_REGISTRY_PASSWORD: basic.user.password,
    };
    await pullsImage(open({ reference: `${basic.host}/private/app:v1`, env }));
    const bad = await caught(
      open({
        reference: `${basic.host}/private/app:v1`,
        env: { ...env, KEYLESS_REGISTRY_PASSWORD: 'nope' },
      }).resolve('all'),
    );
    expect(bad.message).toContain('KEYLESS_REGISTRY_USERNAME/KEYLESS_REGISTRY_PASSWORD');
  });

  it('takes credentials from docker config.json auths (base64 auth, or username/password)', async () => {
    const auth = Buffer.from(`${basic.user.username}:${basic.user.password}`).toString('base64');
    const withAuth = dockerConfig({ auths: { [`http://${basic.host}/v2/`]: { auth } } });
    await pullsImage(open({ reference: `${basic.host}/private/app:v1`, dockerConfig: withAuth }));
    const withFields = dockerConfig({ auths: { [basic.host]: { ...basic.user } } });
    await pullsImage(open({ reference: `${basic.host}/private/app:v1`, dockerConfig: withFields }));

    const wrong = dockerConfig({
      auths: { [basic.host]: { username: 'someone', password: 'Zr8kWq3nVb6y' } },
    });
    const err = await caught(
      open({ reference: `${basic.host}/private/app:v1`, dockerConfig: wrong }).resolve('all'),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toContain(`docker config ${wrong} (auths "${basic.host}")`);
    expect(err.message).not.toContain('Zr8kWq3nVb6y');
  });

  it('explicit credentials win over the environment and docker config', async () => {
    const wrongConfig = dockerConfig({
      auths: { [basic.host]: { username: 'a', password: 'Hy4nGt8sQe1v' } },
    });
    const env = { KEYLESS_REGISTRY_USERNAME: 'b', KEYLESS_REGISTRY_PASSWORD: 'Jd5mRw2xPa7u' };
    await pullsImage(
      open({
        reference: `${basic.host}/private/app:v1`,
        credentials: basic.user,
        env,
        dockerConfig: wrongConfig,
      }),
    );
  });

  it('warns about credential helpers it does not run, then tries anonymous access', async () => {
    const warnings: string[] = [];
    const config = dockerConfig({ auths: { [basic.host]: {} }, credsStore: 'desktop' });
    const err = await caught(
      open({
        reference: `${basic.host}/private/app:v1`,
        dockerConfig: config,
        onWarning: (m) => warnings.push(m),
      }).resolve('all'),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('docker-credential-desktop');
    expect(err.kind).toBe('auth');
  });
});

describe('token auth (Bearer, WWW-Authenticate flow)', () => {
  it('fetches a token for the repository pull scope with Basic credentials, and reuses it', async () => {
    const before = token.tokenServer!.requests.length;
    const source = open({ reference: `${token.host}/private/app:v1`, credentials: token.user });
    await pullsImage(source);
    const [again] = await source.resolve('all');
    await (await source.openBlob(again!.layers[0]!))[Symbol.asyncIterator]().return?.();
    const mine = token.tokenServer!.requests.slice(before);
    // One token for manifest, config and blob requests alike: cached per scope.
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      service: 'keyless-test-registry',
      scopes: ['repository:private/app:pull'],
      user: token.user.username,
      status: 200,
    });
  });

  it('reports credentials the token service rejects', async () => {
    const err = await caught(
      open({
        reference: `${token.host}/private/app:v1`,
        credentials: { username: token.user.username, password: 'Vx3pLs8dKe2m' },
      }).resolve('all'),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toContain(
      'the token service rejected the credentials from --username/--password-stdin',
    );
    expect(err.message).not.toContain('Vx3pLs8dKe2m');
  });

  it('asks for credentials when the token service refuses anonymous access', async () => {
    const err = await caught(open({ reference: `${token.host}/private/app:v1` }).resolve('all'));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('refused anonymous access');
  });

  it('pulls anonymously with an anonymous token (`access_token` answer)', async () => {
    const before = publicToken.tokenServer!.requests.length;
    await pullsImage(open({ reference: `${publicToken.host}/private/app:v1` }));
    const mine = publicToken.tokenServer!.requests.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ user: null, account: null, scopes: ['repository:private/app:pull'] });
  });

  it('uses docker config credentials for the token request', async () => {
    const auth = Buffer.from(`${token.user.username}:${token.user.password}`).toString('base64');
    const config = dockerConfig({ auths: { [token.host]: { auth } } });
    const before = token.tokenServer!.requests.length;
    await pullsImage(open({ reference: `${token.host}/private/app:v1`, dockerConfig: config }));
    expect(token.tokenServer!.requests.slice(before).map((r) => r.user)).toEqual([token.user.username]);
  });
});
