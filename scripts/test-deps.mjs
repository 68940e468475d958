#!/usr/bin/env node
// Makes sure the real components the image tests drive are present: a registry, an image copier, an
// OCI layout tool, htpasswd and openssl. Installs the missing Debian packages when running as root
// (CI containers); otherwise fails naming exactly what is missing, so tests never skip silently.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Binary that must exist -> Debian package that provides it. */
const REQUIRED = [
  { binary: 'docker-registry', pkg: 'docker-registry' },
  { binary: 'skopeo', pkg: 'skopeo' },
  { binary: 'umoci', pkg: 'umoci' },
  { binary: 'htpasswd', pkg: 'apache2-utils' },
  { binary: 'openssl', pkg: 'openssl' },
];

function onPath(binary) {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

function missing() {
  return REQUIRED.filter((r) => !onPath(r.binary));
}

function run(cmd, args) {
  const res = spawnSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (res.status !== 0) {
    process.stderr.write(res.stdout ?? '');
    process.stderr.write(res.stderr ?? '');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status ?? res.signal})`);
  }
}

function describe(list) {
  return list.map((r) => `${r.binary} (Debian package ${r.pkg})`).join(', ');
}

const absent = missing();
if (absent.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  process.stderr.write(
    `test-deps: missing ${describe(absent)}.\n` +
      `Install them with: apt-get install -y ${[...new Set(absent.map((r) => r.pkg))].join(' ')}\n`,
  );
  process.exit(1);
}

const packages = [...new Set(absent.map((r) => r.pkg))];
process.stdout.write(`test-deps: installing ${packages.join(' ')}\n`);
try {
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
} catch (err) {
  process.stderr.write(`test-deps: ${err.message}\n`);
  process.exit(1);
}

const still = missing();
if (still.length > 0) {
  process.stderr.write(`test-deps: still missing after install: ${describe(still)}\n`);
  process.exit(1);
}
