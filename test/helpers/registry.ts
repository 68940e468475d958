/**
 * A real Debian `docker-registry` (distribution 2.8) on a free loopback port with filesystem storage in
 * a temp dir, in three modes: anonymous, htpasswd Basic, and token auth backed by
 * test/fakes/token-server.ts (RS256 JWTs signed with a key and self-signed certificate made by openssl).
 * Images get in with `skopeo copy` from an OCI layout directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTokenServer } from '../fakes/token-server.js';
import type { TokenServer } from '../fakes/token-server.js';

export type RegistryMode = 'anonymous' | 'basic' | 'token';

export interface RunningRegistry {
  mode: RegistryMode;
  /** `127.0.0.1:PORT` — use as the registry part of references. */
  host: string;
  /** The user allowed to push and pull (basic and token modes). */
  user: { username: string; password: string };
  tokenServer?: TokenServer;
  /** `skopeo copy oci:<layoutDir>:<tag> docker://HOST/<target>`; `all` copies every platform. */
  push(
    layoutDir: string,
    tag: string,
    target: string,
    options?: { all?: boolean; format?: 'v2s2' | 'oci' },
  ): Promise<void>;
  close(): Promise<void>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Installs (as root) or names the Debian packages the registry tests drive; throws when missing. */
export function ensureTestDeps(): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'test-deps.mjs')], { stdio: 'pipe' });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`registry tests need real components: ${stderr.trim() || (err as Error).message}`);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function randomSecret(): string {
  return randomBytes(18).toString('base64url');
}

async function waitReady(host: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8').slice(-2000);
  } catch {
    // no log
  }
  child.kill('SIGKILL');
  throw new Error(`docker-registry did not start on ${host}:\n${log}`);
}

function makeCert(dir: string): { keyPem: string; certPem: string; certPath: string } {
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      '/CN=keyless-test-token-signer',
    ],
    { stdio: 'pipe' },
  );
  return { keyPem: readFileSync(keyPath, 'utf8'), certPem: readFileSync(certPath, 'utf8'), certPath };
}

export interface StartOptions {
  /** Token mode: anonymous callers may pull (a public repository). */
  anonymousPull?: boolean;
  tokenField?: 'token' | 'access_token';
}

export async function startRegistry(
  mode: RegistryMode,
  options: StartOptions = {},
): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const user = { username: 'keyless-tester', password: randomSecret() };
  let tokenServer: TokenServer | undefined;
  const auth: string[] = [];
  if (mode === 'basic') {
    const line = execFileSync('htpasswd', ['-Bbn', user.username, user.password], { encoding: 'utf8' });
    writeFileSync(join(dir, 'htpasswd'), line);
    auth.push('auth:', '  htpasswd:', '    realm: keyless-test', `    path: ${join(dir, 'htpasswd')}`);
  } else if (mode === 'token') {
    const cert = makeCert(dir);
    const service = 'keyless-test-registry';
    const issuer = 'keyless-test-issuer';
    const tokenOptions: Parameters<typeof startTokenServer>[0] = {
      users: { [user.username]: user.password },
      keyPem: cert.keyPem,
      certPem: cert.certPem,
      issuer,
      service,
    };
    if (options.anonymousPull) tokenOptions.anonymousPull = true;
    if (options.tokenField) tokenOptions.field = options.tokenField;
    tokenServer = await startTokenServer(tokenOptions);
    auth.push(
      'auth:',
      '  token:',
      `    realm: ${tokenServer.realm}`,
      `    service: ${service}`,
      `    issuer: ${issuer}`,
      `    rootcertbundle: ${cert.certPath}`,
    );
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomSecret()}`,
    ...auth,
    '',
  ].join('\n');
  const configPath = join(dir, 'config.yml');
  writeFileSync(configPath, config);
  const logFile = join(dir, 'registry.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  await waitReady(host, child, logFile);

  const registry: RunningRegistry = {
    mode,
    host,
    user,
    push(layoutDir, tag, target, pushOptions = {}) {
      const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false'];
      if (mode !== 'anonymous') args.push('--dest-creds', `${user.username}:${user.password}`);
      if (pushOptions.all) args.push('--all');
      if (pushOptions.format) args.push('--format', pushOptions.format);
      args.push(`oci:${layoutDir}:${tag}`, `docker://${host}/${target}`);
      // Asynchronous on purpose: the token server answers skopeo from this very event loop.
      return new Promise<void>((resolve, reject) => {
        const copy = spawn('skopeo', args, { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        copy.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        copy.on('error', reject);
        copy.on('exit', (code) => {
          if (code === 0) resolve();
          else
            reject(
              new Error(
                `skopeo copy to ${host}/${target} failed: ${stderr.replaceAll(user.password, '***')}`,
              ),
            );
        });
      });
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      await tokenServer?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (tokenServer) registry.tokenServer = tokenServer;
  return registry;
}
