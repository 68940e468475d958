/**
 * A fake octo-sts (`GET /sts/exchange?scope=&identity=` with a Bearer job token -> `{token}`) that is
 * also the GitHub API for `DELETE /installation/token`, recording revocations. Trust policies are
 * keyed `<scope>/<identity>`; errors use octo-sts's `{code, message}` JSON.
 */
import { randomBytes } from 'node:crypto';
import { judge, takeFailure } from './jwt-trust.js';
import type { FailureSwitch, Trust } from './jwt-trust.js';
import { bearer, json, listen } from './loopback.js';

export interface FakeOctoSts {
  url: string;
  failures: FailureSwitch[];
  requests: string[];
  /** Issued installation tokens and whether they were revoked. */
  tokens: Map<string, { scope: string; revoked: boolean }>;
  revoked: string[];
  close(): Promise<void>;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export async function startFakeOctoSts(policies: Record<string, Trust>): Promise<FakeOctoSts> {
  const fake: FakeOctoSts = {
    url: '',
    failures: [],
    requests: [],
    tokens: new Map(),
    revoked: [],
    close: async () => undefined,
  };
  const server = await listen(async (req, res) => {
    fake.requests.push(`${req.method} ${req.path}`);
    const failure = takeFailure(fake.failures, req.path);
    if (failure) return json(res, failure.status, { code: 14, message: failure.code ?? 'unavailable' });
    if (req.method === 'GET' && req.path === '/sts/exchange') {
      const jwt = bearer(req.headers);
      const scope = req.query.get('scope') ?? '';
      const identity = req.query.get('identity') ?? '';
      if (!jwt) return json(res, 401, { code: 16, message: 'unable to extract bearer token' });
      const trust = policies[`${scope}/${identity}`];
      if (!trust) return json(res, 404, { code: 5, message: 'unable to find trust policy' });
      const verdict = await judge(jwt, trust);
      if (!verdict.ok) return json(res, 403, { code: 7, message: 'unable to federate token' });
      const token = `ghs_${[...randomBytes(36)].map((b) => BASE62[b % 62]).join('')}`;
      fake.tokens.set(token, { scope, revoked: false });
      return json(res, 200, { token });
    }
    if (req.method === 'DELETE' && req.path === '/installation/token') {
      const token = bearer(req.headers) ?? '';
      const state = fake.tokens.get(token);
      if (!state || state.revoked || req.headers['x-github-api-version'] !== '2022-11-28') {
        return json(res, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        });
      }
      state.revoked = true;
      fake.revoked.push(token);
      res.writeHead(204).end();
      return;
    }
    json(res, 404, { message: 'Not Found' });
  });
  fake.url = server.base;
  fake.close = server.close;
  return fake;
}
