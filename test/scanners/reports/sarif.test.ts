import { describe, expect, it } from '@jest/globals';
import { renderSarif, toRelativeUri } from '../../../scanners/reports/sarif.js';
import { ALL_FINDINGS, dirFinding, gitFinding, imageFinding, makeMeta, unicodeFinding } from './fixtures.js';
import { errorsOf, sarifValidator } from './schemas.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed SARIF JSON */
const validate = sarifValidator();

function parse(text: string): any {
  return JSON.parse(text);
}

function resultFor(log: any, fingerprint: string): any {
  return log.runs[0].results.find((r: any) => r.properties.fingerprint === fingerprint);
}

describe('renderSarif', () => {
  it('is valid SARIF 2.1.0 for dir, git and image findings', () => {
    const log = parse(renderSarif(ALL_FINDINGS, makeMeta()));
    expect(validate(log)).toBe(true);
    expect(errorsOf(validate)).toBe('[]');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].results).toHaveLength(ALL_FINDINGS.length);
  });

  it('has a live schema check that rejects a malformed log', () => {
    const log = parse(renderSarif([dirFinding], makeMeta()));
    log.runs[0].results[0].level = 'critical';
    expect(validate(log)).toBe(false);
  });

  it('is valid with zero findings and still reports the invocation', () => {
    const log = parse(renderSarif([], makeMeta({ skipped: [], warnings: [] })));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].tool.driver.rules).toEqual([]);
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it('lists only fired rules, sorted, with ruleIndex pointing at each', () => {
    const log = parse(renderSarif(ALL_FINDINGS, makeMeta()));
    const rules = log.runs[0].tool.driver.rules;
    const ids = rules.map((r: any) => r.id);
    expect(ids).toEqual([...new Set(ALL_FINDINGS.map((f) => f.ruleId))].sort());
    expect(ids).not.toContain('unused-rule');
    for (const result of log.runs[0].results) {
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
    }
  });

  it('describes rules the way GitHub code scanning reads them', () => {
    const log = parse(renderSarif(ALL_FINDINGS, makeMeta()));
    const byId = new Map<string, any>(log.runs[0].tool.driver.rules.map((r: any) => [r.id, r]));
    const expected: Record<string, [string, string]> = {
      'github-pat-classic': ['9.5', 'error'],
      'aws-secret-access-key': ['8.0', 'error'],
      'generic-api-key': ['5.5', 'warning'],
      'slack-bot-token': ['3.0', 'note'],
    };
    for (const [id, [score, level]] of Object.entries(expected)) {
      const rule = byId.get(id);
      expect(rule.properties['security-severity']).toBe(score);
      expect(typeof rule.properties['security-severity']).toBe('string');
      expect(rule.defaultConfiguration.level).toBe(level);
      expect(rule.properties.tags).toEqual(expect.arrayContaining(['security', 'secret']));
    }
    const github = byId.get('github-pat-classic');
    expect(github.name).toBe('GithubPatClassic');
    expect(github.properties.tags).toContain('GitHub');
    expect(github.helpUri).toMatch(/^https:\/\/docs\.github\.com\//);
    expect(github.help.markdown).toContain('Revoke it under Settings');
    expect(github.help.markdown).toContain(github.helpUri);
    expect(github.properties.precision).toBe('high');
    expect(byId.get('generic-api-key').properties.precision).toBe('medium');
    // A rule missing from meta.rules is described from the finding itself.
    expect(byId.get('slack-bot-token').shortDescription.text).toBe('Slack bot token');
  });

  it('maps severities to result levels', () => {
    const log = parse(renderSarif(ALL_FINDINGS, makeMeta()));
    expect(resultFor(log, dirFinding.fingerprint).level).toBe('error');
    expect(resultFor(log, unicodeFinding.fingerprint).level).toBe('error');
    expect(resultFor(log, gitFinding.fingerprint).level).toBe('warning');
    expect(resultFor(log, imageFinding.fingerprint).level).toBe('note');
  });

  it('writes percent-encoded repo-relative URIs against %SRCROOT%', () => {
    const log = parse(renderSarif(ALL_FINDINGS, makeMeta()));
    const dir = resultFor(log, dirFinding.fingerprint).locations[0].physicalLocation;
    expect(dir.artifactLocation).toEqual({ uri: 'config/deploy%20settings.yml', uriBaseId: '%SRCROOT%' });
    expect(dir.region).toEqual({
      startLine: 12,
      startColumn: 15,
      endLine: 12,
      endColumn: 15 + dirFinding.secret.length,
    });
    const uni = resultFor(log, unicodeFinding.fingerprint).locations[0].physicalLocation.artifactLocation;
    expect(uni.uri).toBe(`docs/${encodeURIComponent('ünïcødé')}/${encodeURIComponent('配置 #1?.env')}`);
    expect(decodeURIComponent(uni.uri)).toBe(unicodeFinding.location.path);
    const image = resultFor(log, imageFinding.fingerprint).locations[0].physicalLocation.artifactLocation;
    expect(image.uri).toBe('app/.env');
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///home/runner/work/app/');
  });

  it('encodes paths segment by segment', () => {
    expect(toRelativeUri('./a b/c%d.txt')).toBe('a%20b/c%25d.txt');
    expect(toRelativeUri('/etc/x:y')).toBe('etc/x%3Ay');
    expect(toRelativeUri('odd\uD800name')).toBe('odd%EF%BF%BDname');
  });

  it('uses a described base for images', () => {
    const meta = makeMeta({ target: { kind: 'image', root: 'registry.test/app:1.2' } });
    const log = parse(renderSarif([imageFinding], meta));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%']).toEqual({
      description: { text: 'Root file system of image registry.test/app:1.2' },
    });
  });

  it('carries fingerprints, commit and layer provenance', () => {
    const log = parse(renderSarif(ALL_FINDINGS, makeMeta()));
    const git = resultFor(log, gitFinding.fingerprint);
    expect(git.properties.commit).toEqual({
      sha: gitFinding.location.commit?.sha,
      author: 'Rin Okabe',
      date: '2024-03-05T10:11:12Z',
    });
    expect(git.message.text).toContain('3f1c9a7be2d0');
    const image = resultFor(log, imageFinding.fingerprint);
    expect(image.properties.layer).toEqual({
      digest: imageFinding.location.layer?.digest,
      index: 3,
      removedBy: imageFinding.location.layer?.removedBy,
      imageDigest: imageFinding.location.layer?.imageDigest,
    });
    expect(resultFor(log, dirFinding.fingerprint).properties).toEqual({
      fingerprint: dirFinding.fingerprint,
    });
  });

  it('gives the same secret in two files two alert fingerprints, stable across line moves', () => {
    const moved = { ...dirFinding, location: { ...dirFinding.location, startLine: 90, endLine: 90 } };
    const copied = { ...dirFinding, location: { ...dirFinding.location, path: 'other/file.ts' } };
    const alert = (f: typeof dirFinding): string =>
      parse(renderSarif([f], makeMeta())).runs[0].results[0].partialFingerprints['keylessFingerprint/v1'];
    expect(alert(moved)).toBe(alert(dirFinding));
    expect(alert(copied)).not.toBe(alert(dirFinding));
  });

  it('puts the title and the redacted preview in the message', () => {
    const log = parse(renderSarif([dirFinding], makeMeta()));
    expect(log.runs[0].results[0].message.text).toBe(
      'GitHub personal access token (classic) found: ghp_…(39 chars)',
    );
  });

  it('reports incompleteness, skipped files (counted) and warnings in the invocation', () => {
    const log = parse(renderSarif(ALL_FINDINGS, makeMeta({ complete: false })));
    const invocation = log.runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.startTimeUtc).toBe('2024-05-06T07:08:09.123Z');
    const texts = invocation.toolExecutionNotifications.map((n: any) => `${n.level} ${n.message.text}`);
    expect(texts).toEqual([
      'note Skipped 2 files (binary): assets/font.woff2, assets/logo.png',
      'warning Skipped 1 file (too-large): dump/huge.sql',
      'warning git history was shallow; older commits were not scanned',
    ]);
  });

  it('lists at most 20 skipped paths per reason and counts the rest', () => {
    const skipped = Array.from({ length: 25 }, (_, i) => ({
      path: `bin/f${String(i).padStart(2, '0')}`,
      reason: 'binary' as const,
    }));
    const log = parse(renderSarif([], makeMeta({ skipped, warnings: [] })));
    const [note] = log.runs[0].invocations[0].toolExecutionNotifications;
    expect(note.message.text).toMatch(/^Skipped 25 files \(binary\): bin\/f00, .*bin\/f19 and 5 more$/);
  });
});
