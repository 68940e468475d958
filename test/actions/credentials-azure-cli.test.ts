/**
 * `az login --federated-token` through a fake `az` on PATH: it records its arguments (the token only
 * as the claims it carries and a hash) and its AZURE_CONFIG_DIR in a file outside RUNNER_TEMP, and
 * keeps a "login" file in the config dir like the real CLI keeps its profile there.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { startFakeEntra } from '../fakes/entra.js';
import type { FakeEntra } from '../fakes/entra.js';
import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import { expectNowhere, sha256, startFakes } from './credentials-fixtures.js';
import type { Fakes } from './credentials-fixtures.js';

const TENANT = '7d2e9b41-c85a-4f36-a1e0-93b6f4d2c718';
const CLIENT = 'e4a17c93-2b6d-4f85-9c30-d81f5a7e62b4';
const SUBSCRIPTION = '3b8f6d12-94ce-4a7b-b5e1-0c27d9f4a386';

interface AzCall {
  args: string[];
  token?: { aud: unknown; sub: unknown; sha256: string };
  configDir: string | undefined;
  idTokenEnv: boolean;
}

let fakes: Fakes;
let entra: FakeEntra;
let bin: string;
let log: string;
const originalPath = process.env['PATH'];

/** The fake az; with `failLogin` its login fails and echoes the token on stderr, as a careless CLI might. */
function writeFakeAz(failLogin: boolean): void {
  const script = `#!${process.execPath}
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const args = process.argv.slice(2);
const at = args.indexOf('--federated-token');
const call = { args: [...args], configDir: process.env.AZURE_CONFIG_DIR, idTokenEnv: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN' in process.env };
if (at >= 0) {
  const raw = args[at + 1];
  const claims = JSON.parse(Buffer.from(raw.split('.')[1], 'base64url').toString('utf8'));
  call.token = { aud: claims.aud, sub: claims.sub, sha256: crypto.createHash('sha256').update(raw).digest('hex') };
  call.args[at + 1] = '<token>';
}
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(call) + '\\n');
const profile = path.join(process.env.AZURE_CONFIG_DIR || '/nonexistent', 'azureProfile.json');
if (args[0] === 'login') {
  if (${failLogin}) { process.stderr.write('AADSTS700213: no matching federated identity record for ' + args[at + 1] + '\\n'); process.exit(1); }
  fs.writeFileSync(profile, JSON.stringify({ subscriptions: [{ id: ${JSON.stringify(SUBSCRIPTION)}, isDefault: false }] }));
}
if (args[0] === 'account' && !fs.existsSync(profile)) process.exit(1);
if (args[0] === 'logout') fs.rmSync(profile, { force: true });
`;
  writeFileSync(join(bin, 'az'), script, { mode: 0o755 });
  writeFileSync(log, '');
}

const calls = (): AzCall[] =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AzCall);

beforeAll(async () => {
  fakes = await startFakes();
  entra = await startFakeEntra({
    [TENANT]: {
      [CLIENT]: {
        issuer: fakes.issuer.issuer,
        jwksUri: fakes.issuer.jwksUri,
        audiences: ['api://AzureADTokenExchange'],
        claims: { sub: 'repo:northwind-labs/ledger-api:environment:production' },
      },
    },
  });
  bin = mkdtempSync(join(tmpdir(), 'keyless-fake-az-'));
  log = join(mkdtempSync(join(tmpdir(), 'keyless-az-log-')), 'calls.jsonl');
  process.env['PATH'] = `${bin}${delimiter}${originalPath ?? ''}`;
});
afterAll(async () => {
  process.env['PATH'] = originalPath;
  await entra.close();
  await fakes.close();
});
beforeEach(() => writeFakeAz(false));

const azure = (extra: Record<string, string> = {}) => ({
  'azure-tenant-id': TENANT,
  'azure-client-id': CLIENT,
  'azure-subscription-id': SUBSCRIPTION,
  'azure-authority-host': entra.url,
  ...extra,
});

