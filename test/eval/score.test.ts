import { describe, expect, it } from '@jest/globals';
import type { Labels } from '../../eval/labels.js';
import { labelRefs, score } from '../../eval/score.js';
import type { ToolFinding } from '../../eval/tools.js';

const labels: Labels = {
  'a.env': [
    { line: 2, column: 5, length: 40, kind: 'github-pat', note: '', digest: 'x' },
    { line: 5, endLine: 9, column: 1, length: 300, kind: 'private-key-rsa', note: '', digest: 'y' },
  ],
  'b.yaml': [{ line: 3, column: 1, length: 20, kind: 'password', note: '', digest: 'z' }],
};

const finding = (path: string, line: number, ruleId = 'r'): ToolFinding => ({
  path,
  line,
  ruleId,
  redacted: 'ab…(9 chars)',
});

describe('score', () => {
  it('counts a label hit by any finding inside [line, endLine] and misses the rest', () => {
    const s = score(
      { tool: 't', findings: [finding('a.env', 2), finding('a.env', 7)], errors: [] },
      labelRefs(labels),
    );
    expect(s).toMatchObject({ tp: 2, fn: 1, fp: 0, recall: 2 / 3, precision: 1 });
    expect(s.falseNegatives).toEqual([{ path: 'b.yaml', line: 3, endLine: 3, kind: 'password' }]);
    expect(s.perKind.find((k) => k.kind === 'password')).toEqual({ kind: 'password', labels: 1, hit: 0 });
  });

  it('scores precision over distinct reported lines', () => {
    const findings = [
      finding('a.env', 2, 'github-pat'),
      finding('a.env', 2, 'generic-secret'),
      finding('a.env', 3, 'generic-secret'),
      finding('c.txt', 1, 'generic-secret'),
      finding('c.txt', 1, 'other'),
    ];
    const s = score({ tool: 't', findings, errors: [] }, labelRefs(labels));
    expect(s.reportedLines).toBe(3);
    expect(s.reportedLinesInLabels).toBe(1);
    expect(s.fp).toBe(2);
    expect(s.precision).toBeCloseTo(1 / 3);
    expect(s.falsePositives.map((f) => `${f.path}:${f.line}:${f.ruleIds.join('+')}`)).toEqual([
      'a.env:3:generic-secret',
      'c.txt:1:generic-secret+other',
    ]);
    expect(s.fpByRule[0]).toEqual({ ruleId: 'generic-secret', lines: 2 });
  });

  it('reports zero rather than NaN when nothing is labelled or reported', () => {
    const s = score({ tool: 't', findings: [], errors: [] }, []);
    expect(s.recall).toBe(0);
    expect(s.precision).toBe(0);
  });
});
