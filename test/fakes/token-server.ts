/**
 * A small registry token service (the `realm` of `auth.token`) for tests: checks Basic credentials,
 * grants the requested scope, and signs RS256 JWTs the real docker-registry accepts — the signing
 * certificate travels in the `x5c` header and is verified against the registry's rootcertbundle.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSign, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  service: string | null;
  scopes: string[];
  account: string | null;
  /** User name that authenticated, or null for anonymous / failed. */
  user: string | null;
  status: number;
}

export interface TokenServerOptions {
  users: Record<string, string>;
  keyPem: string;
  certPem: string;
  issuer: string;
  service: string;
  /** Anonymous callers get `pull` on every repository (a public registry). */
  anonymousPull?: boolean;
  /** Answer with `access_token` instead of `token` (both are valid per the spec). */
  field?: 'token' | 'access_token';
  expiresIn?: number;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token` */
  realm: string;
  requests: TokenRequest[];
  close(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function certDer(pem: string): string {
  return pem
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
}

function userOf(req: IncomingMessage, users: Record<string, string>): string | null | false {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && Object.hasOwn(users, user) && users[user] === decoded.slice(colon + 1) ? user : false;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(','),
  };
}

export function signToken(options: TokenServerOptions, subject: string, access: Access[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer(options.certPem)] };
  const claims = {
    iss: options.issuer,
    sub: subject,
    aud: options.service,
    exp: now + (options.expiresIn ?? 300),
    nbf: now - 10,
    iat: now,
    jti: randomBytes(12).toString('hex'),
    access,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(options.keyPem);
  return `${input}.${base64url(signature)}`;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const requests: TokenRequest[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const record: TokenRequest = {
      service: url.searchParams.get('service'),
      scopes: url.searchParams.getAll('scope'),
      account: url.searchParams.get('account'),
      user: null,
      status: 200,
    };
    requests.push(record);
    const user = userOf(req, options.users);
    if (url.pathname !== '/token' || record.service !== options.service) {
      record.status = 400;
      res.writeHead(400).end('bad token request');
      return;
    }
    if (user === false || (user === null && !options.anonymousPull)) {
      record.status = 401;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"authentication required"}');
      return;
    }
    record.user = user;
    const access = record.scopes
      .flatMap((s) => s.split(' '))
      .map(parseScope)
      .filter((a): a is Access => a !== undefined)
      .map((a) => (user === null ? { ...a, actions: a.actions.filter((x) => x === 'pull') } : a));
    const token = signToken(options, user ?? '', access);
    const body = {
      [options.field ?? 'token']: token,
      expires_in: options.expiresIn ?? 300,
      issued_at: new Date().toISOString(),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
