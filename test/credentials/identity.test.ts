import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileIdentity,
  GithubActionsIdentity,
  GitlabIdentity,
  ValueIdentity,
  decodeJwt,
} from '../../credentials/identity/index.js';
import { CredentialError } from '../../credentials/types.js';
import { startGithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import type { GithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import { startOidcIssuer } from '../fakes/oidc-issuer.js';
import { startSilentServer } from '../fakes/silent-server.js';
import { instantRetry } from './providers/helpers.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';
import { credentialFailure } from './providers/helpers.js';

let issuer: OidcIssuer;
let endpoint: GithubIdTokenEndpoint;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  endpoint = await startGithubIdTokenEndpoint(issuer);
});
afterAll(async () => {
  await endpoint.close();
  await issuer.close();
});

describe('GitHub Actions identity', () => {
  it('requests the token with Bearer and &audience=, and decodes it', async () => {
    const source = new GithubActionsIdentity({
      requestUrl: endpoint.requestUrl,
      requestToken: endpoint.requestToken,
    });
    const token = await source.token('sts.amazonaws.com');
    expect(endpoint.requests.at(-1)).toEqual({
      audience: 'sts.amazonaws.com',
      authorized: true,
      status: 200,
    });
    expect(token.claims['aud']).toBe('sts.amazonaws.com');
    expect(token.claims['repository']).toBe('northwind-labs/ledger-api');
    expect(token.header['kid']).toBe(issuer.kids.RS256);
    expect(token.source).toBe('GitHub Actions id-token (audience sts.amazonaws.com)');
  });

  it('encodes the audience', async () => {
    const source = new GithubActionsIdentity({
      requestUrl: endpoint.requestUrl,
      requestToken: endpoint.requestToken,
    });
    const token = await source.token('api://AzureADTokenExchange');
    expect(token.claims['aud']).toBe('api://AzureADTokenExchange');
  });

  it('fails with the permission hint when the variables are missing, without any request', async () => {
    const before = endpoint.requests.length;
    const error = await credentialFailure(
      new GithubActionsIdentity({ requestUrl: undefined, requestToken: 'x' }).token('a'),
    );
    expect(error.kind).toBe('config');
    expect(error.message).toContain('permissions: id-token: write');
    expect(endpoint.requests.length).toBe(before);
  });

  it('reports a refused request token as an auth error without echoing it', async () => {
    const wrong = 'bad' + endpoint.requestToken.slice(3);
    const error = await credentialFailure(
      new GithubActionsIdentity({ requestUrl: endpoint.requestUrl, requestToken: wrong }).token('a'),
    );
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain(wrong);
  });
});

describe('GitHub Actions identity timeouts', () => {
  it('times out on an endpoint that never answers, retries, and names the host, not the token', async () => {
    const silent = await startSilentServer();
    try {
      const requestToken = 'Rk3vQ9tLm2ZpX7cW1aYdE5hN';
      const error = await credentialFailure(
        new GithubActionsIdentity({
          requestUrl: `${silent.base}/idtoken?api-version=2.0`,
          requestToken,
          timeoutMs: 200,
          retry: instantRetry(2),
        }).token('sts.amazonaws.com'),
      );
      expect(error.kind).toBe('transient');
      expect(error.message).toBe(
        `GitHub Actions id-token request failed after 2 attempts: the GitHub Actions id-token endpoint (${silent.host}) did not answer within 200 ms`,
      );
      expect(error.message).not.toContain(requestToken);
      expect(silent.requests).toHaveLength(2);
    } finally {
      await silent.close();
    }
  });
});

describe('GitLab, file and value identities', () => {
  it('GitLab returns the id_tokens variable as is, whatever the audience', async () => {
    const raw = issuer.gitlab();
    const token = await new GitlabIdentity({ variable: 'VAULT_ID_TOKEN', value: raw }).token('other');
    expect(token.raw).toBe(raw);
    expect(token.claims['project_path']).toBe('platform-team/billing-worker');
    expect(token.source).toBe('GitLab id_tokens variable VAULT_ID_TOKEN');
  });

  it('GitLab names the missing variable and how to declare it', async () => {
    const error = await credentialFailure(
      new GitlabIdentity({ variable: 'VAULT_ID_TOKEN', value: '' }).token('https://vault.x'),
    );
    expect(error.message).toBe(
      'the GitLab id_tokens variable VAULT_ID_TOKEN is not set or empty: declare it in the job as `id_tokens: { VAULT_ID_TOKEN: { aud: https://vault.x } }`',
    );
  });

  it('re-reads a token file on every call (a projected token is rotated in place)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-cred-'));
    const path = join(dir, 'token');
    const first = issuer.mint({
      iss: issuer.issuer,
      sub: 'system:serviceaccount:ci:runner',
      aud: 'vault',
      exp: 1,
    });
    writeFileSync(path, `${first}\n`);
    const source = new FileIdentity({ path });
    expect((await source.token('vault')).raw).toBe(first);
    const second = issuer.mint({
      iss: issuer.issuer,
      sub: 'system:serviceaccount:ci:runner',
      aud: 'vault',
      exp: 2,
    });
    writeFileSync(path, second);
    expect((await source.token('vault')).claims['exp']).toBe(2);
    const missing = await credentialFailure(new FileIdentity({ path: join(dir, 'nope') }).token('a'));
    expect(missing.message).toBe(`cannot read the token file ${join(dir, 'nope')}: it does not exist`);
  });

  it('value identity decodes and names an empty variable', async () => {
    const token = await new ValueIdentity('CI_TOKEN', issuer.github()).token('a');
    expect(token.source).toBe('variable CI_TOKEN');
    expect((await credentialFailure(new ValueIdentity('CI_TOKEN', undefined).token('a'))).message).toBe(
      'the token variable CI_TOKEN is not set or empty',
    );
  });
});

describe('decodeJwt', () => {
  const secretish = 'ghp_' + 'Q7vK2mXw9LpR4tZs8NcB1yHd6JfGu3EaWo0i';
  const cases: Array<[string, string, string]> = [
    ['one part', secretish, 'the token from t is not a JWT: expected 3 dot-separated parts, found 1'],
    [
      'five parts',
      `a.b.c.d.${secretish}`,
      'the token from t is an encrypted JWT (JWE, 5 parts); a signed JWT (JWS, 3 parts) is needed',
    ],
    [
      'bad header',
      `${secretish}!.e30.sig`,
      'the token from t is not a valid JWT: the header is not base64url',
    ],
    [
      'header not JSON',
      `${Buffer.from(secretish).toString('base64url')}.e30.sig`,
      'the token from t is not a valid JWT: the header is not JSON',
    ],
    [
      'payload array',
      `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('[1]').toString('base64url')}.s`,
      'the token from t is not a valid JWT: the payload is not a JSON object',
    ],
    ['no alg', `e30.e30.${secretish}`, 'the token from t is not a valid JWT: the header has no "alg"'],
    ['empty', '  \n', 'the token from t is empty'],
  ];
  it.each(cases)('%s: a precise message without the token', (_name, raw, message) => {
    let error: unknown;
    try {
      decodeJwt(raw, 't');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain(secretish);
  });

  it('decodes header, claims and signing input', () => {
    const raw = issuer.github({ aud: 'x' });
    const jwt = decodeJwt(`${raw}\n`, 't');
    expect(jwt.header).toEqual({ typ: 'JWT', alg: 'RS256', kid: issuer.kids.RS256 });
    expect(jwt.claims['aud']).toBe('x');
    expect(jwt.signingInput).toBe(raw.split('.').slice(0, 2).join('.'));
    expect(jwt.signature.length).toBe(256);
  });
});
