import { describe, expect, it } from '@jest/globals';
import { httpJson } from '../../credentials/providers/http.js';
import { backoffDelay, parseRetryAfter, TransientError, withRetry } from '../../credentials/retry.js';
import { startSilentServer } from '../fakes/silent-server.js';
import { scrub } from '../../credentials/redact.js';
import { CredentialError } from '../../credentials/types.js';

describe('withRetry', () => {
  it('stops at the deadline instead of sleeping past it', async () => {
    let calls = 0;
    const delays: number[] = [];
    const error = await withRetry(
      'STS',
      async () => {
        calls += 1;
        throw new TransientError('HTTP 503');
      },
      {
        attempts: 5,
        baseDelayMs: 1000,
        random: () => 0.9,
        deadlineMs: 500,
        sleep: async (ms) => void delays.push(ms),
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialError);
    expect(error).toMatchObject({
      kind: 'transient',
      message: 'STS failed after 1 attempt (gave up at the 500 ms deadline): HTTP 503',
    });
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it('times out each request to a server that never answers, as a retried transient error', async () => {
    const silent = await startSilentServer();
    try {
      const retried: string[] = [];
      const error = await httpJson(
        fetch,
        {
          what: 'Vault login',
          url: `${silent.base}/v1/auth/jwt/login`,
          method: 'POST',
          body: {},
          secrets: [],
        },
        {
          attempts: 3,
          timeoutMs: 200,
          sleep: async () => undefined,
          onRetry: (e) => void retried.push(e.reason),
        },
      ).catch((e: unknown) => e);
      const reason = `Vault login: ${silent.host} did not answer within 200 ms`;
      expect(error).toBeInstanceOf(CredentialError);
      expect((error as CredentialError).kind).toBe('transient');
      expect((error as CredentialError).message).toBe(`Vault login failed after 3 attempts: ${reason}`);
      expect(retried).toEqual([reason, reason]);
      expect(silent.requests).toHaveLength(3);
    } finally {
      await silent.close();
    }
  });

  it('retries transient failures with growing jittered delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      'call',
      async () => {
        calls += 1;
        if (calls < 3) throw new TransientError('HTTP 503');
        return 'ok';
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 0.5, baseDelayMs: 100 },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([50, 100]);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const op = async () => {
      calls += 1;
      throw new CredentialError('HTTP 403', 'auth');
    };
    await expect(withRetry('call', op, { sleep: async () => undefined })).rejects.toThrow('HTTP 403');
    expect(calls).toBe(1);
  });

  it('gives up after the attempts with the last reason', async () => {
    let calls = 0;
    const op = async () => {
      calls += 1;
      throw new TransientError(`HTTP 50${calls}`);
    };
    const error = await withRetry('STS', op, { attempts: 3, sleep: async () => undefined }).catch(
      (e: unknown) => e,
    );
    expect(calls).toBe(3);
    expect((error as Error).message).toBe('STS failed after 3 attempts: HTTP 503');
    expect((error as CredentialError).kind).toBe('transient');
  });

  it('honours Retry-After up to the cap', () => {
    expect(backoffDelay(1, { maxDelayMs: 5000 }, 2000)).toBe(2000);
    expect(backoffDelay(1, { maxDelayMs: 5000 }, 60000)).toBe(5000);
    expect(backoffDelay(4, { baseDelayMs: 100, maxDelayMs: 500, random: () => 0.999 })).toBe(499);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('scrub', () => {
  it('removes given secrets, JWT-shaped and long opaque strings', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vciJ9.c2lnbmF0dXJlLXBhcnQ';
    const text = `bad token ${jwt} for key Qm9vdHN0cmFwS2V5 and blob ${'aZ3'.repeat(15)} end`;
    const out = scrub(text, ['Qm9vdHN0cmFwS2V5']);
    expect(out).toBe('bad token [redacted jwt] for key [redacted] and blob [redacted] end');
  });
});
