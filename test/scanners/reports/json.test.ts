import { describe, expect, it } from '@jest/globals';
import { renderJson } from '../../../scanners/reports/json.js';
import { ALL_FINDINGS, gitFinding, imageFinding, makeMeta } from './fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed report JSON */
describe('renderJson', () => {
  it('has the documented top-level shape', () => {
    const meta = makeMeta();
    const report = JSON.parse(renderJson(ALL_FINDINGS, meta));
    expect(Object.keys(report)).toEqual([
      'version',
      'tool',
      'target',
      'startedAt',
      'finishedAt',
      'complete',
      'stats',
      'findings',
      'skipped',
      'warnings',
      'baseline',
    ]);
    expect(report.version).toBe(1);
    expect(report.startedAt).toBe('2024-05-06T07:08:09.123Z');
    expect(report.finishedAt).toBe('2024-05-06T07:08:11.987Z');
    expect(report.complete).toBe(true);
    expect(report.stats).toEqual(meta.stats);
    expect(report.skipped).toEqual(meta.skipped);
    expect(report.warnings).toEqual(meta.warnings);
    expect(report.baseline).toEqual(meta.baseline);
  });

  it('writes findings without the secret field', () => {
    const report = JSON.parse(renderJson(ALL_FINDINGS, makeMeta()));
    expect(report.findings).toHaveLength(ALL_FINDINGS.length);
    for (const finding of report.findings) {
      expect(Object.keys(finding).sort()).toEqual(
        ['entropy', 'fingerprint', 'location', 'provider', 'redacted', 'ruleId', 'severity', 'title'].sort(),
      );
    }
    const git = report.findings.find((f: any) => f.fingerprint === gitFinding.fingerprint);
    expect(git.location).toEqual(gitFinding.location);
    expect(git.entropy).toBe(4.618);
    const image = report.findings.find((f: any) => f.fingerprint === imageFinding.fingerprint);
    expect(image.location.layer).toEqual(imageFinding.location.layer);
    expect(image.redacted).toBe(imageFinding.redacted);
  });

  it('drops fields a source attached beyond the Location type', () => {
    const extra = { ...gitFinding, location: { ...gitFinding.location, blob: 'raw text here' } };
    const report = JSON.parse(renderJson([extra], makeMeta()));
    expect(report.findings[0].location.blob).toBeUndefined();
  });

  it('renders an empty scan with a null baseline', () => {
    const { baseline: _unused, ...meta } = makeMeta();
    const report = JSON.parse(renderJson([], meta));
    expect(report.findings).toEqual([]);
    expect(report.baseline).toBeNull();
  });
});
