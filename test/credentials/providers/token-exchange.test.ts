import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { TokenExchangeProvider } from '../../../credentials/providers/token-exchange.js';
import { startOidcIssuer } from '../../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../../fakes/oidc-issuer.js';
import { startFakeTokenExchange } from '../../fakes/rfc8693.js';
import { startSilentServer } from '../../fakes/silent-server.js';
import type { FakeTokenExchange } from '../../fakes/rfc8693.js';
import { expectNoSecrets, failure, identity, instantRetry } from './helpers.js';

let issuer: OidcIssuer;
let sts: FakeTokenExchange;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sts = await startFakeTokenExchange(
    {
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri,
      audiences: ['https://artifacts.northwind-labs.dev'],
      claims: { ref_protected: 'true' },
    },
    ['artifact-registry'],
  );
});
afterAll(async () => {
  await sts.close();
  await issuer.close();
});
beforeEach(() => {
  sts.failures.length = 0;
  sts.requests.length = 0;
});

const job = (overrides = {}) =>
  identity(issuer.github({ aud: 'https://artifacts.northwind-labs.dev', ...overrides }));

describe('TokenExchangeProvider', () => {
  it('sends an RFC 8693 form and returns the access token with its expiry', async () => {
    const provider = new TokenExchangeProvider({ retry: instantRetry() });
    const token = job();
    const creds = await provider.exchange(token, {
      tokenUrl: sts.tokenUrl,
      audience: 'artifact-registry',
      scope: ['packages:read', 'packages:write'],
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      valueName: 'REGISTRY_TOKEN',
    });
    expect(sts.requests[0]).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: token.raw,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      audience: 'artifact-registry',
      scope: 'packages:read packages:write',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expect(creds.values).toEqual([{ name: 'REGISTRY_TOKEN', value: sts.issued[0], secret: true }]);
    expect((creds.expiresAt!.getTime() - Date.now()) / 1000).toBeGreaterThan(890);
    expect(creds.grant).toMatchObject({
      audience: 'artifact-registry',
      scope: 'packages:read packages:write',
    });
    expect(provider.defaultAudience({ tokenUrl: sts.tokenUrl, tokenAudience: 'x' })).toBe('x');
  });

  it('maps invalid_grant and invalid_target to causes without retrying', async () => {
    const retry = instantRetry(4);
    const provider = new TokenExchangeProvider({ retry });
    const token = job({ ref_protected: 'false' });
    const grant = await failure(provider.exchange(token, { tokenUrl: sts.tokenUrl }));
    expect(grant.message).toMatch(
      /HTTP 400: invalid_grant: .*— the server's trust configuration does not accept/,
    );
    expectNoSecrets(grant.message, [token.raw]);
    const target = await failure(provider.exchange(job(), { tokenUrl: sts.tokenUrl, audience: 'billing' }));
    expect(target.message).toContain('issues no tokens for this audience/resource');
    expect(sts.requests).toHaveLength(2);
    expect(retry.delays).toEqual([]);
  });

  it('retries 503 and 429, honouring Retry-After within the cap', async () => {
    sts.failures.push({ status: 503, times: 1 }, { status: 429, times: 1 });
    const retry = instantRetry(3);
    const provider = new TokenExchangeProvider({ retry });
    const creds = await provider.exchange(job(), { tokenUrl: sts.tokenUrl });
    expect(creds.values[0]!.value).toBe(sts.issued.at(-1));
    expect(sts.requests).toHaveLength(3);
    expect(retry.delays).toHaveLength(2);
  });

  it('refuses plain http to a remote host', async () => {
    const provider = new TokenExchangeProvider({ retry: instantRetry() });
    await expect(
      provider.exchange(job(), { tokenUrl: 'http://sts.northwind-labs.dev/token' }),
    ).rejects.toThrow(/must use https/);
  });

  it('times out on a server that never answers, retries, and names the host', async () => {
    const silent = await startSilentServer();
    try {
      const retry = { ...instantRetry(2), timeoutMs: 200 };
      const token = job();
      const error = await failure(
        new TokenExchangeProvider({ retry }).exchange(token, { tokenUrl: `${silent.base}/oauth/token` }),
      );
      expect(error).toMatchObject({ kind: 'transient' });
      expect(error.message).toBe(
        `token exchange at ${silent.base}/oauth/token failed after 2 attempts: token exchange at ${silent.base}/oauth/token: ${silent.host} did not answer within 200 ms`,
      );
      expect(silent.requests).toEqual(['POST /oauth/token', 'POST /oauth/token']);
      expect(retry.delays).toHaveLength(1);
      expectNoSecrets(error.message, [token.raw]);
    } finally {
      await silent.close();
    }
  });
});
