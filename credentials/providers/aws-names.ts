/**
 * Names AWS is strict about: role session names (`[\w+=,.@-]{2,64}`), role ARNs, account ids, and
 * the shared credentials/config files for several roles at once (one named profile per role).
 */
import { CredentialError } from '../types.js';
import type { Credentials } from '../types.js';

/** What the adapter knows about the run, for a default session name a CloudTrail reader can trace back. */
export interface RunInfo {
  /** `owner/repo` or a GitLab project path. */
  repository?: string;
  /** GitHub `run_id` or GitLab `pipeline_id`. */
  runId?: string;
  runAttempt?: string;
  /** GitLab `job_id` or a GitHub job name. */
  job?: string;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** Replaces what AWS refuses with `-`, keeps the first 64 characters, never shorter than 2. */
export function sanitizeSessionName(name: string): string {
  const cleaned = name
    .replace(/[^\w+=,.@-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `keyless${cleaned ? `-${cleaned}` : ''}`;
}

/** `keyless-<repo name>-<run>-<attempt>` from what is known; `keyless` alone when nothing is. */
export function defaultSessionName(run: RunInfo = {}): string {
  const repo = run.repository?.split('/').pop();
  const parts = ['keyless', repo, run.runId, run.runAttempt, run.job];
  return sanitizeSessionName(parts.filter((p): p is string => Boolean(p)).join('-'));
}

export function checkSessionName(name: string): string {
  if (!SESSION_NAME.test(name)) {
    throw new CredentialError(
      `AWS role session name "${name.slice(0, 80)}" is invalid: it must be 2-64 characters of letters, digits and +=,.@_-`,
      'config',
    );
  }
  return name;
}

/** The 12-digit account of a role ARN, after checking the ARN's shape. */
export function roleAccount(roleArn: string): string {
  const match = ROLE_ARN.exec(roleArn);
  if (!match) {
    throw new CredentialError(
      `"${roleArn.slice(0, 200)}" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`,
      'config',
    );
  }
  return match[1]!;
}

export interface ProfileEntry {
  profile: string;
  credentials: Credentials;
}

export interface ProfileFiles {
  /** The shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`): keys per profile. Secret. */
  credentials: string;
  /** The config file (`AWS_CONFIG_FILE`): region per profile. Not secret. */
  config: string;
}

const PROFILE = /^[\w+.@-]{1,64}$/;

function valueOf(credentials: Credentials, name: string): string | undefined {
  return credentials.values.find((v) => v.name === name)?.value;
}

/** Refuses invalid or repeated profile names — before any exchange, so nothing is granted in vain. */
export function checkProfileNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const profile of names) {
    if (!PROFILE.test(profile)) {
      throw new CredentialError(
        `AWS profile name "${profile.slice(0, 80)}" is invalid (letters, digits, +.@_-)`,
        'config',
      );
    }
    if (seen.has(profile)) throw new CredentialError(`AWS profile "${profile}" is requested twice`, 'config');
    seen.add(profile);
  }
}

/** Renders several roles' credentials as named profiles; the adapter writes both files 0600 outside the workspace. */
export function renderProfiles(entries: readonly ProfileEntry[]): ProfileFiles {
  checkProfileNames(entries.map((e) => e.profile));
  const credentials: string[] = [];
  const config: string[] = [];
  for (const { profile, credentials: creds } of entries) {
    const key = valueOf(creds, 'AWS_ACCESS_KEY_ID');
    const secret = valueOf(creds, 'AWS_SECRET_ACCESS_KEY');
    const session = valueOf(creds, 'AWS_SESSION_TOKEN');
    if (!key || !secret || !session) {
      throw new CredentialError(
        `AWS profile "${profile}": the credentials are not AWS session credentials`,
        'config',
      );
    }
    credentials.push(
      `[${profile}]\naws_access_key_id = ${key}\naws_secret_access_key = ${secret}\naws_session_token = ${session}\n`,
    );
    const region = valueOf(creds, 'AWS_REGION');
    const header = profile === 'default' ? '[default]' : `[profile ${profile}]`;
    config.push(`${header}\n${region ? `region = ${region}\n` : ''}`);
  }
  return { credentials: credentials.join('\n'), config: config.join('\n') };
}
