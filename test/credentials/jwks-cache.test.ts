import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { obtainCredentials } from '../../credentials/exchange.js';
import { ValueIdentity } from '../../credentials/identity/index.js';
import { identityToken } from '../../credentials/identity/jwt.js';
import { cacheSeconds, JwksCache } from '../../credentials/policy/jwks-cache.js';
import { verifySignature } from '../../credentials/policy/jwks.js';
import { parseRequest } from '../../credentials/request.js';
import { startFakeSts } from '../fakes/aws-sts.js';
import type { FakeSts } from '../fakes/aws-sts.js';
import { otherRsaKey, startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';
import { credentialFailure, instantRetry } from './providers/helpers.js';

const DISCOVERY = '/.well-known/openid-configuration';
const JWKS = '/.well-known/jwks';

let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await issuer.close();
});
beforeEach(() => {
  issuer.requests.length = 0;
  issuer.cacheControl = undefined;
  issuer.failWith = undefined;
});

const token = () => identityToken(issuer.github(), 't');
const cacheDir = () => mkdtempSync(join(tmpdir(), 'keyless-jwks-'));

describe('cacheSeconds', () => {
  it('reads max-age and s-maxage, and no-store/no-cache as 0', () => {
    expect(cacheSeconds('public, max-age=3600')).toBe(3600);
    expect(cacheSeconds('s-maxage=60')).toBe(60);
    expect(cacheSeconds('no-store')).toBe(0);
    expect(cacheSeconds('max-age=600, no-cache')).toBe(0);
    expect(cacheSeconds('public')).toBeUndefined();
    expect(cacheSeconds(null)).toBeUndefined();
  });
});

describe('JwksCache in memory', () => {
  it('verifies several tokens of one issuer with one discovery and one JWKS fetch', async () => {
    const cache = new JwksCache();
    for (let i = 0; i < 3; i += 1)
      expect((await verifySignature(token(), { cache })).status).toBe('verified');
    expect(issuer.requests).toEqual([DISCOVERY, JWKS]);
    // Without a cache every call fetches.
    await verifySignature(token());
    expect(issuer.requests).toHaveLength(4);
  });

  it('obtainCredentials checks every provider token against one fetch of the keys', async () => {
    const roles = ['ledger-deploy', 'ledger-audit', 'ledger-read'].map(
      (r) => `arn:aws:iam::530817264913:role/${r}`,
    );
    const trust = {
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri,
      audiences: ['sts.amazonaws.com'],
      claims: {},
    };
    const sts: FakeSts = await startFakeSts(
      Object.fromEntries(roles.map((r) => [r, { webIdentity: trust }])),
    );
    try {
      issuer.requests.length = 0;
      const request = parseRequest({
        'aws-region': 'eu-central-1',
        'aws-sts-endpoint': sts.endpoint,
        'aws-verify': 'false',
        'aws-profiles': roles.map((r, i) => `p${i} ${r}`).join('\n'),
      });
      const result = await obtainCredentials(request, {
        identity: new ValueIdentity('KEYLESS_ID_TOKEN', issuer.github()),
        retry: instantRetry(),
      });
      expect(result.credentials).toHaveLength(3);
      // Keyless discovers and fetches once for the three checks; the fake STS fetches the JWKS
      // itself (no discovery) once per AssumeRoleWithWebIdentity.
      const exchanges = sts.calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length;
      expect(exchanges).toBe(3);
      expect(issuer.requests.filter((p) => p === DISCOVERY)).toHaveLength(1);
      expect(issuer.requests.filter((p) => p === JWKS)).toHaveLength(1 + exchanges);
      expect(issuer.requests.slice(0, 2)).toEqual([DISCOVERY, JWKS]);
    } finally {
      await sts.close();
    }
  });

  it('refetches once on an unknown kid (key rotation) and verifies the new key', async () => {
    const cache = new JwksCache();
    await verifySignature(token(), { cache });
    const newKid = issuer.rotate();
    issuer.requests.length = 0;
    const rotated = identityToken(issuer.github(), 't');
    expect(rotated.header['kid']).toBe(newKid);
    expect(await verifySignature(rotated, { cache })).toMatchObject({ status: 'verified', kid: newKid });
    expect(issuer.requests).toEqual([DISCOVERY, JWKS]);
    // The refreshed keys are cached: no further fetch.
    await verifySignature(identityToken(issuer.github(), 't'), { cache });
    expect(issuer.requests).toHaveLength(2);
  });

  it('an unknown kid still unknown after the one refetch fails', async () => {
    const cache = new JwksCache();
    await verifySignature(token(), { cache });
    issuer.requests.length = 0;
    const forged = identityToken(issuer.github({}, { kid: 'never-published', signWith: otherRsaKey() }), 't');
    const error = await credentialFailure(verifySignature(forged, { cache }));
    expect(error.message).toContain('has no key with kid "never-published"');
    expect(issuer.requests).toEqual([DISCOVERY, JWKS]);
  });

  it('uses cached keys when the issuer is down, so an unknown kid fails instead of being skipped', async () => {
    const cache = new JwksCache();
    await verifySignature(token(), { cache });
    issuer.failWith = 503;
    expect((await verifySignature(token(), { cache })).status).toBe('verified');
    const forged = identityToken(issuer.github({}, { kid: 'other', signWith: otherRsaKey() }), 't');
    await credentialFailure(verifySignature(forged, { cache }));
  });
});

