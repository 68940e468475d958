import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

import { ACTION_KEYS, inputsFromEnv, readCredentialsInputs } from '../../actions/credentials/inputs.js';
import { isRequestKey, REQUEST_KEYS } from '../../credentials/request.js';

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
}

const action = parse(readFileSync('actions/credentials/action.yml', 'utf8')) as ActionYml;

describe('actions/credentials/action.yml', () => {
  it('declares every request key and the action keys, each documented, nothing else', () => {
    const declared = Object.keys(action.inputs);
    for (const key of [...Object.keys(REQUEST_KEYS), ...ACTION_KEYS]) expect(declared).toContain(key);
    for (const key of declared) {
      expect(isRequestKey(key) || (ACTION_KEYS as readonly string[]).includes(key)).toBe(true);
      expect(action.inputs[key]?.description.length).toBeGreaterThan(10);
    }
  });

  it('runs main and post from dist/credentials on node24, post always', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: '../../dist/credentials/index.js',
      post: '../../dist/credentials/post.js',
      'post-if': 'always()',
    });
  });

  it('parses the inputs as the runner passes them (every declared input, defaults applied)', () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, spec] of Object.entries(action.inputs))
      env[`INPUT_${name.toUpperCase()}`] = spec.default ?? '';
    env['INPUT_AWS-ROLE'] = 'arn:aws:iam::530817264913:role/ledger-deploy';
    env['INPUT_AWS-REGION'] = 'eu-central-1';
    env['INPUT_EXPECT-JOB-WORKFLOW-REF'] =
      'northwind-labs/ledger-api/.github/workflows/deploy.yml@refs/heads/main';
    const inputs = readCredentialsInputs(inputsFromEnv(env), env);
    expect(inputs.exportMode).toBe('env');
    expect(inputs.explain).toBe('false');
    expect(inputs.request.aws).toMatchObject({ region: 'eu-central-1' });
    expect(inputs.request.expect).toEqual({
      job_workflow_ref: 'northwind-labs/ledger-api/.github/workflows/deploy.yml@refs/heads/main',
    });
  });

  it('refuses export modes other than env/none together with run', () => {
    const env = {
      'INPUT_AWS-ROLE': 'arn:aws:iam::530817264913:role/ledger-deploy',
      'INPUT_AWS-REGION': 'eu-central-1',
      INPUT_RUN: 'make deploy',
      INPUT_EXPORT: 'file',
    };
    expect(() => readCredentialsInputs(inputsFromEnv(env), env)).toThrow(/cannot be combined with run/);
  });
});
