/**
 * Where registry credentials come from, in order: explicit (`--username` + `--password-stdin`), the
 * environment record the caller passes (KEYLESS_REGISTRY_USERNAME / KEYLESS_REGISTRY_PASSWORD), then the
 * docker `config.json` `auths` entry for the registry. Every credential carries a `source` sentence so
 * errors can say what was tried without ever showing a value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageError } from '../types.js';
import { DOCKER_HUB } from './reference.js';

export interface RegistryCredential {
  username?: string;
  password?: string;
  /** Docker's `identitytoken`: an OAuth2 refresh token traded at the token realm. */
  identityToken?: string;
  /** Where it came from, for messages: `docker config /root/.docker/config.json (auths "ghcr.io")`. */
  source: string;
}

export const ENV_USERNAME = 'KEYLESS_REGISTRY_USERNAME';
export const ENV_PASSWORD = 'KEYLESS_REGISTRY_PASSWORD';

export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** `$DOCKER_CONFIG/config.json`, else `<home>/.docker/config.json` — for callers that own the env. */
export function dockerConfigPath(env: EnvRecord, homeDir: string): string {
  const dir = env.DOCKER_CONFIG;
  return dir ? join(dir, 'config.json') : join(homeDir, '.docker', 'config.json');
}

/** Reduces an `auths` key (`https://index.docker.io/v1/`, `ghcr.io`, `http://h:5000/x`) to a registry. */
function registryOfKey(key: string): string {
  let host = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') return DOCKER_HUB;
  return host;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface DockerConfigLookup {
  credential?: RegistryCredential;
  warnings: string[];
}

/**
 * Finds the credential for `registry` in a docker config.json. A missing file is no credential (the
 * default path often does not exist); a file that does not parse is an error naming the file.
 */
export function credentialFromDockerConfig(path: string, registry: string): DockerConfigLookup {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { warnings: [] };
    throw new ImageError(
      `cannot read docker config ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new ImageError(`docker config ${path} is not valid JSON`);
  }
  if (!isRecord(config)) throw new ImageError(`docker config ${path} is not a JSON object`);
  return lookupDockerConfig(config, path, registry.toLowerCase());
}

function lookupDockerConfig(
  config: Record<string, unknown>,
  path: string,
  registry: string,
): DockerConfigLookup {
  const warnings: string[] = [];
  const helpers = isRecord(config.credHelpers) ? config.credHelpers : {};
  const helperKey = Object.keys(helpers).find((k) => registryOfKey(k) === registry);
  const auths = isRecord(config.auths) ? config.auths : {};
  const authKey = Object.keys(auths).find((k) => registryOfKey(k) === registry);
  const entry = authKey !== undefined ? auths[authKey] : undefined;
  const source = `docker config ${path} (auths "${authKey ?? registry}")`;

  const credential = isRecord(entry) ? credentialOfEntry(entry, source) : undefined;
  if (credential) return { credential, warnings };

  const helper =
    helperKey !== undefined
      ? helpers[helperKey]
      : typeof config.credsStore === 'string'
        ? config.credsStore
        : undefined;
  if (typeof helper === 'string' && helper !== '') {
    warnings.push(
      `docker config ${path} keeps credentials for ${registry} in the credential helper ` +
        `"docker-credential-${helper}", which keyless does not run; pass --username and --password-stdin ` +
        `or set ${ENV_USERNAME}/${ENV_PASSWORD} instead (trying anonymous access)`,
    );
  }
  return { warnings };
}

function credentialOfEntry(entry: Record<string, unknown>, source: string): RegistryCredential | undefined {
  const credential: RegistryCredential = { source };
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new ImageError(`${source}: "auth" is not base64 of user:password`);
    credential.username = decoded.slice(0, colon);
    credential.password = decoded.slice(colon + 1);
  } else if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    credential.username = entry.username;
    credential.password = entry.password;
  }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    credential.identityToken = entry.identitytoken;
  }
  return credential.password !== undefined || credential.identityToken !== undefined ? credential : undefined;
}

export interface CredentialOptions {
  registry: string;
  credentials?: { username: string; password: string };
  env?: EnvRecord;
  dockerConfig?: string;
}

/** The first credential that applies, plus warnings worth showing (credential helpers skipped). */
export function findCredential(options: CredentialOptions): DockerConfigLookup {
  if (options.credentials) {
    return { credential: { ...options.credentials, source: '--username/--password-stdin' }, warnings: [] };
  }
  const username = options.env?.[ENV_USERNAME];
  const password = options.env?.[ENV_PASSWORD];
  if (username && password) {
    return { credential: { username, password, source: `${ENV_USERNAME}/${ENV_PASSWORD}` }, warnings: [] };
  }
  const warnings: string[] = [];
  if (username || password) {
    warnings.push(`only one of ${ENV_USERNAME} and ${ENV_PASSWORD} is set; both are needed, ignoring them`);
  }
  if (options.dockerConfig === undefined) return { warnings };
  const found = credentialFromDockerConfig(options.dockerConfig, options.registry);
  return { ...found, warnings: [...warnings, ...found.warnings] };
}
