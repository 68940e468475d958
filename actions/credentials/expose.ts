/**
 * Where the credentials go, decided before anything is written (so main can save the cleanup list
 * first): variables for later steps, step outputs, or 0600 files in a private RUNNER_TEMP directory
 * (AWS shared credentials/config, a GCP external_account file, one `<NAME>_FILE` per other secret).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { planAwsProfiles } from '../../credentials/aws-profiles.js';
import { renderProfiles } from '../../credentials/providers/aws-names.js';
import { renderExternalAccount } from '../../credentials/providers/gcp-external-account.js';
import type { SubjectTokenSource } from '../../credentials/providers/gcp-external-account.js';
import type { AwsPart } from '../../credentials/request.js';
import type { Credentials } from '../../credentials/types.js';

export const EXPORT_MODES = ['env', 'outputs', 'file', 'none'] as const;
export type ExportMode = (typeof EXPORT_MODES)[number];

export interface ExposurePlan {
  env: [string, string][];
  /** Only for the `run` command (AWS profile files): never exported to the job. */
  commandEnv: [string, string][];
  outputs: [string, string][];
  /** Written 0600 inside `dir` (created 0700). */
  files: { path: string; content: string }[];
  dir?: string;
}

export interface ExposeOptions {
  mode: ExportMode;
  runnerTemp: string;
  /** The request's AWS part: with `aws-profile`/`aws-profiles` the AWS grants become profile files. */
  aws?: AwsPart;
  /** A `run` command gets the profile files (mode is then `none`). */
  run?: boolean;
  /** Where gcloud/client libraries fetch a fresh job token for a GCP external_account file. */
  gcpTokenSource?: (credentials: Credentials) => SubjectTokenSource | undefined;
}

/** `AWS_SECRET_ACCESS_KEY` -> `aws-secret-access-key`. */
export const outputName = (name: string): string => name.toLowerCase().replace(/_/g, '-');

/** Outputs every mode sets: identifiers and the earliest expiry, never a secret. */
function describe(all: readonly Credentials[]): [string, string][] {
  const out: [string, string][] = [];
  for (const c of all) {
    for (const v of c.values) if (!v.secret) out.push([outputName(v.name), v.value]);
    if (c.provider === 'aws') {
      const account = c.grant['account'];
      const arn = c.grant['assumedRole'];
      if (typeof account === 'string' && account) out.push(['aws-account-id', account]);
      if (typeof arn === 'string') out.push(['aws-arn', arn]);
    }
  }
  const expiries = all.flatMap((c) => (c.expiresAt ? [c.expiresAt.getTime()] : []));
  if (expiries.length > 0) out.push(['expires-at', new Date(Math.min(...expiries)).toISOString()]);
  return out;
}

const privateDir = (runnerTemp: string): string =>
  join(runnerTemp, `keyless-credentials-${randomBytes(6).toString('hex')}`);

function fileExposure(all: readonly Credentials[], options: ExposeOptions, plan: ExposurePlan): void {
  const dir = (plan.dir ??= privateDir(options.runnerTemp));
  const aws = all.filter((c) => c.provider === 'aws');
  if (aws.length > 0) {
    // Several roles: the first is `default`, the others are named after their role.
    const profiles = renderProfiles(
      aws.map((c, i) => ({
        profile: i === 0 ? 'default' : String(c.grant['roles']?.at(-1) ?? `role${i}`).replace(/^.*\//, ''),
        credentials: c,
      })),
    );
    const credentialsPath = join(dir, 'aws-credentials');
    const configPath = join(dir, 'aws-config');
    plan.files.push({ path: credentialsPath, content: profiles.credentials });
    plan.files.push({ path: configPath, content: profiles.config });
    plan.env.push(['AWS_SHARED_CREDENTIALS_FILE', credentialsPath], ['AWS_CONFIG_FILE', configPath]);
  }
  for (const c of all) {
    if (c.provider === 'aws') {
      for (const v of c.values) if (!v.secret) plan.env.push([v.name, v.value]);
      continue;
    }
    const source = c.provider === 'gcp' ? options.gcpTokenSource?.(c) : undefined;
    const provider = c.grant['workloadIdentityProvider'];
    if (source && typeof provider === 'string') {
      const serviceAccount = c.grant['serviceAccount'];
      const path = join(dir, 'gcp-external-account.json');
      plan.files.push({
        path,
        content: renderExternalAccount({
          workloadIdentityProvider: provider,
          source,
          ...(typeof serviceAccount === 'string' ? { serviceAccount } : {}),
        }),
      });
      plan.env.push(
        ['GOOGLE_APPLICATION_CREDENTIALS', path],
        ['CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE', path],
      );
      for (const v of c.values) if (!v.secret) plan.env.push([v.name, v.value]);
      continue;
    }
    for (const v of c.values) {
      if (!v.secret) {
        plan.env.push([v.name, v.value]);
        continue;
      }
      const path = join(dir, v.name);
      plan.files.push({ path, content: v.value });
      plan.env.push([`${v.name}_FILE`, path]);
    }
  }
}

/** AWS profiles are files in every mode: the values of several roles cannot share AWS_* variables. */
function profileExposure(
  all: readonly Credentials[],
  options: ExposeOptions,
  plan: ExposurePlan,
): readonly Credentials[] {
  if (options.mode === 'none' && !options.run) return all;
  const dir = privateDir(options.runnerTemp);
  const profiles = planAwsProfiles(all, options.aws, dir);
  if (!profiles) return all;
  plan.dir = dir;
  plan.files.push(...profiles.files);
  if (options.run) plan.commandEnv.push(...profiles.env);
  else if (options.mode === 'outputs')
    for (const [name, value] of profiles.env) plan.outputs.push([outputName(name), value]);
  else plan.env.push(...profiles.env);
  return profiles.others;
}

export function planExposure(all: readonly Credentials[], options: ExposeOptions): ExposurePlan {
  const plan: ExposurePlan = { env: [], commandEnv: [], outputs: describe(all), files: [] };
  all = profileExposure(all, options, plan);
  const values = all.flatMap((c) => c.values);
  if (options.mode === 'env') for (const v of values) plan.env.push([v.name, v.value]);
  if (options.mode === 'outputs') {
    for (const v of values) if (v.secret) plan.outputs.push([outputName(v.name), v.value]);
  }
  if (options.mode === 'file') fileExposure(all, options, plan);
  return plan;
}

export async function writeFiles(plan: ExposurePlan): Promise<void> {
  if (plan.dir === undefined || plan.files.length === 0) return;
  await mkdir(plan.dir, { recursive: true, mode: 0o700 });
  for (const file of plan.files) {
    await writeFile(file.path, file.content, { mode: 0o600 });
    // The mode given to writeFile is filtered by the umask; the file must be private regardless.
    await chmod(file.path, 0o600);
  }
}
