import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';

import { GCP_PROVIDER as PROVIDER, gcpAudience, gcpProviderName } from '../helpers/cloud-ids.js';
import { runCredentialsAction } from '../helpers/run-credentials-action.js';
import { expectNowhere, startFakes } from './credentials-fixtures.js';

const start = () =>
  startFakes((trust) => ({
    gcp: {
      providers: {
        [gcpProviderName(PROVIDER)]: trust(gcpAudience(PROVIDER), { repository_owner: 'northwind-labs' }),
      },
    },
  }));
let fakes: Awaited<ReturnType<typeof start>>;
let gcp: typeof fakes.gcp;
beforeAll(async () => {
  fakes = await start();
  gcp = fakes.gcp;
});
afterAll(() => fakes.close());

describe('keyless credentials action: GCP', () => {
  it('export: file writes an external_account file (0600) that fetches the job token itself; post deletes it', async () => {
    let path = '';
    const run = await runCredentialsAction({
      inputs: {
        'gcp-workload-identity-provider': PROVIDER,
        'gcp-project-id': 'northwind-prod',
        'gcp-sts-url': gcp.url,
        export: 'file',
      },
      idToken: fakes.idToken,
      between: (main) => {
        path = main.env['GOOGLE_APPLICATION_CREDENTIALS'] ?? '';
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        expect(file).toMatchObject({
          type: 'external_account',
          audience: `//iam.googleapis.com/${PROVIDER}`,
          credential_source: {
            url: `${fakes.idToken.requestUrl}&audience=${encodeURIComponent(`https://iam.googleapis.com/${PROVIDER}`)}`,
            headers: { Authorization: `Bearer ${fakes.idToken.requestToken}` },
            format: { type: 'json', subject_token_field_name: 'value' },
          },
        });
      },
    });
    expect(run.main.code).toBe(0);
    expect(run.main.env['GOOGLE_CLOUD_PROJECT']).toBe('northwind-prod');
    expect(run.main.env).not.toHaveProperty('GOOGLE_OAUTH_ACCESS_TOKEN');
    expect(run.post.code).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(run.post.env['GOOGLE_APPLICATION_CREDENTIALS']).toBe('');
    const accessTokens = [...gcp.federated.keys()];
    expect(accessTokens).toHaveLength(1);
    expectNowhere(run, accessTokens);
  });
});
