/**
 * A fake GCP Secret Manager (`GET /v1/projects/P/secrets/S/versions/V:access`) answering the published
 * shape `{name, payload: {data, dataCrc32c}}` and `{error: {code, message, status}}`. The Bearer token
 * must be one the fake GCP issued (the test maps it to a principal); each secret lists its accessors,
 * as roles/secretmanager.secretAccessor bindings would.
 */
import { crc32c } from '../../credentials/secret-managers/crc32c.js';
import { takeFailure } from './jwt-trust.js';
import type { FailureSwitch } from './jwt-trust.js';
import { bearer, json, listen } from './loopback.js';

export interface FakeGcpSecret {
  /** Principals (whatever `principal(token)` returns) allowed to access versions. */
  accessors: string[];
  /** Versions 1..n in order; `latest` is the last enabled one. */
  versions: { data: string | Buffer; state?: 'ENABLED' | 'DISABLED' | 'DESTROYED' }[];
}

export interface FakeSecretManager {
  url: string;
  /** By `projects/P/secrets/S`. */
  secrets: Record<string, FakeGcpSecret>;
  failures: FailureSwitch[];
  /** The next N answers carry a wrong dataCrc32c (a corrupted payload). */
  corrupt: number;
  requests: { path: string; principal?: string }[];
  close(): Promise<void>;
}

const error = (code: number, status: string, message: string) => ({ error: { code, message, status } });

export async function startFakeSecretManager(
  principal: (token: string) => string | undefined,
  secrets: Record<string, FakeGcpSecret>,
): Promise<FakeSecretManager> {
  const fake: FakeSecretManager = {
    url: '',
    secrets,
    failures: [],
    corrupt: 0,
    requests: [],
    close: async () => undefined,
  };
  const server = await listen((req, res) => {
    const who = principal(bearer(req.headers) ?? '');
    fake.requests.push({ path: req.path, ...(who ? { principal: who } : {}) });
    const failure = takeFailure(fake.failures, req.path);
    if (failure)
      return json(res, failure.status, error(failure.status, failure.code ?? 'UNAVAILABLE', 'try again'));
    const m = /^\/v1\/(projects\/[^/]+\/secrets\/[^/]+)\/versions\/([^/:]+):access$/.exec(req.path);
    if (req.method !== 'GET' || !m) return json(res, 404, error(404, 'NOT_FOUND', 'not found'));
    if (!who)
      return json(res, 401, error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    const [, name, wanted] = m as unknown as [string, string, string];
    const secret = fake.secrets[name];
    if (!secret || !secret.accessors.includes(who)) {
      return json(
        res,
        403,
        error(
          403,
          'PERMISSION_DENIED',
          `Permission 'secretmanager.versions.access' denied for resource '${name}/versions/${wanted}' (or it may not exist).`,
        ),
      );
    }
    const index =
      wanted === 'latest'
        ? secret.versions.map((v) => v.state ?? 'ENABLED').lastIndexOf('ENABLED')
        : /^\d+$/.test(wanted)
          ? Number(wanted) - 1
          : -1;
    const version = secret.versions[index];
    if (!version)
      return json(
        res,
        404,
        error(404, 'NOT_FOUND', `Secret Version [${name}/versions/${wanted}] not found.`),
      );
    if ((version.state ?? 'ENABLED') !== 'ENABLED') {
      return json(
        res,
        400,
        error(
          400,
          'FAILED_PRECONDITION',
          `Secret Version [${name}/versions/${index + 1}] is in ${version.state} state.`,
        ),
      );
    }
    const bytes = Buffer.from(version.data);
    let checksum = crc32c(bytes);
    if (fake.corrupt > 0) {
      fake.corrupt -= 1;
      checksum = (checksum + 1) >>> 0;
    }
    json(res, 200, {
      name: `${name}/versions/${index + 1}`,
      payload: { data: bytes.toString('base64'), dataCrc32c: String(checksum) },
    });
  });
  fake.url = server.base;
  fake.close = server.close;
  return fake;
}
