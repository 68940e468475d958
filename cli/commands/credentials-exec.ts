/**
 * `keyless credentials exec -- CMD` and `keyless credentials env`: the GitLab (and local) way to use
 * short-lived credentials. `exec` gives them to one command's environment only and revokes them when
 * it ends; `env` prints shell `export` lines for `eval`. Values never reach stderr or the audit file.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../../credentials/audit.js';
import { renderAuditLines } from '../../credentials/audit.js';
import { planAwsProfiles, wantsAwsProfiles } from '../../credentials/aws-profiles.js';
import { obtainCredentials, revokeAll } from '../../credentials/exchange.js';
import { FileIdentity, GitlabIdentity, ValueIdentity } from '../../credentials/identity/index.js';
import { JwksCache } from '../../credentials/policy/jwks-cache.js';
import type { RunInfo } from '../../credentials/providers/aws-names.js';
import { isRequestKey, parseRequest, requestInputsFromEnv } from '../../credentials/request.js';
import type { Credentials, IdentitySource } from '../../credentials/types.js';
import { UsageError } from '../exit-codes.js';
import type { Io } from '../io.js';

const OWN_KEYS = ['token-env', 'token-file', 'audit'] as const;
/** Keys that may be given more than once; the values are joined a line each. */
const MULTI = new Set([
  'vault-secrets',
  'aws-role-chain',
  'aws-policy-arns',
  'gcp-scopes',
  'aws-profiles',
  'aws-secrets',
  'gcp-secrets',
  'azure-keyvault-secrets',
]);
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Parsed {
  flags: Record<string, string>;
  command: string[];
}

/** `--key value` / `--key=value` up to `--`; everything after `--` is the command. */
export function splitArgs(args: string[], sub: string): Parsed {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  const command = end === -1 ? [] : args.slice(end + 1);
  const flags: Record<string, string> = {};
  for (let i = 0; i < options.length; i += 1) {
    const arg = options[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`credentials ${sub}: unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const key = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!isRequestKey(key) && !(OWN_KEYS as readonly string[]).includes(key))
      throw new UsageError(`credentials ${sub}: unknown option --${key}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = options[i + 1];
      i += 1;
    }
    if (value === undefined) throw new UsageError(`--${key}: expected a value`);
    if (flags[key] !== undefined && !MULTI.has(key)) throw new UsageError(`--${key} given twice`);
    flags[key] = flags[key] === undefined ? value : `${flags[key]}\n${value}`;
  }
  return { flags, command };
}

function identityOf(flags: Record<string, string>, io: Io): IdentitySource {
  const file = flags['token-file'];
  if (file && flags['token-env']) throw new UsageError('give --token-file or --token-env, not both');
  if (file) return new FileIdentity({ path: file });
  const name = flags['token-env'] ?? 'KEYLESS_ID_TOKEN';
  // On GitLab a missing variable is almost always a missing `id_tokens:` entry: say so.
  if (io.env['GITLAB_CI'] === 'true') return new GitlabIdentity({ variable: name, value: io.env[name] });
  return new ValueIdentity(name, io.env[name]);
}

/** GitLab CI or GitHub Actions variables, for AWS session names and the audit's `who.run`. */
function runInfoOf(env: NodeJS.ProcessEnv): RunInfo & { url?: string } {
  const pick = (...names: string[]): string | undefined => names.map((n) => env[n]).find((v) => v);
  const info: RunInfo & { url?: string } = {};
  const set = (k: keyof typeof info, v: string | undefined): void => {
    if (v) info[k] = v;
  };
  set('repository', pick('CI_PROJECT_PATH', 'GITHUB_REPOSITORY'));
  set('runId', pick('CI_PIPELINE_ID', 'GITHUB_RUN_ID'));
  set('runAttempt', pick('GITHUB_RUN_ATTEMPT'));
  set('job', pick('CI_JOB_ID', 'GITHUB_JOB'));
  set('url', pick('CI_JOB_URL'));
  return info;
}

