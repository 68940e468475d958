import { describe, expect, it } from '@jest/globals';
import { renderCodeQuality } from '../../../scanners/reports/codequality.js';
import type { Finding } from '../../../scanners/engine/types.js';
import type { CodeQualityIssue } from '../../../scanners/reports/codequality.js';
import {
  ALL_FINDINGS,
  awkwardFinding,
  dirFinding,
  gitFinding,
  imageFinding,
  makeMeta,
  secretPieces,
  unicodeFinding,
} from './fixtures.js';
import { expectCodeQualityShape } from './codequality-shape.js';

function render(findings: readonly Finding[] = ALL_FINDINGS): CodeQualityIssue[] {
  return JSON.parse(renderCodeQuality(findings, makeMeta())) as CodeQualityIssue[];
}

describe('renderCodeQuality', () => {
  it('renders one issue per finding in the Code Quality shape', () => {
    const issues = render();
    expectCodeQualityShape(issues);
    expect(issues).toHaveLength(ALL_FINDINGS.length);
    const github = issues.find((i) => i.check_name === 'keyless/github-pat-classic');
    expect(github).toMatchObject({
      type: 'issue',
      severity: 'blocker',
      categories: ['Security'],
      location: { path: dirFinding.location.path, lines: { begin: 12, end: 12 } },
    });
    expect(github?.description).toContain(dirFinding.redacted);
    expect(github?.description).toContain('Revoke or rotate it at GitHub');
  });

  it('maps every severity and describes where a secret outside the head tree is', () => {
    const bySeverity = Object.fromEntries(render().map((i) => [i.check_name, i.severity]));
    expect(bySeverity).toMatchObject({
      [`keyless/${dirFinding.ruleId}`]: 'blocker',
      [`keyless/${unicodeFinding.ruleId}`]: 'critical',
      [`keyless/${gitFinding.ruleId}`]: 'major',
      [`keyless/${imageFinding.ruleId}`]: 'minor',
    });
    const image = render([imageFinding])[0];
    expect(image?.location.path).toBe('image:/app/.env');
    expect(image?.description).toMatch(/layer #3 sha256:4b7e2f9a1c3d, removed in layer/);
    const removed = render([{ ...gitFinding, location: { ...gitFinding.location, presentAtHead: false } }]);
    expect(removed[0]?.description).toContain('in commit 3f1c9a7be2d0 (removed since, still in history)');
    expect(render([gitFinding])[0]?.description).toContain('the service that issued it');
  });

  it('keeps fingerprints stable when lines move, distinct per occurrence', () => {
    const moved = { ...dirFinding, location: { ...dirFinding.location, startLine: 99, endLine: 99 } };
    expect(render([moved])[0]?.fingerprint).toBe(render([dirFinding])[0]?.fingerprint);
    const twice = render([dirFinding, moved]);
    expect(new Set(twice.map((i) => i.fingerprint)).size).toBe(2);
    const all = render();
    expect(new Set(all.map((i) => i.fingerprint)).size).toBe(all.length);
  });

  it('never contains any piece of a secret and renders an empty array for a clean scan', () => {
    const text = renderCodeQuality(ALL_FINDINGS, makeMeta());
    expect(secretPieces(ALL_FINDINGS).filter((piece) => text.includes(piece))).toEqual([]);
    expect(text).toContain(JSON.stringify(awkwardFinding.location.path));
    expect(JSON.parse(renderCodeQuality([], makeMeta()))).toEqual([]);
  });
});
