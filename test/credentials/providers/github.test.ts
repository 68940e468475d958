import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GithubStsProvider } from '../../../credentials/providers/github.js';
import { CredentialError } from '../../../credentials/types.js';
import { startOidcIssuer } from '../../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../../fakes/oidc-issuer.js';
import { startFakeOctoSts } from '../../fakes/octo-sts.js';
import type { FakeOctoSts } from '../../fakes/octo-sts.js';
import { expectNoSecrets, failure, identity, instantRetry } from './helpers.js';

let issuer: OidcIssuer;
let sts: FakeOctoSts;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sts = await startFakeOctoSts({
    'northwind-labs/infra-live/release-bot': {
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri,
      audiences: ['127.0.0.1'],
      claims: { repository: 'northwind-labs/ledger-api', ref: 'refs/heads/main' },
    },
  });
});
afterAll(async () => {
  await sts.close();
  await issuer.close();
});
beforeEach(() => {
  sts.failures.length = 0;
  sts.requests.length = 0;
});

const request = { scope: 'northwind-labs/infra-live', identity: 'release-bot' };

describe('GithubStsProvider', () => {
  it('exchanges for a scoped token and revokes it against the API base', async () => {
    const provider = new GithubStsProvider({ apiUrl: sts.url, retry: instantRetry() });
    const req = { ...request, domain: sts.url };
    expect(provider.defaultAudience(req)).toBe('127.0.0.1');
    const creds = await provider.exchange(identity(issuer.github({ aud: '127.0.0.1' })), req);
    const [issued] = [...sts.tokens.keys()];
    expect(creds.values).toEqual([{ name: 'GH_TOKEN', value: issued, secret: true }]);
    expect(sts.requests).toEqual(['GET /sts/exchange']);
    await creds.revoke!();
    expect(sts.revoked).toEqual([issued]);
    await creds.revoke!();
    expect(sts.revoked).toEqual([issued]);
  });

  it('names the trust policy when the exchange is refused, without the token', async () => {
    const retry = instantRetry(4);
    const provider = new GithubStsProvider({ apiUrl: sts.url, retry });
    const token = issuer.github({ aud: '127.0.0.1', ref: 'refs/heads/feature' });
    const error = await failure(provider.exchange(identity(token), { ...request, domain: sts.url }));
    expect((error as CredentialError).kind).toBe('auth');
    expect(error.message).toContain('HTTP 403: unable to federate token');
    expect(error.message).toContain('northwind-labs/infra-live/.github/chainguard/release-bot.sts.yaml');
    expect(retry.delays).toEqual([]);
    expectNoSecrets(error.message, [token]);
  });

  it('retries an unavailable STS and a failing revoke', async () => {
    sts.failures.push(
      { status: 503, times: 2, match: '/sts/' },
      { status: 502, times: 1, match: '/installation/' },
    );
    const retry = instantRetry(3);
    const provider = new GithubStsProvider({ apiUrl: sts.url, retry });
    const creds = await provider.exchange(identity(issuer.github({ aud: '127.0.0.1' })), {
      ...request,
      domain: sts.url,
    });
    await creds.revoke!();
    expect(sts.revoked).toContain(creds.values[0]!.value);
    expect(retry.delays).toHaveLength(3);
  });
});
