import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

import { readRotateInputs } from '../../actions/rotate/inputs.js';

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
}

const action = parse(readFileSync('actions/rotate/action.yml', 'utf8')) as ActionYml;

describe('actions/rotate/action.yml', () => {
  it('runs dist/rotate on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: '../../dist/rotate/index.js' });
  });

  it('declares exactly the inputs the step reads, each documented, defaults that parse', () => {
    const read = new Set<string>();
    const inputs = readRotateInputs((name) => {
      read.add(name);
      return action.inputs[name]?.default ?? '';
    });
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, spec] of Object.entries(action.inputs))
      expect({ name, long: spec.description.length > 20 }).toEqual({ name, long: true });
    expect(inputs).toMatchObject({
      mode: 'publish',
      dryRun: false,
      ledger: '.keyless/rotation.yml',
      labels: ['keyless', 'rotation'],
      maxAge: '90d',
      generate: [],
      stagedSecrets: {},
    });
  });

  it('documents every output the step sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      ['created', 'failed', 'promoted', 'results', 'skipped', 'updated'].sort(),
    );
  });

  it('rejects inputs it cannot use, naming them', () => {
    const bad = (values: Record<string, string>) => () => readRotateInputs((name) => values[name] ?? '');
    expect(bad({ mode: 'rotate' })).toThrow(/input mode: expected one of publish, promote/);
    expect(bad({ 'dry-run': 'yes' })).toThrow(/input dry-run: expected true or false/);
    expect(bad({ 'max-age': 'three months' })).toThrow(/input max-age/);
    expect(bad({ 'staged-secrets': '["a"]' })).toThrow(/input staged-secrets: expected a JSON object/);
  });
});
