/**
 * A fake AWS STS on loopback speaking the Query/XML wire format the real SDK uses: form-encoded
 * `Action`/`Version` requests, `<ActionResponse><ActionResult>` answers, errors as `ErrorResponse`.
 * AssumeRoleWithWebIdentity verifies the JWT against the role's trust like IAM does; AssumeRole and
 * GetCallerIdentity accept only credentials this fake issued (access key id + session token).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { judge, readBody, takeFailure } from './jwt-trust.js';
import type { FailureSwitch, Trust } from './jwt-trust.js';

export interface FakeRole {
  /** Who may AssumeRoleWithWebIdentity (OIDC trust). */
  webIdentity?: Trust;
  /** Role ARNs whose sessions may AssumeRole into this one (chaining). */
  trustedRoles?: string[];
  externalId?: string;
  /** Seconds; requests above it fail with ValidationError. Default 3600. */
  maxSessionDuration?: number;
}

export interface StsCall {
  action: string;
  params: Record<string, string>;
  /** The access key id that signed the request (AssumeRole, GetCallerIdentity). */
  signedBy?: string;
}

interface Session {
  roleArn: string;
  sessionName: string;
  secret: string;
  sessionToken: string;
}

export interface FakeSts {
  endpoint: string;
  roles: Record<string, FakeRole>;
  calls: StsCall[];
  failures: FailureSwitch[];
  /** Sessions issued, by access key id. */
  sessions: Map<string, Session>;
  close(): Promise<void>;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const POLICY_ARN = /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const rand = (alphabet: string, n: number): string =>
  [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

class StsFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function errorXml(code: string, message: string, status: number): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${esc(code)}</Code>` +
    `<Message>${esc(message)}</Message></Error><RequestId>${rand(UPPER, 16)}</RequestId></ErrorResponse>`
  );
}

function answer(action: string, inner: string): string {
  return (
    `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>${rand(UPPER, 16)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export async function startFakeSts(roles: Record<string, FakeRole> = {}): Promise<FakeSts> {
  const sts: FakeSts = {
    endpoint: '',
    roles,
    calls: [],
    failures: [],
    sessions: new Map(),
    close: async () => undefined,
  };

  function checkSession(params: Record<string, string>, role: FakeRole | undefined): number {
    if (!role) throw new StsFault(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRole');
    if (!SESSION_NAME.test(params.RoleSessionName ?? '')) {
      throw new StsFault(400, 'ValidationError', 'Invalid RoleSessionName');
    }
    const duration = Number(params.DurationSeconds ?? '3600');
    if (!Number.isInteger(duration) || duration < 900 || duration > (role.maxSessionDuration ?? 3600)) {
      throw new StsFault(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration',
      );
    }
    if (params.Policy !== undefined) {
      try {
        JSON.parse(params.Policy);
      } catch {
        throw new StsFault(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
      }
    }
    for (const [key, value] of Object.entries(params)) {
      if (/^PolicyArns\.member\.\d+\.arn$/.test(key) && !POLICY_ARN.test(value)) {
        throw new StsFault(400, 'ValidationError', 'Invalid policy ARN');
      }
    }
    return duration;
  }

  function issue(roleArn: string, params: Record<string, string>, duration: number): string {
    const accessKeyId = `ASIA${rand(UPPER, 16)}`;
    const session: Session = {
      roleArn,
      sessionName: params.RoleSessionName!,
      secret: rand(B64, 40),
      sessionToken: `IQoJb3JpZ2luX2Vj${rand(B64, 300)}`,
    };
    sts.sessions.set(accessKeyId, session);
    const role = roleArn.replace(/^arn:aws:iam::\d+:role\//, '');
    const account = /::(\d{12}):/.exec(roleArn)?.[1] ?? '';
    const expiration = new Date(Date.now() + duration * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    return (
      `<AssumedRoleUser><AssumedRoleId>AROA${rand(UPPER, 16)}:${esc(session.sessionName)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${account}:assumed-role/${esc(role)}/${esc(session.sessionName)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${session.secret}</SecretAccessKey>` +
      `<SessionToken>${session.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>`
    );
  }

  function signer(req: IncomingMessage): [string, Session] {
    const auth = req.headers.authorization ?? '';
    const keyId = /Credential=([A-Z0-9]+)\//.exec(auth)?.[1];
    const session = keyId ? sts.sessions.get(keyId) : undefined;
    if (!keyId || !session || req.headers['x-amz-security-token'] !== session.sessionToken) {
      throw new StsFault(
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      );
    }
    return [keyId, session];
  }

  async function handle(req: IncomingMessage, params: Record<string, string>): Promise<string> {
    const action = params.Action ?? '';
    if (req.method !== 'POST' || params.Version !== '2011-06-15') {
      throw new StsFault(400, 'InvalidAction', 'Could not find operation');
    }
    if (action === 'AssumeRoleWithWebIdentity') {
      if (req.headers.authorization) throw new StsFault(400, 'InvalidAction', 'unexpected signature');
      const roleArn = params.RoleArn ?? '';
      const role = sts.roles[roleArn];
      const duration = checkSession(params, role);
      if (!role?.webIdentity)
        throw new StsFault(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
      const verdict = await judge(params.WebIdentityToken ?? '', role.webIdentity);
      if (!verdict.ok) {
        if (verdict.reason === 'expired')
          throw new StsFault(400, 'ExpiredTokenException', 'Token is expired');
        if (['malformed', 'bad signature', 'unknown kid', 'issuer'].includes(verdict.reason)) {
          throw new StsFault(
            400,
            'InvalidIdentityToken',
            "Couldn't retrieve verification key from your identity provider",
          );
        }
        throw new StsFault(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
      }
      const extra = `<SubjectFromWebIdentityToken>${esc(String(verdict.claims.sub))}</SubjectFromWebIdentityToken>`;
      return answer(action, extra + issue(roleArn, params, duration));
    }
    if (action === 'AssumeRole') {
      const [, session] = signer(req);
      const roleArn = params.RoleArn ?? '';
      const role = sts.roles[roleArn];
      const duration = checkSession(params, role);
      const trusted = role?.trustedRoles?.includes(session.roleArn);
      if (!trusted || (role?.externalId !== undefined && role.externalId !== params.ExternalId)) {
        throw new StsFault(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRole');
      }
      return answer(action, issue(roleArn, params, duration));
    }
    if (action === 'GetCallerIdentity') {
      const [, session] = signer(req);
      const account = /::(\d{12}):/.exec(session.roleArn)?.[1] ?? '';
      const role = session.roleArn.replace(/^arn:aws:iam::\d+:role\//, '');
      return answer(
        action,
        `<Arn>arn:aws:sts::${account}:assumed-role/${esc(role)}/${esc(session.sessionName)}</Arn>` +
          `<UserId>AROA${rand(UPPER, 16)}:${esc(session.sessionName)}</UserId><Account>${account}</Account>`,
      );
    }
    throw new StsFault(400, 'InvalidAction', `Could not find operation ${action}`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
      const call: StsCall = { action: params.Action ?? '', params };
      const keyId = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
      if (keyId) call.signedBy = keyId;
      sts.calls.push(call);
      const reply = (status: number, body: string): void => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(body);
      };
      const failure = takeFailure(sts.failures, call.action);
      if (failure) {
        const code = failure.code ?? (failure.status >= 500 ? 'ServiceUnavailable' : 'Throttling');
        return reply(failure.status, errorXml(code, 'Rate exceeded or unavailable', failure.status));
      }
      try {
        reply(200, await handle(req, params));
      } catch (error) {
        if (!(error instanceof StsFault)) throw error;
        reply(error.status, errorXml(error.code, error.message, error.status));
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  sts.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sts.close = () =>
    new Promise<void>((done, fail) => {
      server.closeAllConnections();
      server.close((error) => (error ? fail(error) : done()));
    });
  return sts;
}
