import { describe, expect, it } from '@jest/globals';
import { gitlabTime, renderGitlab, uuidV5 } from '../../../scanners/reports/gitlab.js';
import {
  ALL_FINDINGS,
  dirFinding,
  gitFinding,
  imageFinding,
  makeFinding,
  makeMeta,
  SECRETS,
} from './fixtures.js';
import { errorsOf, gitlabValidator } from './schemas.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed report JSON */
const validate = gitlabValidator();

function parse(text: string): any {
  return JSON.parse(text);
}

function vulnerabilityFor(report: any, fingerprint: string): any {
  return report.vulnerabilities.find((v: any) => v.details.fingerprint.value === fingerprint);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('renderGitlab', () => {
  it('is valid against the 15.2.4 schema for dir, git and image findings', () => {
    const report = parse(renderGitlab(ALL_FINDINGS, makeMeta()));
    expect(validate(report)).toBe(true);
    expect(errorsOf(validate)).toBe('[]');
    expect(report.version).toBe('15.2.4');
    expect(report.scan.type).toBe('secret_detection');
    expect(report.vulnerabilities).toHaveLength(ALL_FINDINGS.length);
  });

  it('has a live schema check that rejects a malformed report', () => {
    const report = parse(renderGitlab([dirFinding], makeMeta()));
    report.scan.start_time = '2024-05-06T07:08:09.123Z';
    expect(validate(report)).toBe(false);
  });

  it('is valid with zero findings', () => {
    const report = parse(renderGitlab([], makeMeta({ skipped: [], warnings: [] })));
    expect(validate(report)).toBe(true);
    expect(report.vulnerabilities).toEqual([]);
    expect(report.scan.messages).toEqual([]);
  });

  it('formats times as UTC yyyy-mm-ddThh:mm:ss without zone or milliseconds', () => {
    const report = parse(renderGitlab([], makeMeta()));
    expect(report.scan.start_time).toBe('2024-05-06T07:08:09');
    expect(report.scan.end_time).toBe('2024-05-06T07:08:11');
    expect(gitlabTime(new Date(Date.UTC(2031, 11, 31, 23, 59, 58, 999)))).toBe('2031-12-31T23:59:58');
  });

  it('fails the scan status when the scan was incomplete', () => {
    expect(parse(renderGitlab([], makeMeta())).scan.status).toBe('success');
    const report = parse(renderGitlab([], makeMeta({ complete: false })));
    expect(report.scan.status).toBe('failure');
    expect(validate(report)).toBe(true);
  });

  it('describes analyzer and scanner', () => {
    const { scan } = parse(renderGitlab([], makeMeta()));
    for (const component of [scan.analyzer, scan.scanner]) {
      expect(component).toMatchObject({ id: 'keyless', version: '0.1.0', vendor: { name: 'Keyless' } });
    }
  });

  it('maps severity, identifiers and location', () => {
    const report = parse(renderGitlab(ALL_FINDINGS, makeMeta()));
    const dir = vulnerabilityFor(report, dirFinding.fingerprint);
    expect(dir.severity).toBe('Critical');
    expect(dir.name).toBe('GitHub personal access token (classic)');
    expect(dir.identifiers[0]).toMatchObject({ type: 'keyless_rule_id', value: 'github-pat-classic' });
    expect(dir.location).toEqual({
      file: 'config/deploy settings.yml',
      start_line: 12,
      end_line: 12,
      commit: { sha: '0000000' },
    });
    expect(dir.solution).toContain('Revoke it under Settings');
    expect(vulnerabilityFor(report, gitFinding.fingerprint).severity).toBe('Medium');
    expect(vulnerabilityFor(report, imageFinding.fingerprint).severity).toBe('Low');
  });

  it('takes the commit from the finding, then from the commitSha option', () => {
    const report = parse(renderGitlab(ALL_FINDINGS, makeMeta(), { commitSha: 'c0ffee1234' }));
    expect(vulnerabilityFor(report, dirFinding.fingerprint).location.commit).toEqual({ sha: 'c0ffee1234' });
    const git = vulnerabilityFor(report, gitFinding.fingerprint);
    expect(git.location.commit).toEqual({
      sha: gitFinding.location.commit?.sha,
      author: 'Rin Okabe',
      date: '2024-03-05T10:11:12Z',
    });
    expect(git.details.commit).toEqual({
      name: 'Commit',
      type: 'commit',
      value: gitFinding.location.commit?.sha,
    });
  });

  it('puts image findings under image:/<path> with the layer in details', () => {
    const report = parse(renderGitlab([imageFinding], makeMeta()));
    const image = report.vulnerabilities[0];
    expect(image.location.file).toBe('image:/app/.env');
    expect(image.details.layer_digest.value).toBe(imageFinding.location.layer?.digest);
    expect(image.details.layer_index.value).toBe(3);
    expect(image.details.layer_removed_by.value).toBe(imageFinding.location.layer?.removedBy);
    expect(image.details.image_digest.value).toBe(imageFinding.location.layer?.imageDigest);
  });

  it('redacts the source extract', () => {
    const report = parse(renderGitlab([dirFinding], makeMeta()));
    expect(report.vulnerabilities[0].raw_source_code_extract).toBe('ghp_…(39 chars)');
  });

  it('derives UUID-shaped ids from fingerprint and location, stable across runs', () => {
    const first = parse(renderGitlab(ALL_FINDINGS, makeMeta()));
    const second = parse(renderGitlab([...ALL_FINDINGS].reverse(), makeMeta()));
    const ids = first.vulnerabilities.map((v: any) => v.id);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.vulnerabilities.map((v: any) => v.id)).toEqual(ids);

    // Same secret on another line is a separate vulnerability.
    const moved = makeFinding({
      ...dirFinding,
      location: { ...dirFinding.location, startLine: 99, endLine: 99 },
    });
    const [a, b] = parse(renderGitlab([dirFinding, moved], makeMeta())).vulnerabilities;
    expect(a.id).not.toBe(b.id);
    expect(uuidV5('x')).toBe(uuidV5('x'));
    expect(uuidV5('x')).not.toBe(uuidV5('y'));
  });

  it('reports skipped files and warnings as scan messages', () => {
    const report = parse(renderGitlab([], makeMeta()));
    expect(report.scan.messages).toEqual([
      { level: 'info', value: 'Skipped 2 files (binary).' },
      { level: 'warn', value: 'Skipped 1 file (too-large).' },
      { level: 'warn', value: 'git history was shallow; older commits were not scanned' },
    ]);
  });

  it('never contains the raw secret, even when a warning quotes it', () => {
    const meta = makeMeta({ warnings: [`could not parse value ${SECRETS.github}`] });
    const text = renderGitlab(ALL_FINDINGS, meta);
    expect(validate(parse(text))).toBe(true);
    expect(text).not.toContain(SECRETS.github);
  });
});
