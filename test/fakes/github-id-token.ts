/**
 * The GitHub Actions id-token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`): checks the Bearer request
 * token and answers `{ value }` with a GitHub-shaped token for the requested `audience`, minted by
 * the local OIDC issuer. The URL already carries a query, as the runner's does, so callers must
 * append `&audience=...`.
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Claims, OidcIssuer } from './oidc-issuer.js';

export interface IdTokenRequest {
  audience: string | null;
  authorized: boolean;
  status: number;
}

export interface GithubIdTokenEndpoint {
  /** `http://127.0.0.1:PORT/_apis/distributedtask/hubs/build/plans/P/jobs/J/idtoken?api-version=2.0` */
  requestUrl: string;
  /** The `ACTIONS_ID_TOKEN_REQUEST_TOKEN` the endpoint accepts. */
  requestToken: string;
  requests: IdTokenRequest[];
  close(): Promise<void>;
}

export async function startGithubIdTokenEndpoint(
  issuer: OidcIssuer,
  claims: Claims = {},
): Promise<GithubIdTokenEndpoint> {
  const requestToken = randomBytes(32).toString('base64url');
  const requests: IdTokenRequest[] = [];
  const path = `/_apis/distributedtask/hubs/build/plans/${randomBytes(8).toString('hex')}/jobs/${randomBytes(8).toString('hex')}/idtoken`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const authorized = req.headers.authorization === `Bearer ${requestToken}`;
    const audience = url.searchParams.get('audience');
    let status = 200;
    if (url.pathname !== path || url.searchParams.get('api-version') !== '2.0') status = 404;
    else if (!authorized) status = 401;
    requests.push({ audience, authorized, status });
    res.writeHead(status, { 'content-type': 'application/json' });
    if (status !== 200)
      return res.end(JSON.stringify({ message: status === 401 ? 'Unauthorized' : 'Not found' }));
    const aud = audience ?? 'https://github.com/northwind-labs';
    res.end(JSON.stringify({ count: 1, value: issuer.github({ aud, ...claims }) }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    requestUrl: `http://127.0.0.1:${port}${path}?api-version=2.0`,
    requestToken,
    requests,
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}
