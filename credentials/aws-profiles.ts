/**
 * Several AWS roles in one step, handed over the way every AWS SDK and the CLI read them: a shared
 * credentials file and a config file with one named profile per role. Pure planning — the adapter
 * writes the files 0600 in a private directory (RUNNER_TEMP, a temp dir) and deletes them later.
 */
import { join } from 'node:path';

import { renderProfiles } from './providers/aws-names.js';
import type { AwsPart } from './request.js';
import type { Credentials } from './types.js';

export interface AwsProfilePlan {
  files: { path: string; content: string }[];
  /** AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE and, when aws-role's profile is not `default`, AWS_PROFILE. */
  env: [string, string][];
  /** The credentials not written as profiles (other providers), in their order. */
  others: Credentials[];
}

/** Whether the request asks for profiles (`aws-profile` or `aws-profiles`). */
export function wantsAwsProfiles(aws: AwsPart | undefined): boolean {
  return aws !== undefined && (aws.profile !== undefined || aws.profiles !== undefined);
}

/**
 * The AWS grants carrying a `profile` (set by obtainCredentials) as files inside `dir`; undefined
 * when there are none. No AWS_ACCESS_KEY_ID & co. are exported with them: those variables would
 * win over every profile in the SDKs' credential chain.
 */
export function planAwsProfiles(
  all: readonly Credentials[],
  aws: AwsPart | undefined,
  dir: string,
): AwsProfilePlan | undefined {
  const profiled = all.filter((c) => c.provider === 'aws' && typeof c.grant['profile'] === 'string');
  if (profiled.length === 0) return undefined;
  const files = renderProfiles(
    profiled.map((c) => ({ profile: c.grant['profile'] as string, credentials: c })),
  );
  const credentialsPath = join(dir, 'aws-credentials');
  const configPath = join(dir, 'aws-config');
  const env: [string, string][] = [
    ['AWS_SHARED_CREDENTIALS_FILE', credentialsPath],
    ['AWS_CONFIG_FILE', configPath],
  ];
  // aws-role's profile is the default one; `default` itself needs no AWS_PROFILE.
  const main = aws?.roleArn !== undefined ? (aws.profile ?? 'default') : undefined;
  if (main !== undefined && main !== 'default') env.push(['AWS_PROFILE', main]);
  return {
    files: [
      { path: credentialsPath, content: files.credentials },
      { path: configPath, content: files.config },
    ],
    env,
    others: all.filter((c) => !profiled.includes(c)),
  };
}
