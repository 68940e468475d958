import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { currentVersion } from '../fakes/aws-secrets-manager.js';
import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import { ACCOUNT, ROLE, expectMasksFirst, expectNowhere, startFakes } from './credentials-fixtures.js';

const REGION = 'eu-central-1';
const DB_PASSWORD = 'Wq8Lz3Tn6Xc1Vb5Km9Rd2Hf';
const API_TOKEN = 'Pg4Jt7Ys2Nw9Qe6Bx3Lm8Zc';

const start = () =>
  startFakes(() => ({
    secretsManager: {
      account: ACCOUNT,
      region: REGION,
      secrets: {
        'ledger/db': {
          readers: [ROLE],
          versions: [currentVersion(JSON.stringify({ username: 'ledger_rw', password: DB_PASSWORD }))],
        },
        'ledger/api-token': { readers: [ROLE], versions: [currentVersion(API_TOKEN)] },
      },
    },
  }));
let fakes: Awaited<ReturnType<typeof start>>;
let sm: typeof fakes.secretsManager;
beforeAll(async () => {
  fakes = await start();
  sm = fakes.secretsManager;
});
afterAll(() => fakes.close());
beforeEach(() => {
  sm.calls.length = 0;
});

const inputs = (extra: Record<string, string> = {}) => ({
  'aws-role': ROLE,
  'aws-region': REGION,
  'aws-sts-endpoint': fakes.sts.endpoint,
  'aws-secrets': 'ledger/db:password | DB_PASSWORD\nledger/api-token',
  'aws-secrets-manager-endpoint': sm.endpoint,
  ...extra,
});

describe('keyless credentials action: secret managers', () => {
  it('exports the secrets to later steps masked first; the audit names them, never their values', async () => {
    const audit = join(mkdtempSync(join(tmpdir(), 'keyless-sm-audit-')), 'audit.jsonl');
    const later: Record<string, string | undefined> = {};
    const run = await runCredentialsAction({
      inputs: inputs({ 'audit-file': audit }),
      idToken: fakes.idToken,
      between: (main) => {
        later['DB_PASSWORD'] = main.env['DB_PASSWORD'];
        later['API_TOKEN'] = main.env['API_TOKEN'];
      },
    });
    expect(run.main.code).toBe(0);
    expect(later).toEqual({ DB_PASSWORD, API_TOKEN });
    expectMasksFirst(run.main, [DB_PASSWORD, API_TOKEN]);
    expect(run.main.stdout).toContain(
      'aws-secrets-manager: DB_PASSWORD, API_TOKEN (exported to later steps)',
    );
    expect(sm.calls.map((c) => c.body['SecretId'])).toEqual(['ledger/db', 'ledger/api-token']);

    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; provider: string; what: Record<string, unknown> });
    expect(records.map((r) => [r.event, r.provider])).toEqual([
      ['granted', 'aws'],
      ['granted', 'aws-secrets-manager'],
    ]);
    expect(records[1]!.what).toMatchObject({
      secrets: ['ledger/db', 'ledger/api-token'],
      names: ['DB_PASSWORD', 'API_TOKEN'],
    });
    expect(run.main.summary).toContain('aws-secrets-manager');
    expect(run.main.summary).toContain('ledger/db');

    expect(run.post.code).toBe(0);
    expect(run.post.env['DB_PASSWORD']).toBe('');
    expect(run.post.env['API_TOKEN']).toBe('');
    expectNowhere(run, [DB_PASSWORD, API_TOKEN]);
    expect(readFileSync(audit, 'utf8')).not.toContain(DB_PASSWORD);
    expect(readFileSync(audit, 'utf8')).not.toContain(API_TOKEN);
  });

  it('export: outputs gives each NAME as a masked output', async () => {
    const run = await runCredentialsAction({ inputs: inputs({ export: 'outputs' }), idToken: fakes.idToken });
    expect(run.main.code).toBe(0);
    expect(run.main.outputs['db-password']).toBe(DB_PASSWORD);
    expect(run.main.outputs['api-token']).toBe(API_TOKEN);
    expect(run.main.env).not.toHaveProperty('DB_PASSWORD');
    expectMasksFirst(run.main, [DB_PASSWORD, API_TOKEN]);
    expectNowhere(run, [DB_PASSWORD, API_TOKEN], { outputs: true });
  });

  it('a missing secret fails the step naming it, with nothing exported', async () => {
    const run = await runCredentialsAction({
      inputs: inputs({ 'aws-secrets': 'ledger/db:password | DB_PASSWORD\nledger/retired-token' }),
      idToken: fakes.idToken,
    });
    expect(run.main.code).not.toBe(0);
    expect(run.main.stdout).toMatch(
      /::error::.*GetSecretValue ledger\/retired-token: ResourceNotFoundException/,
    );
    expect(run.main.env).toEqual({});
    expectNowhere(run, [DB_PASSWORD]);
  });
});
