import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

import { VERSION } from '../../cli/version.js';
import { INPUT_REFERENCE, runJob, templateDocuments, type Job } from './template.js';

/*
 * The rotation component: declared inputs, job rules, and the job scripts run with bash against a
 * `keyless` stand-in that records its arguments (the end-to-end run against the fakes lives in
 * rotate-template-e2e.test.ts).
 */
const TEXT = readFileSync(join(process.cwd(), 'gitlab/templates/rotate.yml'), 'utf8');
const TOKEN = 'glpat-Jr5nW8qLx2Tz7KbV4mPd';

function jobs(inputs: Record<string, string> = {}): { rotate: Job; promote: Job } {
  const { spec, body } = templateDocuments(TEXT);
  const text = body.replace(INPUT_REFERENCE, (_, name: string) => {
    const value = name in inputs ? inputs[name] : spec.inputs[name]?.default;
    if (value === undefined) throw new Error(`input ${name} has no value`);
    return String(value);
  });
  const raw = parseAllDocuments(text)[0]!.toJS() as Record<string, Job>;
  const base = raw['.keyless-rotate-base']!;
  const resolve = (job: Job): Job => ({
    ...base,
    ...job,
    variables: { ...base.variables, ...job.variables },
  });
  return { rotate: resolve(raw['keyless-rotate']!), promote: resolve(raw['keyless-rotate-promote']!) };
}

/** A `keyless` that prints its arguments, one per line, first on PATH. */
function recorder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-args-'));
  writeFileSync(join(dir, 'keyless'), '#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\n');
  chmodSync(join(dir, 'keyless'), 0o755);
  return dir;
}

async function run(job: Job, env: NodeJS.ProcessEnv = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'rotate-job-'));
  const result = await runJob(job, cwd, { PATH: `${recorder()}:${process.env['PATH'] ?? ''}`, ...env });
  const args = result.stdout
    .split('\n')
    .filter((l) => l.startsWith('arg:'))
    .map((l) => l.slice(4));
  return { ...result, args };
}

describe('gitlab/templates/rotate.yml', () => {
  it('declares described inputs with defaults, uses every one, and references no undeclared one', () => {
    expect(parseAllDocuments(TEXT).map((d) => d.errors)).toEqual([[], []]);
    const { spec, body } = templateDocuments(TEXT);
    const used = new Set([...body.matchAll(INPUT_REFERENCE)].map((m) => m[1]));
    expect([...used].filter((n) => n !== undefined && !(n in spec.inputs))).toEqual([]);
    expect(Object.keys(spec.inputs).filter((n) => !used.has(n))).toEqual([]);
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

  it('publishes on schedules and manual runs of the default branch, promotes on pushes to it', () => {
    const { rotate, promote } = jobs();
    expect(rotate['rules']).toEqual([
      { if: '$KEYLESS_DISABLED == "true"', when: 'never' },
      {
        if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && ($CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web")',
      },
    ]);
    expect(promote['rules']).toEqual([
      { if: '$KEYLESS_DISABLED == "true"', when: 'never' },
      { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"' },
    ]);
    expect(rotate.before_script?.filter((l) => l.startsWith('npm install --global'))).toHaveLength(1);
  });

  it('passes the inputs to keyless rotate', async () => {
    const { rotate } = jobs({
      generate: 'WEBHOOK_SECRET,PARTNER_HMAC@environment:production',
      'max-age': '30d',
      labels: 'security',
    });
    const result = await run(rotate, { KEYLESS_GITLAB_TOKEN: TOKEN });
    expect(result.code).toBe(0);
    expect(result.args).toEqual([
      '--version',
      'rotate',
      '--ledger',
      '.keyless/rotation.yml',
      '--max-age',
      '30d',
      '--labels',
      'security',
      '--generate',
      'WEBHOOK_SECRET,PARTNER_HMAC@environment:production',
    ]);
  });

  it('dry-run from the input or the KEYLESS_DRY_RUN variable; no --generate when empty', async () => {
    const fromInput = await run(jobs({ 'dry-run': 'true' }).rotate, { KEYLESS_GITLAB_TOKEN: TOKEN });
    expect(fromInput.args.slice(1)).toEqual([
      'rotate',
      '--ledger',
      '.keyless/rotation.yml',
      '--max-age',
      '90d',
      '--labels',
      'keyless,rotation',
      '--dry-run',
    ]);
    const promote = await run(jobs().promote, { KEYLESS_GITLAB_TOKEN: TOKEN, KEYLESS_DRY_RUN: 'true' });
    expect(promote.args.slice(1)).toEqual(['rotate', 'promote', '--dry-run']);
  });

  it('fails at once, naming the token to create, without KEYLESS_GITLAB_TOKEN', async () => {
    const result = await run(jobs().rotate, { CI_JOB_TOKEN: 'job-token-is-not-enough' });
    expect(result.code).toBe(1);
    expect(result.args).toEqual([]);
    expect(result.stderr).toMatch(/CI_JOB_TOKEN cannot create commits, merge requests or variables/);
  });
});
