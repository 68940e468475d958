/**
 * GCP Secret Manager: `GET /v1/projects/P/secrets/S/versions/V:access` with the access token the
 * Workload Identity Federation exchange just produced. Payloads are base64; when the answer carries
 * `dataCrc32c`, the decoded bytes must match it (a mismatch is retried, then fails).
 */
import { httpOnce, trimSlash } from '../providers/http.js';
import { TransientError } from '../retry.js';
import type { RetryOptions } from '../retry.js';
import { withRetry } from '../retry.js';
import { CredentialError } from '../types.js';
import type { CredentialValue, Credentials, Fetch } from '../types.js';
import { crc32c } from './crc32c.js';
import { checkNames, selectorLines, variableName } from './selectors.js';

export const GCP_SHAPE =
  'projects/PROJECT/secrets/SECRET[/versions/VERSION] | NAME (or SECRET[/versions/VERSION] with gcp-project-id)';
const MANAGER = 'GCP Secret Manager';

export interface GcpSecretSelector {
  line: string;
  /** `projects/P/secrets/S/versions/V` */
  resource: string;
  secret: string;
  name: string;
}

const PROJECT = '[a-z0-9][a-z0-9.:-]{0,62}';
const SECRET = '[A-Za-z0-9_-]{1,255}';
const VERSION = '(?:latest|\\d+|[A-Za-z0-9_-]{1,63})';
const FULL = new RegExp(`^projects/(${PROJECT})/secrets/(${SECRET})(?:/versions/(${VERSION}))?$`);
const SHORT = new RegExp(`^(${SECRET})(?:/versions/(${VERSION}))?$`);

export function parseGcpSecrets(input: string | readonly string[], projectId?: string): GcpSecretSelector[] {
  const out = selectorLines(input, MANAGER, GCP_SHAPE).map(({ line, ref, name }) => {
    const full = FULL.exec(ref);
    const short = full ? null : SHORT.exec(ref);
    if (!full && !short)
      throw new CredentialError(`${MANAGER} selector "${line.slice(0, 160)}" is not ${GCP_SHAPE}`, 'config');
    const project = full ? full[1]! : projectId;
    if (!project) {
      throw new CredentialError(
        `${MANAGER} selector "${line.slice(0, 160)}": a short secret name needs gcp-project-id (or write projects/PROJECT/secrets/${ref})`,
        'config',
      );
    }
    const secret = full ? full[2]! : short![1]!;
    const version = (full ? full[3] : short![2]) ?? 'latest';
    return {
      line,
      resource: `projects/${project}/secrets/${secret}/versions/${version}`,
      secret,
      name: name ?? variableName(secret),
    };
  });
  checkNames(MANAGER, out);
  return out;
}

export interface GcpSecretManagerOptions {
  fetch?: Fetch;
  retry?: RetryOptions;
  /** Default `https://secretmanager.googleapis.com`. */
  url?: string;
}

function accessCause(status: number, detail: string, resource: string): string | undefined {
  if (status === 404) return `${resource} does not exist (check the project, secret and version)`;
  if (status === 403) {
    if (/has not been used|is disabled|SERVICE_DISABLED/i.test(detail))
      return 'the Secret Manager API is not enabled in this project';
    return `the principal lacks roles/secretmanager.secretAccessor (secretmanager.versions.access) on ${resource.replace(/\/versions\/.*$/, '')}`;
  }
  if (status === 401) return 'the access token was refused (expired, or not a cloud-platform scope)';
  if (status === 400 && /DISABLED|DESTROYED|FAILED_PRECONDITION/i.test(detail))
    return 'the version is disabled or destroyed';
  return undefined;
}

function decode(json: unknown, resource: string): string {
  const payload = (json as { payload?: { data?: unknown; dataCrc32c?: unknown } } | undefined)?.payload;
  if (typeof payload?.data !== 'string')
    throw new CredentialError(`${MANAGER} ${resource}: the answer has no payload.data`);
  const bytes = Buffer.from(payload.data, 'base64');
  const expected = payload.dataCrc32c;
  if (expected !== undefined && expected !== null) {
    const want = Number(expected);
    if (!Number.isInteger(want) || crc32c(bytes) !== want)
      throw new TransientError(`${MANAGER} ${resource}: payload checksum (dataCrc32c) does not match`);
  }
  const text = bytes.toString('utf8');
  // Not UTF-8 (a binary secret): export base64, since an environment variable cannot carry the bytes.
  return Buffer.from(text, 'utf8').equals(bytes) ? text : payload.data;
}

export class GcpSecretManagerReader {
  readonly name = 'gcp-secret-manager';

  constructor(private readonly options: GcpSecretManagerOptions = {}) {}

  async read(gcp: Credentials, selectors: readonly GcpSecretSelector[]): Promise<Credentials> {
    const token = gcp.values.find((v) => v.name === 'GOOGLE_OAUTH_ACCESS_TOKEN')?.value;
    if (!token) throw new CredentialError(`${MANAGER}: the GCP credentials have no access token`);
    const base = trimSlash(this.options.url ?? 'https://secretmanager.googleapis.com');
    const secrets = [token];
    const read = new Map<string, string>();
    const values: CredentialValue[] = [];
    for (const s of selectors) {
      let value = read.get(s.resource);
      if (value === undefined) {
        const what = `${MANAGER} access ${s.resource}`;
        // The checksum check sits inside the retry: a corrupted answer is worth a second request.
        value = await withRetry(
          what,
          async () => {
            const out = await httpOnce(
              this.options.fetch ?? fetch,
              {
                what,
                url: `${base}/v1/${s.resource}:access`,
                method: 'GET',
                headers: { authorization: `Bearer ${token}` },
                secrets,
                explain: (status, detail) => accessCause(status, detail, s.resource),
              },
              this.options.retry?.timeoutMs,
            );
            return decode(out.json, s.resource);
          },
          this.options.retry,
        );
        read.set(s.resource, value);
        secrets.push(value);
      }
      values.push({ name: s.name, value, secret: true });
    }
    return {
      provider: this.name,
      values,
      grant: { secrets: [...read.keys()], names: values.map((v) => v.name) },
    };
  }
}
