import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identityToken } from '../../credentials/identity/jwt.js';
import { checkToken } from '../../credentials/policy/check.js';
import { verifySignature } from '../../credentials/policy/jwks.js';
import { otherRsaKey, startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';
import { startSilentServer } from '../fakes/silent-server.js';
import { credentialFailure } from './providers/helpers.js';

let issuer: OidcIssuer;
let ghes: OidcIssuer;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  ghes = await startOidcIssuer({ path: '/_services/token', jwksPath: '/.well-known/jwks' });
});
afterAll(async () => {
  await issuer.close();
  await ghes.close();
});

describe('verifySignature', () => {
  it('verifies RS256 through discovery and picks the key by kid', async () => {
    issuer.requests.length = 0;
    const result = await verifySignature(identityToken(issuer.github(), 't'));
    expect(result).toEqual({
      status: 'verified',
      alg: 'RS256',
      kid: issuer.kids.RS256,
      jwksUri: issuer.jwksUri,
    });
    expect(issuer.requests).toEqual(['/.well-known/openid-configuration', '/.well-known/jwks']);
  });

  it('verifies ES256', async () => {
    const result = await verifySignature(identityToken(issuer.gitlab({}, { alg: 'ES256' }), 't'));
    expect(result).toMatchObject({ status: 'verified', alg: 'ES256', kid: issuer.kids.ES256 });
  });

  it('keeps the GHES issuer path when discovering', async () => {
    ghes.requests.length = 0;
    await verifySignature(identityToken(ghes.github(), 't'));
    expect(ghes.requests).toEqual([
      '/_services/token/.well-known/openid-configuration',
      '/_services/token/.well-known/jwks',
    ]);
  });

  it('fails on a signature made with another key under a valid kid', async () => {
    const raw = issuer.github({}, { signWith: otherRsaKey() });
    const error = await credentialFailure(verifySignature(identityToken(raw, 'file /t')));
    expect(error.kind).toBe('claims');
    expect(error.message).toBe(
      `the token from file /t failed signature verification: the signature does not match key "${issuer.kids.RS256}" of ${issuer.issuer}`,
    );
    expect(error.message).not.toContain(raw);
  });

  it('fails on a tampered payload', async () => {
    const [h, , s] = issuer.github().split('.');
    const forged = Buffer.from(JSON.stringify(issuer.githubClaims({ repository: 'intruder/app' }))).toString(
      'base64url',
    );
    await credentialFailure(verifySignature(identityToken(`${h}.${forged}.${s}`, 't')));
  });

  it('fails on an unknown kid', async () => {
    const error = await credentialFailure(
      verifySignature(identityToken(issuer.github({}, { kid: 'retired-key' }), 't')),
    );
    expect(error.message).toBe(
      `the token from t failed signature verification: the issuer's JWKS (${issuer.jwksUri}) has no key with kid "retired-key" — not signed by this issuer`,
    );
  });

  it('fails on a key of the wrong type for the alg', async () => {
    const raw = issuer.github({}, { kid: issuer.kids.ES256 });
    const error = await credentialFailure(verifySignature(identityToken(raw, 't')));
    expect(error.message).toContain(`key "${issuer.kids.ES256}" is a EC key, not usable for RS256`);
  });

  it('refuses unsigned and symmetric algorithms', async () => {
    const b = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const alg of ['none', 'HS256']) {
      const raw = `${b({ alg })}.${b(issuer.githubClaims())}.`;
      const error = await credentialFailure(verifySignature(identityToken(raw, 't')));
      expect(error.message).toBe(
        `the token from t failed signature verification: algorithm "${alg}" is not accepted (expected RS256 or ES256)`,
      );
    }
  });

  it('skips with a warning when the issuer answers 503 or is gone', async () => {
    issuer.failWith = 503;
    try {
      const result = await verifySignature(identityToken(issuer.github(), 't'));
      expect(result).toEqual({
        status: 'skipped',
        warning: `signature not verified: the issuer's keys could not be fetched (${issuer.issuer}/.well-known/openid-configuration: HTTP 503)`,
      });
    } finally {
      issuer.failWith = undefined;
    }
    const gone = await startOidcIssuer();
    const raw = gone.github();
    await gone.close();
    const result = await verifySignature(identityToken(raw, 't'));
    expect(result.status).toBe('skipped');
  });
});

describe('verifySignature timeouts', () => {
  it('skips with a warning naming the URL when the issuer accepts but never answers', async () => {
    const silent = await startSilentServer();
    try {
      const raw = issuer.mint(issuer.githubClaims({ iss: silent.base }));
      const result = await verifySignature(identityToken(raw, 't'), { timeoutMs: 200 });
      expect(result).toEqual({
        status: 'skipped',
        warning: `signature not verified: the issuer's keys could not be fetched (${silent.base}/.well-known/openid-configuration: no answer within 200 ms)`,
      });
      expect(silent.requests).toEqual(['GET /.well-known/openid-configuration']);
    } finally {
      await silent.close();
    }
  });
});

describe('checkToken', () => {
  it('checks claims before contacting the issuer', async () => {
    issuer.requests.length = 0;
    const token = identityToken(issuer.github({ aud: 'sts.amazonaws.com' }), 't');
    const error = await credentialFailure(
      checkToken(token, { issuer: 'https://token.actions.githubusercontent.com' }),
    );
    expect(error.kind).toBe('claims');
    expect(error.message).toContain('iss: expected https://token.actions.githubusercontent.com');
    expect(issuer.requests).toEqual([]);
  });

  it('passes a good token and warns when no issuer is pinned or the issuer is down', async () => {
    const token = identityToken(issuer.github({ aud: 'sts.amazonaws.com' }), 't');
    const pinned = await checkToken(token, { issuer: issuer.issuer, audience: 'sts.amazonaws.com' });
    expect(pinned.warnings).toEqual([]);
    expect(pinned.signature.status).toBe('verified');
    issuer.failWith = 500;
    try {
      const loose = await checkToken(token, { audience: 'sts.amazonaws.com' });
      expect(loose.signature.status).toBe('skipped');
      expect(loose.warnings).toHaveLength(2);
      expect(loose.warnings[0]).toContain('no expected issuer declared');
    } finally {
      issuer.failWith = undefined;
    }
  });

  it('fails a bad signature even when the claims match', async () => {
    const token = identityToken(issuer.github({}, { signWith: otherRsaKey() }), 't');
    await credentialFailure(checkToken(token, { issuer: issuer.issuer, audience: 'sts.amazonaws.com' }));
  });
});
