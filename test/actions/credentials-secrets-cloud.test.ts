import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { versionId } from '../fakes/azure-key-vault.js';
import type { FakeGcp } from '../fakes/gcp.js';
import {
  AZURE_AUD,
  CLIENT,
  GCP_PROVIDER as PROVIDER,
  TENANT,
  gcpAudience,
  gcpProviderName,
} from '../helpers/cloud-ids.js';
import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import { expectMasksFirst, expectNowhere, REPO, sha256, startFakes } from './credentials-fixtures.js';

// Two lines: the runner masks line by line, so each line must be registered too.
const SIGNING_KEY = 'Nf5Kq8Wz2Xr7Lb4Tm9Hc3Vd\nYp6Js1Gw8Qe3Zn5Ra7Ku2Fx';
const SENDGRID = 'Lc9Tv4Wm1Zq6Xb3Nr8Hk5Pd';

const start = () =>
  startFakes((trust) => ({
    entra: { [TENANT]: { [CLIENT]: trust(AZURE_AUD, { repository: REPO }) } },
    keyVault: {
      'ledger-kv': {
        readers: [CLIENT],
        secrets: { 'sendgrid-key': { versions: [{ id: versionId(), value: SENDGRID }] } },
      },
    },
    gcp: { providers: { [gcpProviderName(PROVIDER)]: trust(gcpAudience(PROVIDER), { repository: REPO }) } },
    gcpSecretManager: {
      principal: (gcp: FakeGcp) => (token: string) => (gcp.federated.has(token) ? 'wif' : undefined),
      secrets: {
        'projects/northwind-prod/secrets/release-signing-key': {
          accessors: ['wif'],
          versions: [{ data: SIGNING_KEY }],
        },
      },
    },
  }));
let fakes: Awaited<ReturnType<typeof start>>;
let entra: typeof fakes.entra;
let kv: typeof fakes.keyVault;
let gcp: typeof fakes.gcp;
let gcpSm: typeof fakes.gcpSecretManager;

beforeAll(async () => {
  fakes = await start();
  ({ entra, keyVault: kv, gcp, gcpSecretManager: gcpSm } = fakes);
});
afterAll(() => fakes.close());

describe('keyless credentials action: GCP Secret Manager and Azure Key Vault', () => {
  it('run: the command alone gets the Key Vault secret; the Key Vault token is never exposed', async () => {
    const run = await runCredentialsAction({
      inputs: {
        'azure-tenant-id': TENANT,
        'azure-client-id': CLIENT,
        'azure-authority-host': entra.url,
        'azure-keyvault-url': kv.url,
        'azure-keyvault-secrets': 'ledger-kv/sendgrid-key | SENDGRID_API_KEY',
        run: 'printf %s "$SENDGRID_API_KEY" | sha256sum | cut -c1-64 > "$RUNNER_TEMP/kv-seen"',
      },
      idToken: fakes.idToken,
    });
    expect(run.main.code).toBe(0);
    expect(readFileSync(join(run.dir, 'kv-seen'), 'utf8').trim()).toBe(sha256(SENDGRID));
    expect(run.main.env).toEqual({});
    expect(kv.requests.map((r) => r.scope)).toEqual(['https://vault.azure.net/.default']);
    expectMasksFirst(run.main, [SENDGRID]);
    expectNowhere(run, [SENDGRID, ...entra.issued]);
  });

  it('export: file writes <NAME>_FILE (0600), every line masked, deleted in post', async () => {
    let path = '';
    const run = await runCredentialsAction({
      inputs: {
        'gcp-workload-identity-provider': PROVIDER,
        'gcp-project-id': 'northwind-prod',
        'gcp-sts-url': gcp.url,
        'gcp-secret-manager-url': gcpSm.url,
        'gcp-secrets': 'release-signing-key',
        export: 'file',
      },
      idToken: fakes.idToken,
      between: (main) => {
        path = main.env['RELEASE_SIGNING_KEY_FILE'] ?? '';
        expect(statSync(path).mode & 0o777).toBe(0o600);
        expect(readFileSync(path, 'utf8')).toBe(SIGNING_KEY);
      },
    });
    expect(run.main.code).toBe(0);
    expect(run.main.env).not.toHaveProperty('RELEASE_SIGNING_KEY');
    expectMasksFirst(run.main, SIGNING_KEY.split('\n'));
    expect(run.post.code).toBe(0);
    expect(existsSync(path)).toBe(false);
    expectNowhere(run, [...SIGNING_KEY.split('\n'), ...gcp.federated.keys()]);
  });
});
