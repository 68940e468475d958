/**
 * A fake Entra ID token endpoint (`POST /<tenant>/oauth2/v2.0/token`) accepting a client assertion
 * when an app's federated credential (issuer, subject, audience) matches, as Entra does; errors carry
 * AADSTS codes in `error_description`.
 */
import { randomBytes } from 'node:crypto';
import { judge, takeFailure } from './jwt-trust.js';
import type { FailureSwitch, Trust } from './jwt-trust.js';
import { json, listen } from './loopback.js';

export interface FakeEntra {
  url: string;
  failures: FailureSwitch[];
  requests: Record<string, string>[];
  issued: string[];
  /** What each issued token is for: Key Vault checks its audience (the scope's resource). */
  grants: Map<string, { tenant: string; clientId: string; scope: string }>;
  close(): Promise<void>;
}

/** `apps[tenant][clientId]` = the federated credential's trust. */
export async function startFakeEntra(apps: Record<string, Record<string, Trust>>): Promise<FakeEntra> {
  const fake: FakeEntra = {
    url: '',
    failures: [],
    requests: [],
    issued: [],
    grants: new Map(),
    close: async () => undefined,
  };
  const server = await listen(async (req, res) => {
    const form = Object.fromEntries(new URLSearchParams(req.body));
    fake.requests.push(form);
    const failure = takeFailure(fake.failures, req.path);
    if (failure) return json(res, failure.status, { error: failure.code ?? 'temporarily_unavailable' });
    const tenant = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.path)?.[1];
    const err = (status: number, error: string, description: string) =>
      json(res, status, {
        error,
        error_description: description,
        error_codes: [Number(/\d+/.exec(description)?.[0])],
      });
    if (req.method !== 'POST' || !tenant) return json(res, 404, { error: 'not_found' });
    const app = apps[decodeURIComponent(tenant)];
    if (!app) return err(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
    if (
      form.grant_type !== 'client_credentials' ||
      form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
      !form.scope?.endsWith('/.default')
    ) {
      return err(
        400,
        'invalid_request',
        'AADSTS90014: The request body must contain client_assertion, scope and grant_type.',
      );
    }
    const trust = app[form.client_id ?? ''];
    if (!trust)
      return err(
        400,
        'unauthorized_client',
        `AADSTS700016: Application with identifier '${form.client_id}' was not found.`,
      );
    const verdict = await judge(form.client_assertion ?? '', trust);
    if (!verdict.ok) {
      return err(
        400,
        'invalid_client',
        'AADSTS70021: No matching federated identity record found for presented assertion.',
      );
    }
    const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(60).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
    fake.issued.push(token);
    fake.grants.set(token, {
      tenant: decodeURIComponent(tenant),
      clientId: form.client_id!,
      scope: form.scope,
    });
    json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  });
  fake.url = server.base;
  fake.close = server.close;
  return fake;
}