describe('JwksCache on disk', () => {
  it('a second process (new cache, same dir) verifies without fetching while max-age lasts', async () => {
    const dir = cacheDir();
    let now = Date.parse('2026-11-23T01:00:00Z');
    issuer.cacheControl = 'public, max-age=120';
    await verifySignature(token(), { cache: new JwksCache({ dir, now: () => now }) });
    expect(issuer.requests).toHaveLength(2);
    const [file] = readdirSync(dir);
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    now += 119_000;
    await verifySignature(token(), { cache: new JwksCache({ dir, now: () => now }) });
    expect(issuer.requests).toHaveLength(2);
    now += 2_000;
    await verifySignature(token(), { cache: new JwksCache({ dir, now: () => now }) });
    expect(issuer.requests).toHaveLength(4);
  });

  it('takes the default TTL without a header, caps a long max-age, and stores nothing on no-store', async () => {
    const start = Date.parse('2026-11-23T01:00:00Z');
    const run = async (
      dir: string,
      at: number,
      opts: { defaultTtlSeconds?: number; maxTtlSeconds?: number } = {},
    ) => verifySignature(token(), { cache: new JwksCache({ dir, now: () => at, ...opts }) });

    const plain = cacheDir();
    await run(plain, start, { defaultTtlSeconds: 30 });
    await run(plain, start + 29_000, { defaultTtlSeconds: 30 });
    expect(issuer.requests).toHaveLength(2);
    await run(plain, start + 31_000, { defaultTtlSeconds: 30 });
    expect(issuer.requests).toHaveLength(4);

    issuer.requests.length = 0;
    issuer.cacheControl = 'max-age=31536000';
    const capped = cacheDir();
    await run(capped, start, { maxTtlSeconds: 60 });
    await run(capped, start + 61_000, { maxTtlSeconds: 60 });
    expect(issuer.requests).toHaveLength(4);

    issuer.requests.length = 0;
    issuer.cacheControl = 'no-store';
    const none = join(cacheDir(), 'sub');
    const cache = new JwksCache({ dir: none });
    await verifySignature(token(), { cache });
    // Still one fetch for the whole step in memory, but nothing written.
    await verifySignature(token(), { cache });
    expect(issuer.requests).toHaveLength(2);
    expect(existsSync(none)).toBe(false);
  });
});
