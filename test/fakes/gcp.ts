/**
 * A fake of GCP STS (`POST /v1/token`, JSON body) and IAM Credentials (`generateAccessToken`,
 * `generateIdToken`) on one loopback port. Providers verify the job token against their trust;
 * service accounts allow impersonation by listed subjects. Errors use each API's published shape:
 * OAuth `{error, error_description}` for STS, `{error: {code, message, status}}` for IAM.
 */
import { randomBytes } from 'node:crypto';
import { judge, takeFailure } from './jwt-trust.js';
import type { FailureSwitch, Trust } from './jwt-trust.js';
import { bearer, json, listen } from './loopback.js';

export interface FakeGcpOptions {
  /** By full audience `//iam.googleapis.com/projects/N/.../providers/X`. */
  providers: Record<string, Trust>;
  /** By email: the `sub` values whose federated tokens may impersonate it. */
  serviceAccounts: Record<string, { subjects: string[] }>;
}

export interface FakeGcp {
  url: string;
  failures: FailureSwitch[];
  requests: { path: string; body: Record<string, unknown> }[];
  /** Federated tokens issued, with the subject they stand for. */
  federated: Map<string, string>;
  /** Impersonated access tokens and ID tokens issued, by service account. */
  issued: { serviceAccount: string; kind: 'access' | 'id'; token: string }[];
  close(): Promise<void>;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export async function startFakeGcp(options: FakeGcpOptions): Promise<FakeGcp> {
  const gcp: FakeGcp = {
    url: '',
    failures: [],
    requests: [],
    federated: new Map(),
    issued: [],
    close: async () => undefined,
  };
  const iamError = (status: number, statusName: string, message: string) => ({
    error: { code: status, message, status: statusName },
  });

  const server = await listen(async (req, res) => {
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    gcp.requests.push({ path: req.path, body });
    const failure = takeFailure(gcp.failures, req.path);
    if (failure)
      return json(res, failure.status, iamError(failure.status, failure.code ?? 'UNAVAILABLE', 'try again'));
    if (req.method === 'POST' && req.path === '/v1/token') {
      if (req.headers['content-type'] !== 'application/json')
        return json(res, 400, { error: 'invalid_request' });
      if (
        body.grantType !== TOKEN_EXCHANGE ||
        body.subjectTokenType !== JWT_TYPE ||
        body.requestedTokenType !== ACCESS_TYPE
      ) {
        return json(res, 400, {
          error: 'invalid_request',
          error_description: 'Invalid grant or token type.',
        });
      }
      const trust = options.providers[String(body.audience)];
      if (!trust)
        return json(res, 400, {
          error: 'invalid_target',
          error_description: 'The target service indicated by the "audience" parameters is invalid.',
        });
      const verdict = await judge(String(body.subjectToken), trust);
      if (!verdict.ok) {
        const description =
          verdict.reason === 'audience'
            ? 'The audience in ID Token does not match the expected audience.'
            : verdict.reason.startsWith('claim')
              ? 'The given credential is rejected by the attribute condition.'
              : `Invalid ID Token: ${verdict.reason}.`;
        return json(res, 400, { error: 'invalid_grant', error_description: description });
      }
      const token = `ya29.d.${randomBytes(48).toString('base64url')}`;
      gcp.federated.set(token, String(verdict.claims.sub));
      return json(res, 200, {
        access_token: token,
        issued_token_type: ACCESS_TYPE,
        token_type: 'Bearer',
        expires_in: 3599,
      });
    }
    const iam = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):(generateAccessToken|generateIdToken)$/.exec(
      req.path,
    );
    if (req.method === 'POST' && iam) {
      const email = decodeURIComponent(iam[1]!);
      const subject = gcp.federated.get(bearer(req.headers) ?? '');
      if (!subject)
        return json(
          res,
          401,
          iamError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
        );
      const account = options.serviceAccounts[email];
      if (!account) return json(res, 404, iamError(404, 'NOT_FOUND', `Service account ${email} not found.`));
      if (!account.subjects.includes(subject)) {
        return json(
          res,
          403,
          iamError(
            403,
            'PERMISSION_DENIED',
            "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
          ),
        );
      }
      if (iam[2] === 'generateIdToken') {
        if (typeof body.audience !== 'string')
          return json(res, 400, iamError(400, 'INVALID_ARGUMENT', 'audience is required'));
        const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud: body.audience, sub: email })).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
        gcp.issued.push({ serviceAccount: email, kind: 'id', token });
        return json(res, 200, { token });
      }
      const lifetime = /^(\d+)s$/.exec(String(body.lifetime ?? '3600s'));
      if (!Array.isArray(body.scope) || body.scope.length === 0 || !lifetime) {
        return json(res, 400, iamError(400, 'INVALID_ARGUMENT', 'scope and lifetime are required'));
      }
      const token = `ya29.c.${randomBytes(64).toString('base64url')}`;
      gcp.issued.push({ serviceAccount: email, kind: 'access', token });
      const expireTime = new Date(Date.now() + Number(lifetime[1]) * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      return json(res, 200, { accessToken: token, expireTime });
    }
    json(res, 404, iamError(404, 'NOT_FOUND', 'not found'));
  });
  gcp.url = server.base;
  gcp.close = server.close;
  return gcp;
}
