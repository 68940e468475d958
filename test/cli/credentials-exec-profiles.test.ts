import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';

import { BILLING_ROLE as DEPLOY, STS_AUD as AUD } from '../helpers/cloud-ids.js';
import { spawnCli } from '../helpers/credentials-cli.js';
import { startFakeClouds } from '../helpers/fake-clouds.js';

const AUDIT = 'arn:aws:iam::391846027514:role/billing-audit';

const start = () =>
  startFakeClouds((trust) => ({
    sts: { [DEPLOY]: { webIdentity: trust(AUD, {}) }, [AUDIT]: { webIdentity: trust(AUD, {}) } },
  }));
let clouds: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  clouds = await start();
});
afterAll(() => clouds.close());

const run = (args: string[]) =>
  spawnCli(args, {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    KEYLESS_ID_TOKEN: clouds.issuer.gitlab({ aud: AUD }),
  });

// The child reports the files it was given: paths, which profiles hold which key (hashed), mode.
const REPORT = `const fs=require('fs');const f=process.env.AWS_SHARED_CREDENTIALS_FILE;const t=fs.readFileSync(f,'utf8');
const profiles={};let cur;for(const l of t.split('\\n')){const h=/^\\[(.+)\\]$/.exec(l);if(h){cur=h[1];profiles[cur]={}}else{const kv=/^(\\w+) = (.*)$/.exec(l);if(kv)profiles[cur][kv[1]]=kv[2]}}
const out={file:f,config:fs.readFileSync(process.env.AWS_CONFIG_FILE,'utf8'),mode:(fs.statSync(f).mode&0o777).toString(8),profile:process.env.AWS_PROFILE??null,keyEnv:'AWS_ACCESS_KEY_ID' in process.env,
keys:Object.fromEntries(Object.entries(profiles).map(([p,v])=>[p,{id:v.aws_access_key_id,secret:require('crypto').createHash('sha256').update(v.aws_secret_access_key).digest('hex')}]))};console.log(JSON.stringify(out))`;

describe('keyless credentials exec with AWS profiles', () => {
  it('gives the command profile files (one profile per role), removed when it ends', async () => {
    const result = await run([
      'credentials',
      'exec',
      '--aws-region',
      'eu-north-1',
      '--aws-sts-endpoint',
      clouds.sts.endpoint,
      '--aws-role',
      DEPLOY,
      '--aws-profile',
      'deploy',
      '--aws-profiles',
      `audit ${AUDIT} us-east-2`,
      '--',
      process.execPath,
      '-e',
      REPORT,
    ]);
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    const seen = JSON.parse(result.stdout) as {
      file: string;
      config: string;
      mode: string;
      profile: string | null;
      keyEnv: boolean;
      keys: Record<string, { id: string; secret: string }>;
    };
    expect(seen.profile).toBe('deploy');
    expect(seen.keyEnv).toBe(false);
    expect(seen.mode).toBe('600');
    expect(seen.config).toBe(
      '[profile deploy]\nregion = eu-north-1\n\n[profile audit]\nregion = us-east-2\n',
    );
    for (const [profile, role] of [
      ['deploy', DEPLOY],
      ['audit', AUDIT],
    ] as const) {
      const session = clouds.sts.sessions.get(seen.keys[profile]!.id);
      expect(session?.roleArn).toBe(role);
      expect(seen.keys[profile]!.secret).toBe(createHash('sha256').update(session!.secret).digest('hex'));
    }
    expect(existsSync(seen.file)).toBe(false);
    for (const s of clouds.sts.sessions.values())
      expect(result.stdout + result.stderr).not.toContain(s.secret);
  });

  it('env refuses AWS profiles before any exchange', async () => {
    const calls = clouds.sts.calls.length;
    const result = await run([
      'credentials',
      'env',
      '--aws-region',
      'eu-north-1',
      '--aws-sts-endpoint',
      clouds.sts.endpoint,
      '--aws-profiles',
      `audit ${AUDIT}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'AWS profiles (aws-profile, aws-profiles) are files deleted after the command: use exec',
    );
    expect(result.stdout).toBe('');
    expect(clouds.sts.calls.length).toBe(calls);
  });
});
