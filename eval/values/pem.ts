import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NegativeMaker, PositiveSpec } from './spec.js';

/** Runs `fn` in a fresh temporary directory; every key made here is fabricated and thrown away. */
function inTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-corpus-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function openssl(args: string[]): string {
  return run('openssl', args).trim();
}

function sshKey(type: 'ed25519' | 'rsa' | 'ecdsa', part: 'private' | 'public'): string {
  return inTemp((dir) => {
    const file = join(dir, 'id');
    const bits = type === 'rsa' ? ['-b', '3072'] : [];
    run('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', 'deploy@build-runner-07', '-f', file]);
    return readFileSync(part === 'private' ? file : `${file}.pub`, 'utf8').trim();
  });
}

function pgp(part: 'private' | 'public'): string {
  return inTemp((home) => {
    const env = { ...process.env, GNUPGHOME: home };
    const uid = 'Acme Release Signing <release@acme-corp.io>';
    run(
      'gpg',
      ['--batch', '--quiet', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', '2y'],
      env,
    );
    const args = part === 'private' ? ['--export-secret-keys'] : ['--export'];
    return run(
      'gpg',
      ['--batch', '--quiet', '--armor', '--pinentry-mode', 'loopback', '--passphrase', '', ...args, uid],
      env,
    ).trim();
  });
}

function rsaPkcs8(): string {
  return openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
}

function rsaTraditional(): string {
  return inTemp((dir) => {
    const file = join(dir, 'k.pem');
    writeFileSync(file, rsaPkcs8());
    return openssl(['pkey', '-in', file, '-traditional']);
  });
}

function ecTraditional(): string {
  return openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
}

function encryptedPkcs8(): string {
  return inTemp((dir) => {
    const file = join(dir, 'k.pem');
    writeFileSync(file, rsaPkcs8());
    const pass = `pass:${Math.random().toString(36).slice(2)}`;
    return openssl(['pkcs8', '-topk8', '-in', file, '-v2', 'aes-256-cbc', '-passout', pass]);
  });
}

function dsa(): string {
  return inTemp((dir) => {
    const params = join(dir, 'p.pem');
    const key = join(dir, 'k.pem');
    openssl(['dsaparam', '-out', params, '2048']);
    writeFileSync(key, openssl(['gendsa', params]).replace(/^[\s\S]*?(?=-----BEGIN)/, ''));
    // OpenSSL 3 writes PKCS#8; the legacy `BEGIN DSA PRIVATE KEY` form is what old hosts carry.
    return openssl(['pkey', '-in', key, '-traditional']);
  });
}

function certificate(): string {
  return inTemp((dir) => {
    const key = join(dir, 'k.pem');
    const subj = '/C=DE/O=Acme Corp/OU=Platform/CN=api.acme-corp.io';
    return openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-subj',
      subj,
      '-days',
      '825',
    ]);
  });
}

function publicKey(): string {
  return inTemp((dir) => {
    const file = join(dir, 'k.pem');
    writeFileSync(file, rsaPkcs8());
    return openssl(['pkey', '-in', file, '-pubout']);
  });
}

/**
 * Output forms: default multi-line; `json` one line with `\n` escapes (JSON strings, dotenv);
 * `b64` the whole PEM base64-encoded (kubeconfig `client-key-data`).
 */
function form(pem: string, arg: string | undefined): string {
  if (arg === 'json') return pem.replace(/\n/g, '\\n') + '\\n';
  if (arg === 'b64') return Buffer.from(pem + '\n').toString('base64');
  if (arg === undefined || arg === '') return pem;
  throw new Error(`unknown PEM form "${arg}"`);
}

function spec(kind: string, title: string, make: () => string): PositiveSpec {
  return { kind, title, make: (arg) => form(make(), arg) };
}

/** Private key material, generated with openssl / ssh-keygen / gpg at corpus-build time. */
export const privateKeys: Record<string, PositiveSpec> = {
  'pem-rsa': spec('private-key-rsa', 'RSA private key (PKCS#1 PEM)', rsaTraditional),
  'pem-pkcs8': spec('private-key-pkcs8', 'Private key (PKCS#8 PEM)', rsaPkcs8),
  'pem-ec': spec('private-key-ec', 'EC private key (SEC1 PEM)', ecTraditional),
  'pem-dsa': spec('private-key-dsa', 'DSA private key (PEM)', dsa),
  'pem-encrypted': spec('private-key-encrypted', 'Passphrase-encrypted private key (PKCS#8)', encryptedPkcs8),
  'ssh-ed25519': spec('private-key-openssh', 'OpenSSH private key (ed25519)', () =>
    sshKey('ed25519', 'private'),
  ),
  'ssh-rsa': spec('private-key-openssh', 'OpenSSH private key (RSA)', () => sshKey('rsa', 'private')),
  'ssh-ecdsa': spec('private-key-openssh', 'OpenSSH private key (ECDSA)', () => sshKey('ecdsa', 'private')),
  'pgp-private': spec('private-key-pgp', 'PGP private key block', () => pgp('private')),
};

/** Public halves and certificates: look like keys, grant nothing. */
export const publicMaterial: Record<string, NegativeMaker> = {
  cert: (arg) => form(certificate(), arg),
  'pubkey-pem': (arg) => form(publicKey(), arg),
  'ssh-pub-ed25519': () => sshKey('ed25519', 'public'),
  'ssh-pub-rsa': () => sshKey('rsa', 'public'),
  'pgp-public': () => pgp('public'),
};