describe('credentials action: az login with the job token', () => {
  it('logs in with the federated token in a private config dir, sets the subscription, logs out in post', async () => {
    let during: AzCall[] = [];
    const run = await runCredentialsAction({
      inputs: azure(),
      idToken: fakes.idToken,
      between: (main) => {
        during = calls();
        expect(existsSync(join(main.env['AZURE_CONFIG_DIR'] ?? '', 'azureProfile.json'))).toBe(true);
      },
    });
    expect(run.main.code).toBe(0);
    const configDir = run.main.env['AZURE_CONFIG_DIR'] ?? '';
    expect(configDir.startsWith(run.dir)).toBe(true);
    expect(during.map((c) => c.args)).toEqual([
      [
        'login',
        '--service-principal',
        '--username',
        CLIENT,
        '--tenant',
        TENANT,
        '--federated-token',
        '<token>',
        '--allow-no-subscriptions',
        '--output',
        'none',
      ],
      ['account', 'set', '--subscription', SUBSCRIPTION, '--output', 'none'],
    ]);
    expect(during[0]!.token).toMatchObject({
      aud: 'api://AzureADTokenExchange',
      sub: 'repo:northwind-labs/ledger-api:environment:production',
    });
    for (const c of during) {
      expect(c.configDir).toBe(configDir);
      expect(c.idTokenEnv).toBe(false);
    }
    // The token az got was masked for the log, and appears nowhere in it.
    const digest = during[0]!.token!.sha256;
    const masked = run.main.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => sha256(l.slice('::add-mask::'.length)));
    expect(masked).toContain(digest);
    expect(run.main.stdout).toContain(`azure: az login as ${CLIENT}`);

    expect(run.post.code).toBe(0);
    expect(calls().at(-1)).toMatchObject({ args: ['logout', '--output', 'none'], configDir });
    expect(existsSync(configDir)).toBe(false);
    expect(run.post.env['AZURE_CONFIG_DIR']).toBe('');
    expectNowhere(run, [run.main.env['AZURE_ACCESS_TOKEN'] ?? 'missing-access-token']);
  });

  it('azure-cli-login: false leaves az alone', async () => {
    const run = await runCredentialsAction({
      inputs: azure({ 'azure-cli-login': 'false' }),
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    expect(run.main.env['AZURE_ACCESS_TOKEN']).toBeTruthy();
    expect(run.main.env).not.toHaveProperty('AZURE_CONFIG_DIR');
    expect(calls()).toEqual([]);
  });

  it('a failed az login fails the step without printing the token az echoed', async () => {
    writeFakeAz(true);
    const run = await runCredentialsAction({ inputs: azure(), idToken: fakes.idToken });
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toMatch(
      /::error::keyless credentials: az login --service-principal failed \(exit 1\): AADSTS700213: no matching federated identity record for \[redacted\] — set azure-cli-login: false/,
    );
    const [login] = calls();
    expect(login!.token!.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const line of run.main.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')))
      expect(line).not.toMatch(/eyJ[\w-]+\.eyJ/);
    // Post still cleans up the config dir of the failed login.
    expect(run.post.code).toBe(0);
    expect(existsSync(login!.configDir ?? '')).toBe(false);
  });

  it('run mode: only the command gets AZURE_CONFIG_DIR; logout and deletion when it ends', async () => {
    const run = await runCredentialsAction({
      inputs: azure({
        run: 'echo "$AZURE_CONFIG_DIR" > dir.txt; test -f "$AZURE_CONFIG_DIR/azureProfile.json"',
      }),
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    const dir = readFileSync(join(run.workspace, 'dir.txt'), 'utf8').trim();
    expect(dir.startsWith(run.dir)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(calls().map((c) => c.args[0])).toEqual(['login', 'account', 'logout']);
    expect(run.main.env).toEqual({});
  });

  it('azure-cli-login: true without az on PATH fails before any exchange', async () => {
    process.env['PATH'] = originalPath ?? '';
    try {
      entra.requests.length = 0;
      const run = await runCredentialsAction({
        inputs: azure({ 'azure-cli-login': 'true' }),
        idToken: fakes.idToken,
      });
      expect(run.main.code).toBe(1);
      expect(run.main.stdout).toContain('azure-cli-login: true but no az executable on PATH');
      expect(entra.requests).toEqual([]);
    } finally {
      process.env['PATH'] = `${bin}${delimiter}${originalPath ?? ''}`;
    }
  });
});
