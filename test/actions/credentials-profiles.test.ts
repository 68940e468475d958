import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { startFakeSts } from '../fakes/aws-sts.js';
import type { FakeSts } from '../fakes/aws-sts.js';
import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import { expectMasksFirst, expectNowhere, REPO, ROLE, sha256, startFakes } from './credentials-fixtures.js';
import type { Fakes } from './credentials-fixtures.js';

const AUDIT_ROLE = 'arn:aws:iam::274019386152:role/ledger-audit';

let fakes: Fakes;
let sts: FakeSts;
beforeAll(async () => {
  fakes = await startFakes();
  const trust = {
    issuer: fakes.issuer.issuer,
    jwksUri: fakes.issuer.jwksUri,
    audiences: ['sts.amazonaws.com'],
    claims: { repository: REPO },
  };
  sts = await startFakeSts({ [ROLE]: { webIdentity: trust }, [AUDIT_ROLE]: { webIdentity: trust } });
});
afterAll(async () => {
  await sts.close();
  await fakes.close();
});

const inputs = () => ({
  'aws-role': ROLE,
  'aws-region': 'eu-central-1',
  'aws-profile': 'deploy',
  'aws-profiles': `audit ${AUDIT_ROLE} us-east-1`,
  'aws-sts-endpoint': sts.endpoint,
  'expect-repository': REPO,
});

function sessionSecrets(): string[] {
  return [...sts.sessions.entries()].flatMap(([key, s]) => [key, s.secret, s.sessionToken]);
}

describe('credentials action: several AWS roles as named profiles', () => {
  it('exports profile files (0600, in RUNNER_TEMP) the SDK reads, no AWS_* keys; post deletes them', async () => {
    sts.sessions.clear();
    let paths: string[] = [];
    const run = await runCredentialsAction({
      inputs: inputs(),
      idToken: fakes.idToken,
      between: async (main) => {
        const credentialsFile = main.env['AWS_SHARED_CREDENTIALS_FILE'] ?? '';
        const configFile = main.env['AWS_CONFIG_FILE'] ?? '';
        paths = [credentialsFile, configFile];
        for (const path of paths) expect(statSync(path).mode & 0o777).toBe(0o600);
        expect(statSync(dirname(credentialsFile)).mode & 0o777).toBe(0o700);
        for (const [profile, role] of [
          ['deploy', ROLE],
          ['audit', AUDIT_ROLE],
        ] as const) {
          const creds = await fromIni({
            profile,
            filepath: credentialsFile,
            configFilepath: configFile,
            ignoreCache: true,
          })();
          expect(sts.sessions.get(creds.accessKeyId)?.roleArn).toBe(role);
        }
      },
    });
    expect(run.main.code).toBe(0);
    expect(paths[0]!.startsWith(run.dir)).toBe(true);
    expect(run.main.env['AWS_PROFILE']).toBe('deploy');
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION'])
      expect(run.main.env).not.toHaveProperty(name);
    expect(run.main.stdout).toContain('aws: profile deploy (exported to later steps)');
    expect(run.main.stdout).toContain('aws: profile audit (exported to later steps)');
    const secrets = sessionSecrets();
    expect(secrets).toHaveLength(6);
    expectMasksFirst(run.main, secrets);

    expect(run.post.code).toBe(0);
    for (const path of paths) expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(paths[0]!))).toBe(false);
    expect(run.post.env['AWS_SHARED_CREDENTIALS_FILE']).toBe('');
    expect(run.post.env['AWS_PROFILE']).toBe('');
    expectNowhere(run, secrets);
  });

  it('run mode: only the command sees the profile files, deleted as soon as it ends', async () => {
    sts.sessions.clear();
    const run = await runCredentialsAction({
      inputs: {
        ...inputs(),
        run: 'echo "$AWS_PROFILE $AWS_SHARED_CREDENTIALS_FILE $(sha256sum < "$AWS_SHARED_CREDENTIALS_FILE" | cut -c1-64)" > seen.txt',
      },
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    const [profile, file, digest] = readFileSync(join(run.workspace, 'seen.txt'), 'utf8').trim().split(' ');
    expect(profile).toBe('deploy');
    expect(file!.startsWith(run.dir)).toBe(true);
    expect(existsSync(file!)).toBe(false);
    // The file the command read held both profiles' keys.
    const sessions = [...sts.sessions.entries()];
    expect(sessions).toHaveLength(2);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toBe(sha256(''));
    expect(run.main.env).toEqual({});
    expectNowhere(run, sessionSecrets());
  });
});
