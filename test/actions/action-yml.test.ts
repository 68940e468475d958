import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

import { readInputs } from '../../actions/scan/inputs.js';

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: Record<string, string>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml;

describe('action.yml', () => {
  it('declares exactly the inputs the entry reads, with the same defaults', () => {
    const read = new Set<string>();
    const fromYml = readInputs((name) => {
      read.add(name);
      const value = action.inputs[name]?.default ?? '';
      return value.startsWith('${{') ? 'ghs_fromExpression' : value;
    });
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
    const unset = readInputs(() => '');
    expect({ ...fromYml, token: '' }).toEqual(unset);
    expect(action.inputs['token']?.default).toBe('${{ github.token }}');
  });

  it('runs the bundled entry on node24 and documents every output the entry sets', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/action/index.js' });
    const source = readFileSync('actions/scan/main.ts', 'utf8');
    const set = [...source.matchAll(/setOutput\('([a-z-]+)'/g)].map((m) => m[1]);
    expect(set.sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('rejects unknown modes and booleans instead of guessing', () => {
    expect(() => readInputs((n) => (n === 'scan' ? 'everything' : ''))).toThrow(
      /input scan: expected one of auto/,
    );
    expect(() => readInputs((n) => (n === 'comment' ? 'yes' : ''))).toThrow(
      /input comment: expected true or false/,
    );
    expect(() => readInputs((n) => (n === 'scan' ? 'image' : ''))).toThrow(/input image: required/);
  });
});
