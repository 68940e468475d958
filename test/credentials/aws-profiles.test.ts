import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AuditRecord } from '../../credentials/audit.js';
import { planAwsProfiles, wantsAwsProfiles } from '../../credentials/aws-profiles.js';
import { obtainCredentials } from '../../credentials/exchange.js';
import { ValueIdentity } from '../../credentials/identity/index.js';
import { parseRequest } from '../../credentials/request.js';
import { LEDGER_ROLE as DEPLOY, REPO, STS_AUD } from '../helpers/cloud-ids.js';
import { startFakeClouds } from '../helpers/fake-clouds.js';
import { credentialFailure, instantRetry } from './providers/helpers.js';

const AUDIT = 'arn:aws:iam::274019386152:role/ledger-audit';

const start = () =>
  startFakeClouds((trust) => ({
    sts: {
      [DEPLOY]: { webIdentity: trust(STS_AUD, { repository: REPO }) },
      [AUDIT]: { webIdentity: trust(STS_AUD, { repository: REPO }) },
    },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());
beforeEach(() => clouds.reset());

const identity = () => new ValueIdentity('KEYLESS_ID_TOKEN', clouds.issuer.github());

function request(extra: Record<string, string>) {
  return parseRequest({
    'aws-region': 'eu-central-1',
    'aws-sts-endpoint': clouds.sts.endpoint,
    'expect-repository': REPO,
    ...extra,
  });
}

describe('aws-profiles parsing', () => {
  it('reads PROFILE ROLE_ARN [REGION] lines and makes aws-role optional', () => {
    const parsed = request({ 'aws-profiles': `audit ${AUDIT} us-east-1\n# comment\ndeploy ${DEPLOY}` });
    expect(parsed.aws).toEqual({
      region: 'eu-central-1',
      profiles: [
        { profile: 'audit', roleArn: AUDIT, region: 'us-east-1' },
        { profile: 'deploy', roleArn: DEPLOY },
      ],
    });
    expect(wantsAwsProfiles(parsed.aws)).toBe(true);
    expect(wantsAwsProfiles(request({ 'aws-role': DEPLOY }).aws)).toBe(false);
    expect(wantsAwsProfiles(request({ 'aws-role': DEPLOY, 'aws-profile': 'ci' }).aws)).toBe(true);
  });

  it('refuses a line without a role and a region without a role or profiles', () => {
    expect(() => request({ 'aws-profiles': 'audit' })).toThrow(
      'aws-profiles: expected "PROFILE ROLE_ARN [REGION]" a line, got "audit"',
    );
    expect(() => request({ 'aws-profiles': `a ${AUDIT} us-east-1 extra` })).toThrow('PROFILE ROLE_ARN');
    expect(() => request({ 'aws-duration': '900' })).toThrow('aws-role missing');
  });
});

describe('several AWS roles as named profiles', () => {
  it('exchanges each role, writes files the AWS SDK reads, and exports AWS_PROFILE for aws-role', async () => {
    const audit: AuditRecord[] = [];
    const result = await obtainCredentials(
      request({ 'aws-role': DEPLOY, 'aws-profile': 'deploy', 'aws-profiles': `audit ${AUDIT} us-east-1` }),
      { identity: identity(), retry: instantRetry(), onAudit: (r) => audit.push(r) },
    );
    const assumed = clouds.sts.calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity');
    expect(assumed.map((c) => c.params['RoleArn'])).toEqual([DEPLOY, AUDIT]);
    expect(result.credentials.map((c) => c.grant['profile'])).toEqual(['deploy', 'audit']);
    expect(audit.map((r) => [r.event, r.what['profile']])).toEqual([
      ['granted', 'deploy'],
      ['granted', 'audit'],
    ]);

    const dir = mkdtempSync(join(tmpdir(), 'keyless-profiles-'));
    const plan = planAwsProfiles(
      result.credentials,
      parseRequest({ 'aws-role': DEPLOY, 'aws-region': 'eu-central-1', 'aws-profile': 'deploy' }).aws,
      dir,
    )!;
    expect(plan.others).toEqual([]);
    for (const f of plan.files) writeFileSync(f.path, f.content, { mode: 0o600 });
    const env = Object.fromEntries(plan.env);
    expect(env).toEqual({
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_PROFILE: 'deploy',
    });
    expect(statSync(env['AWS_SHARED_CREDENTIALS_FILE']!).mode & 0o777).toBe(0o600);

    const files = { filepath: env['AWS_SHARED_CREDENTIALS_FILE']!, configFilepath: env['AWS_CONFIG_FILE']! };
    for (const [profile, role] of [
      ['deploy', DEPLOY],
      ['audit', AUDIT],
    ] as const) {
      const creds = await fromIni({ ...files, profile, ignoreCache: true })();
      const session = clouds.sts.sessions.get(creds.accessKeyId);
      expect(session?.roleArn).toBe(role);
      expect(creds.secretAccessKey).toBe(session?.secret);
      expect(creds.sessionToken).toBe(session?.sessionToken);
      // The credentials the SDK read from the files are the ones STS accepts for that role.
      const client = new STSClient({
        region: 'eu-central-1',
        endpoint: clouds.sts.endpoint,
        credentials: creds,
      });
      const who = await client.send(new GetCallerIdentityCommand({}));
      expect(who.Arn).toContain(role.split(':')[4]!);
    }
    const shared = await loadSharedConfigFiles({ ...files, ignoreCache: true });
    expect(shared.configFile['deploy']?.['region']).toBe('eu-central-1');
    expect(shared.configFile['audit']?.['region']).toBe('us-east-1');
    expect(readFileSync(files.configFilepath, 'utf8')).not.toContain('aws_secret_access_key');
  });

  it('profiles without aws-role: no AWS_PROFILE, and a profile named default needs none', async () => {
    const aws = request({ 'aws-profiles': `default ${DEPLOY}\naudit ${AUDIT}` });
    const result = await obtainCredentials(aws, { identity: identity(), retry: instantRetry() });
    const plan = planAwsProfiles(result.credentials, aws.aws, '/nonexistent')!;
    expect(plan.env.map(([n]) => n)).toEqual(['AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE']);
    expect(plan.files[1]!.content).toBe(
      '[default]\nregion = eu-central-1\n\n[profile audit]\nregion = eu-central-1\n',
    );
  });

  it('a bad or repeated profile name fails before any exchange', async () => {
    for (const profiles of [`deploy ${AUDIT}`, `bad/name ${AUDIT}`]) {
      const error = await credentialFailure(
        obtainCredentials(
          request({ 'aws-role': DEPLOY, 'aws-profile': 'deploy', 'aws-profiles': profiles }),
          {
            identity: identity(),
            retry: instantRetry(),
          },
        ),
      );
      expect(error.kind).toBe('config');
      expect(error.message).toMatch(/requested twice|is invalid/);
    }
    expect(clouds.sts.calls).toEqual([]);
  });

  it('a claim mismatch stops every profile before the first exchange', async () => {
    const error = await credentialFailure(
      obtainCredentials(
        request({ 'aws-profiles': `deploy ${DEPLOY}\naudit ${AUDIT}`, 'expect-ref': 'refs/tags/*' }),
        { identity: identity(), retry: instantRetry() },
      ),
    );
    expect(error.kind).toBe('claims');
    expect(clouds.sts.calls).toEqual([]);
  });

  it('a failing profile is audited as failed under its name', async () => {
    const locked = 'arn:aws:iam::530817264913:role/not-trusted';
    const audit: AuditRecord[] = [];
    await credentialFailure(
      obtainCredentials(request({ 'aws-profiles': `deploy ${DEPLOY}\nlocked ${locked}` }), {
        identity: identity(),
        retry: instantRetry(),
        onAudit: (r) => audit.push(r),
      }),
    );
    expect(audit.map((r) => [r.event, r.what['profile']])).toEqual([
      ['granted', 'deploy'],
      ['failed', 'locked'],
    ]);
  });
});
