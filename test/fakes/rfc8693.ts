/**
 * A fake RFC 8693 token exchange endpoint (`POST /oauth2/token`, form encoded): the subject token is
 * verified against the trust, the audience must be one it issues for, errors are RFC 6749 JSON.
 */
import { randomBytes } from 'node:crypto';
import { judge, takeFailure } from './jwt-trust.js';
import type { FailureSwitch, Trust } from './jwt-trust.js';
import { json, listen } from './loopback.js';

export interface FakeTokenExchange {
  tokenUrl: string;
  failures: FailureSwitch[];
  requests: Record<string, string>[];
  issued: string[];
  close(): Promise<void>;
}

export async function startFakeTokenExchange(trust: Trust, audiences: string[]): Promise<FakeTokenExchange> {
  const fake: FakeTokenExchange = {
    tokenUrl: '',
    failures: [],
    requests: [],
    issued: [],
    close: async () => undefined,
  };
  const oauth = (status: number, error: string, description: string) =>
    [status, { error, error_description: description }] as const;
  const server = await listen(async (req, res) => {
    const form = Object.fromEntries(new URLSearchParams(req.body));
    fake.requests.push(form);
    const failure = takeFailure(fake.failures, req.path);
    if (failure) return json(res, failure.status, { error: failure.code ?? 'temporarily_unavailable' });
    const reply = await (async () => {
      if (req.method !== 'POST' || req.path !== '/oauth2/token')
        return oauth(404, 'not_found', 'no such endpoint');
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
        return oauth(400, 'invalid_request', 'form encoding required');
      }
      if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:token-exchange') {
        return oauth(400, 'unsupported_grant_type', 'grant type not supported');
      }
      if (form.subject_token_type !== 'urn:ietf:params:oauth:token-type:jwt' || !form.subject_token) {
        return oauth(400, 'invalid_request', 'subject_token of type jwt required');
      }
      if (form.audience !== undefined && !audiences.includes(form.audience)) {
        return oauth(400, 'invalid_target', `unknown audience ${form.audience}`);
      }
      const verdict = await judge(form.subject_token, trust);
      if (!verdict.ok) return oauth(400, 'invalid_grant', `subject token rejected (${verdict.reason})`);
      const token = `at_${randomBytes(32).toString('base64url')}`;
      fake.issued.push(token);
      return [
        200,
        {
          access_token: token,
          issued_token_type: form.requested_token_type ?? 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: 900,
          ...(form.scope ? { scope: form.scope } : {}),
        },
      ] as const;
    })();
    json(res, reply[0], reply[1]);
  });
  fake.tokenUrl = `${server.base}/oauth2/token`;
  fake.close = server.close;
  return fake;
}
