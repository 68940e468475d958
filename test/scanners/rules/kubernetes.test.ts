import { describe, expect, it } from '@jest/globals';
import { compileRules, detect } from '../../../scanners/engine/detect.js';
import { kubernetesSecretRules as rules } from '../../../scanners/rules/kubernetes-secrets.js';

const compiled = compileRules(rules);

describe('Kubernetes Secret rules on long indented blocks', () => {
  // Each sibling line could once be split at any of its spaces by the lookbehind that walks back to
  // `data:`; a hundred such lines under `kind: Secret` without a `data:` head never finished (found
  // scanning this project's own bundle in git history). Finishing at all is the assertion.
  const indented = Array.from({ length: 120 }, (_, i) => `    k${i}: ${' a'.repeat(40)}`).join('\n');

  it('terminates on siblings full of spaces and finds nothing without a data block', () => {
    const text = `kind: Secret\nmetadata:\n  labels:\n${indented}\n    token: QmFzZTY0IGJ1dCBub3QgaW4gZGF0YQ==\n`;
    expect(detect({ text, path: 'secret.yaml' }, compiled)).toEqual([]);
  });

  it('still walks back over many siblings to a real data block', () => {
    const value = Buffer.from('Zq8vW2zKp4Lm-Tq3F0mYX6').toString('base64');
    const lines = Array.from(
      { length: 60 },
      (_, i) => `  k${i}: ${Buffer.from(`host-${i}`).toString('base64')}`,
    );
    const text = `apiVersion: v1\nkind: Secret\ndata:\n${lines.join('\n')}\n  password: ${value}\n`;
    const found = detect({ text, path: 'secret.yaml' }, compiled);
    expect(found.map((f) => [f.ruleId, f.secret])).toEqual([['kubernetes-secret-data', value]]);
  });
});