async function obtain(args: string[], sub: string, io: Io) {
  const { flags, command } = splitArgs(args, sub);
  const inputs: Record<string, string> = { ...requestInputsFromEnv(io.env) };
  for (const [k, v] of Object.entries(flags)) if (isRequestKey(k)) inputs[k] = v;
  const request = parseRequest(inputs);
  // AWS profiles are files, and env cannot know when to delete them: exec can. Refused before any exchange.
  if (sub === 'env' && wantsAwsProfiles(request.aws))
    throw new UsageError(
      'credentials env: AWS profiles (aws-profile, aws-profiles) are files deleted after the command: use exec',
    );
  const auditFile = flags['audit'] ?? (io.env['KEYLESS_AUDIT_FILE'] || undefined);
  const onAudit = (r: AuditRecord): void => {
    if (auditFile) appendFileSync(auditFile, renderAuditLines([r]), { mode: 0o600 });
  };
  const result = await obtainCredentials(request, {
    identity: identityOf(flags, io),
    runInfo: runInfoOf(io.env),
    onAudit,
    ...(io.env['KEYLESS_JWKS_CACHE_DIR']
      ? { jwksCache: new JwksCache({ dir: io.env['KEYLESS_JWKS_CACHE_DIR'] }) }
      : {}),
  });
  for (const w of result.warnings) io.stderr.write(`keyless: warning: ${w}\n`);
  for (const c of result.credentials)
    for (const v of c.values)
      if (!SHELL_NAME.test(v.name)) {
        await revokeAll(result.credentials, { onAudit });
        throw new UsageError(`${c.provider}: "${v.name}" is not a valid environment variable name`);
      }
  const tokenEnv = flags['token-file'] ? undefined : (flags['token-env'] ?? 'KEYLESS_ID_TOKEN');
  return { command, credentials: result.credentials, onAudit, tokenEnv, aws: request.aws };
}

function expiry(credentials: readonly Credentials[]): string {
  return credentials
    .map(
      (c) =>
        `${c.provider} (${c.values.map((v) => v.name).join(', ')})${c.expiresAt ? ` until ${c.expiresAt.toISOString()}` : ''}`,
    )
    .join('; ');
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Runs CMD with the credentials in its environment only; revokes when it ends; exits with its code. */
export async function execCommand(args: string[], io: Io): Promise<number> {
  const { command, credentials, onAudit, tokenEnv, aws } = await obtain(args, 'exec', io);
  const [file, ...rest] = command;
  const revoke = async (): Promise<void> => {
    const { warnings } = await revokeAll(credentials, { onAudit });
    for (const w of warnings) io.stderr.write(`keyless: warning: ${w}\n`);
  };
  if (!file) {
    await revoke();
    throw new UsageError('credentials exec: expected a command after --');
  }
  io.stderr.write(`keyless: credentials for ${file}: ${expiry(credentials)}\n`);
  const env: NodeJS.ProcessEnv = { ...io.env };
  // The command gets the credentials it asked for, not the identity that can mint more of them.
  if (tokenEnv) delete env[tokenEnv];
  // Several AWS roles: profile files in a private temp dir, deleted when the command ends.
  const dir = wantsAwsProfiles(aws) ? mkdtempSync(join(tmpdir(), 'keyless-aws-')) : undefined;
  const profiles = dir === undefined ? undefined : planAwsProfiles(credentials, aws, dir);
  try {
    for (const f of profiles?.files ?? []) {
      writeFileSync(f.path, f.content, { mode: 0o600 });
      chmodSync(f.path, 0o600);
    }
  } catch (error) {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    await revoke();
    throw error;
  }
  for (const [name, value] of profiles?.env ?? []) env[name] = value;
  for (const c of profiles?.others ?? credentials) for (const v of c.values) env[v.name] = v.value;
  const inherit = io.stdout === process.stdout && io.stderr === process.stderr;
  const child = spawn(file, rest, { env, stdio: inherit ? 'inherit' : ['inherit', 'pipe', 'pipe'] });
  if (!inherit) {
    child.stdout?.pipe(io.stdout, { end: false });
    child.stderr?.pipe(io.stderr, { end: false });
  }
  // The child gets the signal (it shares the terminal's process group, or we forward it), and the
  // revoke still runs after it exits.
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const s of SIGNALS) process.on(s, forward);
  try {
    const code = await new Promise<number>((resolve) => {
      child.on('error', (error: NodeJS.ErrnoException) => {
        io.stderr.write(`keyless: cannot run ${file}: ${error.code ?? error.message}\n`);
        resolve(error.code === 'ENOENT' ? 127 : 126);
      });
      child.on('close', (status, signal) => {
        resolve(status ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 1) : 1));
      });
    });
    return code;
  } finally {
    for (const s of SIGNALS) process.off(s, forward);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    await revoke();
  }
}

const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Prints `export NAME='value'` lines for `eval "$(keyless credentials env ...)"`. */
export async function envCommand(args: string[], io: Io): Promise<number> {
  const { command, credentials, onAudit } = await obtain(args, 'env', io);
  if (command.length > 0) {
    await revokeAll(credentials, { onAudit });
    throw new UsageError('credentials env: takes no command (use exec)');
  }
  const lines = credentials.flatMap((c) => c.values.map((v) => `export ${v.name}=${shellQuote(v.value)}\n`));
  io.stdout.write(lines.join(''));
  const revocable = credentials.filter((c) => c.revoke).map((c) => c.provider);
  io.stderr.write(
    `keyless: exported ${expiry(credentials)}` +
      (revocable.length > 0
        ? `; ${revocable.join(', ')} grants are not revoked by env (they end at their expiry; exec revokes at once)`
        : '') +
      '\n',
  );
  return 0;
}
