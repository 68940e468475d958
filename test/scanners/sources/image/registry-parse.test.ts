/**
 * The pure parts of the registry source: image references, WWW-Authenticate challenges, docker
 * config.json lookup, loopback and server URL checks.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopback, parseReference } from '../../../../scanners/sources/image/registry/reference.js';
import { parseChallenges } from '../../../../scanners/sources/image/registry/auth.js';
import {
  credentialFromDockerConfig,
  dockerConfigPath,
  findCredential,
} from '../../../../scanners/sources/image/registry/credentials.js';
import { checkServerUrl } from '../../../../scanners/sources/image/registry/http.js';
import { ImageError } from '../../../../scanners/sources/image/types.js';

const DIGEST = `sha256:${'a1b2c3d4'.repeat(8)}`;

describe('parseReference', () => {
  it.each([
    ['alpine', 'docker.io', 'registry-1.docker.io', 'library/alpine', 'latest', undefined],
    ['alpine:3.20', 'docker.io', 'registry-1.docker.io', 'library/alpine', '3.20', undefined],
    ['bitnami/redis', 'docker.io', 'registry-1.docker.io', 'bitnami/redis', 'latest', undefined],
    ['docker.io/alpine', 'docker.io', 'registry-1.docker.io', 'library/alpine', 'latest', undefined],
    [
      'index.docker.io/library/alpine:edge',
      'docker.io',
      'registry-1.docker.io',
      'library/alpine',
      'edge',
      undefined,
    ],
    ['ghcr.io/org/team/app:v1.2_rc-3', 'ghcr.io', 'ghcr.io', 'org/team/app', 'v1.2_rc-3', undefined],
    ['localhost/app', 'localhost', 'localhost', 'app', 'latest', undefined],
    ['Mirror/app', 'Mirror', 'Mirror', 'app', 'latest', undefined],
    ['localhost:5000/app:dev', 'localhost:5000', 'localhost:5000', 'app', 'dev', undefined],
    ['127.0.0.1:5000/a/b', '127.0.0.1:5000', '127.0.0.1:5000', 'a/b', 'latest', undefined],
    ['[::1]:5000/app:1', '[::1]:5000', '[::1]:5000', 'app', '1', undefined],
    [`quay.io/org/app@${DIGEST}`, 'quay.io', 'quay.io', 'org/app', undefined, DIGEST],
    [`quay.io/org/app:1.0@${DIGEST}`, 'quay.io', 'quay.io', 'org/app', '1.0', DIGEST],
    ['my_org/app__x.y-z', 'docker.io', 'registry-1.docker.io', 'my_org/app__x.y-z', 'latest', undefined],
  ])('%s', (input, registry, apiHost, repository, tag, digest) => {
    const ref = parseReference(input);
    expect(ref.registry).toBe(registry);
    expect(ref.apiHost).toBe(apiHost);
    expect(ref.repository).toBe(repository);
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(digest);
    expect(ref.ref).toBe(digest ?? tag);
  });

  it('renders the canonical form for messages', () => {
    expect(parseReference('alpine').display).toBe('docker.io/library/alpine:latest');
    expect(parseReference(`ghcr.io/a/b:1@${DIGEST}`).display).toBe(`ghcr.io/a/b:1@${DIGEST}`);
  });

  it.each([
    ['', 'empty'],
    ['Alpine', 'must be lowercase'],
    ['ghcr.io/Org/app', 'must be lowercase ("Org")'],
    ['app:-bad', 'tag "-bad"'],
    [`app@sha256:${'AB'.repeat(32)}`, 'digest hex must be lowercase'],
    ['app@sha256:1234', 'digest must be sha256:<64 hex>'],
    ['https://ghcr.io/a/b', 'leave out the URL scheme'],
    ['ghcr.io:99999/a', 'not a valid port'],
    ['a//b', 'empty repository path component'],
    ['a/b--/c', 'may hold only'],
    ['app name', 'whitespace'],
    [`r.io/${'a'.repeat(260)}`, 'longer than 255'],
  ])('refuses %j', (input, why) => {
    try {
      parseReference(input);
      throw new Error('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(ImageError);
      expect((err as ImageError).kind).toBe('invalid');
      expect((err as ImageError).message).toContain(why);
    }
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.45.3.9', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['127.0.0.1.nip.io', false],
    ['localhost.registry.test', false],
    ['10.0.0.1', false],
  ])('%s -> %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

describe('checkServerUrl', () => {
  it('allows https anywhere, http on loopback or with insecure, nothing else', () => {
    expect(checkServerUrl('https://auth.registry.test/t', undefined, false, 'realm').host).toBe(
      'auth.registry.test',
    );
    expect(checkServerUrl('http://127.0.0.1:9/t', undefined, false, 'realm').port).toBe('9');
    expect(checkServerUrl('http://auth.registry.test/t', undefined, true, 'realm').protocol).toBe('http:');
    expect(() => checkServerUrl('http://auth.registry.test/t', undefined, false, 'realm')).toThrow(
      /plain http/,
    );
    expect(() => checkServerUrl('gopher://x/t', undefined, true, 'realm')).toThrow(/http\(s\)/);
    expect(() => checkServerUrl('https://u:p@x/t', undefined, false, 'realm')).toThrow(/must not embed/);
    expect(checkServerUrl('/next', new URL('https://r.test/a'), false, 'redirect').href).toBe(
      'https://r.test/next',
    );
  });
});

describe('parseChallenges', () => {
  it('reads Bearer parameters with quoting and escapes', () => {
    const [c] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
    );
    expect(c).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/alpine:pull',
      },
    });
    const [q] = parseChallenges('Bearer realm="a\\"b", error=insufficient_scope');
    expect(q!.params).toEqual({ realm: 'a"b', error: 'insufficient_scope' });
  });

  it('splits several challenges in one header', () => {
    const all = parseChallenges('Negotiate, Basic realm="Registry Realm", Bearer realm="https://t.test/x"');
    expect(all.map((c) => c.scheme)).toEqual(['negotiate', 'basic', 'bearer']);
    expect(all[1]!.params.realm).toBe('Registry Realm');
    expect(all[2]!.params.realm).toBe('https://t.test/x');
  });
});

describe('docker config credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-docker-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('resolves the path from DOCKER_CONFIG or the home directory', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }, '/home/u')).toBe('/etc/dc/config.json');
    expect(dockerConfigPath({}, '/home/u')).toBe('/home/u/.docker/config.json');
  });

  it('maps the Docker Hub key and decodes base64 auth (password may hold colons)', () => {
    const auth = Buffer.from('hubuser:Tq3:Zp8vWm').toString('base64');
    const path = write('hub.json', { auths: { 'https://index.docker.io/v1/': { auth } } });
    const found = credentialFromDockerConfig(path, 'docker.io');
    expect(found.credential).toMatchObject({ username: 'hubuser', password: 'Tq3:Zp8vWm' });
    expect(found.credential!.source).toContain('auths "https://index.docker.io/v1/"');
    expect(credentialFromDockerConfig(path, 'ghcr.io').credential).toBeUndefined();
  });

  it('reads identity tokens, and ignores a missing file', () => {
    const path = write('idt.json', { auths: { 'registry.test:8443': { identitytoken: 'rt-Hb6sLq2Xv' } } });
    expect(credentialFromDockerConfig(path, 'registry.test:8443').credential).toMatchObject({
      identityToken: 'rt-Hb6sLq2Xv',
    });
    expect(credentialFromDockerConfig(join(dir, 'absent.json'), 'x.test')).toEqual({ warnings: [] });
  });

  it('names the file when it does not parse, or when auth is not user:password', () => {
    const broken = write('broken.json', '{ "auths": ');
    expect(() => credentialFromDockerConfig(broken, 'x.test')).toThrow(
      `docker config ${broken} is not valid JSON`,
    );
    const bad = write('bad.json', {
      auths: { 'x.test': { auth: Buffer.from('nocolon').toString('base64') } },
    });
    expect(() => credentialFromDockerConfig(bad, 'x.test')).toThrow(/not base64 of user:password/);
  });

  it('warns about credHelpers for the registry', () => {
    const path = write('helpers.json', { credHelpers: { 'gcr.io': 'gcloud' } });
    const found = credentialFromDockerConfig(path, 'gcr.io');
    expect(found.credential).toBeUndefined();
    expect(found.warnings[0]).toContain('docker-credential-gcloud');
    expect(credentialFromDockerConfig(path, 'ghcr.io').warnings).toEqual([]);
  });

  it('warns when only half of the environment pair is set', () => {
    const found = findCredential({ registry: 'x.test', env: { KEYLESS_REGISTRY_USERNAME: 'me' } });
    expect(found.credential).toBeUndefined();
    expect(found.warnings[0]).toContain('both are needed');
  });
});
