import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { VERSION } from '../../cli/version.js';
import { VAULT_AUD } from '../helpers/cloud-ids.js';
import { startFakeClouds, vaultRole } from '../helpers/fake-clouds.js';
import { INPUT_REFERENCE, runJob, templateDocuments } from './template.js';
import type { Job } from './template.js';

/*
 * The credentials component. Its jobs run with the CLI under test (KEYLESS_TEST_CLI, as in
 * template.test.ts) against the STS and Vault fakes.
 */
const TEXT = readFileSync(join(process.cwd(), 'gitlab/templates/credentials.yml'), 'utf8');
const HIDDEN = '.keyless-credentials';

function hiddenJob(inputs: Record<string, string> = {}): Job {
  const { spec, body } = templateDocuments(TEXT);
  const text = body.replace(INPUT_REFERENCE, (_, name: string) => {
    const value = name in inputs ? inputs[name] : spec.inputs[name]?.default;
    if (value === undefined) throw new Error(`input ${name} has no value`);
    return String(value);
  });
  const doc = parseAllDocuments(text)[0]!;
  if (doc.errors.length > 0) throw new Error(String(doc.errors));
  return (doc.toJS() as Record<string, Job>)[HIDDEN]!;
}

describe('gitlab/templates/credentials.yml', () => {
  it('declares described inputs with defaults, uses every one, and references no undeclared one', () => {
    expect(parseAllDocuments(TEXT).map((d) => d.errors)).toEqual([[], []]);
    const { spec, body } = templateDocuments(TEXT);
    expect(Object.keys(spec.inputs)).toEqual(
      expect.arrayContaining([
        'aws-role',
        'aws-region',
        'vault-url',
        'vault-role',
        'vault-secrets',
        'audience',
      ]),
    );
    const used = new Set([...body.matchAll(INPUT_REFERENCE)].map((m) => m[1]));
    expect([...used].filter((n) => n !== undefined && !(n in spec.inputs))).toEqual([]);
    expect(Object.keys(spec.inputs).filter((n) => !used.has(n))).toEqual([]);
    expect(body.replace(INPUT_REFERENCE, '').includes('$[[')).toBe(false);
    for (const [name, input] of Object.entries(spec.inputs)) {
      expect({ name, described: typeof input.description, hasDefault: 'default' in input }).toEqual({
        name,
        described: 'string',
        hasDefault: true,
      });
      if (input.options) expect(input.options).toContain(input.default);
    }
    expect(spec.inputs['package']?.default).toBe(`keyless@${VERSION}`);
  });

  it('asks GitLab for an id_token with the audience and keeps only the audit file as an artifact', () => {
    const job = hiddenJob({ audience: 'https://vault.northwind-labs.dev' });
    expect(job['id_tokens']).toEqual({ KEYLESS_ID_TOKEN: { aud: 'https://vault.northwind-labs.dev' } });
    expect(job.variables?.['KEYLESS_AUDIENCE']).toBe('https://vault.northwind-labs.dev');
    expect(job['artifacts']).toEqual({ when: 'always', paths: ['keyless-credentials-audit.jsonl'] });
    expect(job.before_script?.filter((l) => l.startsWith('npm install --global'))).toHaveLength(1);
    expect(job.before_script?.join('\n')).toContain('keyless credentials exec -- CMD');
  });
});

describe('a job extending .keyless-credentials', () => {
  const ROLE = 'arn:aws:iam::641930275518:role/billing-release';
  const AUD = VAULT_AUD;
  const KEY = 'Tm6qW2zRk9Lx4Vb7Hn3Pc8Jd';
  const start = () =>
    startFakeClouds((trust) => ({
      sts: { [ROLE]: { webIdentity: trust(AUD) } },
      vault: {
        roles: {
          release: vaultRole(trust(AUD), ['secret/data/ci/', 'database/creds/']),
        },
        kv2: { 'ci/release': { api_key: KEY } },
      },
    }));
  let clouds: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    clouds = await start();
  });
  afterAll(() => clouds.close());

  it('runs exec and eval "$(keyless credentials env)" with the inputs, revoking after exec', async () => {
    const job = hiddenJob({
      audience: AUD,
      'aws-role': ROLE,
      'aws-region': 'eu-west-3',
      'vault-url': clouds.vault.address,
      'vault-role': 'release',
      'vault-secrets':
        'secret/data/ci/release api_key | RELEASE_KEY; database/creds/rel password | DB_PASSWORD',
      'expect-project-path': 'platform-team/*',
      'expect-ref-protected': 'true',
    });
    job.script = [
      `keyless credentials exec -- sh -c 'printf "%s" "$RELEASE_KEY" | sha256sum; echo "region=$AWS_REGION"'`,
      'test -z "${RELEASE_KEY:-}"',
      'eval "$(keyless credentials env)"',
      'printf "%s" "$AWS_SECRET_ACCESS_KEY" | sha256sum',
    ];
    const cwd = mkdtempSync(join(tmpdir(), 'credx-job-'));
    const token = clouds.issuer.gitlab({ aud: AUD });
    const result = await runJob(job, cwd, {
      KEYLESS_ID_TOKEN: token,
      KEYLESS_AWS_STS_ENDPOINT: clouds.sts.endpoint,
    });
    expect(result.stderr).not.toContain('keyless: error');
    expect(result.code).toBe(0);
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    const lastSession = [...clouds.sts.sessions.values()].at(-1)!;
    expect(result.stdout).toContain(sha(KEY));
    expect(result.stdout).toContain('region=eu-west-3');
    expect(result.stdout).toContain(sha(lastSession.secret));
    expect(clouds.vault.revokedTokens).toHaveLength(1);
    expect(readdirSync(cwd)).toEqual(['keyless-credentials-audit.jsonl']);
    const audit = readFileSync(join(cwd, 'keyless-credentials-audit.jsonl'), 'utf8');
    expect(
      audit
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).event),
    ).toEqual(['granted', 'granted', 'revoked', 'granted', 'granted']);
    const secrets = [KEY, token, lastSession.secret, ...clouds.vault.tokens.keys()];
    for (const s of secrets)
      for (const out of [audit, result.stdout, result.stderr]) expect(out.includes(s)).toBe(false);
  });
});
