import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

import {
  applyBaseline,
  createBaseline,
  loadBaseline,
  parseBaseline,
  serializeBaseline,
} from '../../../scanners/config/baseline.js';
import type { BaselineEntry, Finding } from '../../../scanners/engine/types.js';
import { configIssues, configIssuesAsync, lineOf } from './helpers.js';

const FP = {
  a: '07241ef30dd101a24ff2cd7b9881a34f',
  b: '63170aa7baba54be3cd1781538eaa7c1',
  c: 'c4e19a0b7d2f58e36a91b0d4f7e2c853',
  d: '9b2e7f41c0a6d3e85f1c4a7b2d9e0f36',
};

function finding(fingerprint: string, path: string, line = 1, ruleId = 'zeta-api-key'): Finding {
  const secret = `zeta_${fingerprint.slice(0, 12)}Qm7Xw`;
  return {
    ruleId,
    title: 'Zeta API key',
    provider: 'Zeta',
    severity: 'high',
    secret,
    redacted: 'zeta_…(22 chars)',
    fingerprint,
    location: { path, startLine: line, startColumn: 1, endLine: line, endColumn: 23 },
    entropy: 3.9,
  };
}

describe('applyBaseline', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  const entries: BaselineEntry[] = [
    { fingerprint: FP.a, reason: 'accepted' },
    { fingerprint: FP.b, reason: 'accepted until next week', expires: '2026-06-20' },
    { fingerprint: FP.c, reason: 'rotated', expires: '2026-06-14' },
    { fingerprint: FP.d, reason: 'fixed long ago' },
  ];

  it('suppresses live matches, keeps expired ones, and reports stale and expired entries', () => {
    const findings = [
      finding(FP.a, 'a.ts'),
      finding(FP.a, 'copy/a.ts'),
      finding(FP.b, 'b.ts'),
      finding(FP.c, 'c.ts'),
    ];
    findings.push(finding('ffffeeee000011112222333344445555', 'new.ts'));
    const result = applyBaseline(findings, entries, now);
    expect(result.suppressed.map((f) => f.location.path)).toEqual(['a.ts', 'copy/a.ts', 'b.ts']);
    expect(result.kept.map((f) => f.location.path)).toEqual(['c.ts', 'new.ts']);
    expect(result.matched).toBe(2);
    expect(result.stale).toEqual([entries[3]]);
    expect(result.expired).toEqual([entries[2]]);
    expect(result.matched + result.stale.length + result.expired.length).toBe(entries.length);
  });

  it('treats the expiry date as inclusive, in UTC', () => {
    const entry: BaselineEntry = { fingerprint: FP.a, reason: 'r', expires: '2026-06-20' };
    const last = applyBaseline([finding(FP.a, 'a.ts')], [entry], new Date('2026-06-20T23:59:59Z'));
    expect(last.suppressed).toHaveLength(1);
    const after = applyBaseline([finding(FP.a, 'a.ts')], [entry], new Date('2026-06-21T00:00:00Z'));
    expect(after.kept).toHaveLength(1);
    expect(after.expired).toEqual([entry]);
  });

  it('does not mutate its inputs', () => {
    const findings = [finding(FP.a, 'a.ts')];
    const snapshot = structuredClone({ findings, entries });
    applyBaseline(findings, entries, now);
    expect({ findings, entries }).toEqual(snapshot);
  });
});

describe('createBaseline and serializeBaseline', () => {
  it('creates one entry per fingerprint at its first location, without secrets', () => {
    const findings = [
      finding(FP.b, 'z.ts', 9),
      finding(FP.b, 'a.ts', 30),
      finding(FP.b, 'a.ts', 4),
      finding(FP.a, 'm.ts'),
    ];
    const entries = createBaseline(findings, 'legacy test fixtures');
    expect(entries).toEqual([
      { fingerprint: FP.b, ruleId: 'zeta-api-key', path: 'a.ts', reason: 'legacy test fixtures' },
      { fingerprint: FP.a, ruleId: 'zeta-api-key', path: 'm.ts', reason: 'legacy test fixtures' },
    ]);
    const text = serializeBaseline(entries);
    for (const f of findings) expect(text).not.toContain(f.secret);
  });

  it('keeps reasons and expiry of existing entries and drops entries whose finding is gone', () => {
    const existing: BaselineEntry[] = [
      { fingerprint: FP.a, reason: 'vendor test key', expires: '2027-01-31', path: 'old/place.ts' },
      { fingerprint: FP.c, reason: 'fixed' },
    ];
    const entries = createBaseline(
      [finding(FP.a, 'new/place.ts'), finding(FP.b, 'b.ts')],
      'new today',
      existing,
    );
    expect(entries).toEqual([
      { fingerprint: FP.b, ruleId: 'zeta-api-key', path: 'b.ts', reason: 'new today' },
      {
        fingerprint: FP.a,
        ruleId: 'zeta-api-key',
        path: 'new/place.ts',
        reason: 'vendor test key',
        expires: '2027-01-31',
      },
    ]);
  });

  it('requires a reason for new entries only', () => {
    expect(() => createBaseline([finding(FP.a, 'a.ts')], '  ')).toThrow('reason');
    const existing = [{ fingerprint: FP.a, reason: 'kept' }];
    expect(createBaseline([finding(FP.a, 'a.ts')], '', existing)[0]?.reason).toBe('kept');
  });

  it('serializes stably (sorted, fixed key order, trailing newline) and round-trips', () => {
    const entries: BaselineEntry[] = [
      { reason: 'r2', fingerprint: FP.b, path: 'src/b.ts', ruleId: 'omega-token', expires: '2027-01-31' },
      { fingerprint: FP.a, reason: 'r1', path: 'src/a.ts', ruleId: 'zeta-api-key' },
      { fingerprint: FP.c, reason: 'no location' },
    ];
    const text = serializeBaseline(entries);
    expect(text.endsWith('}\n')).toBe(true);
    expect(serializeBaseline([...entries].reverse())).toBe(text);
    const parsed = parseBaseline(text, 'b.json');
    expect(parsed.map((e) => e.fingerprint)).toEqual([FP.c, FP.a, FP.b]);
    expect(parsed).toEqual(expect.arrayContaining(entries));
    expect(serializeBaseline(parsed)).toBe(text);
    expect(Object.keys(JSON.parse(text).entries[2])).toEqual([
      'fingerprint',
      'ruleId',
      'path',
      'reason',
      'expires',
    ]);
  });

  it('round-trips what it creates through a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyless-baseline-'));
    try {
      const path = join(dir, '.keyless-baseline.json');
      const entries = createBaseline([finding(FP.a, 'a.ts'), finding(FP.d, 'd/e.ts')], 'accepted');
      await writeFile(path, serializeBaseline(entries));
      expect(await loadBaseline(path)).toEqual(entries);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseBaseline errors name the file, line and JSON pointer', () => {
  const doc = (entries: string): string => `{\n  "version": 1,\n  "entries": [\n${entries}\n  ]\n}\n`;

  it('rejects an entry without a reason', () => {
    const text = doc(`    { "fingerprint": "${FP.a}", "reason": "ok" },\n    { "fingerprint": "${FP.b}" }`);
    const issues = configIssues(() => parseBaseline(text, '.keyless-baseline.json'));
    expect(issues).toEqual([
      {
        file: '.keyless-baseline.json',
        line: lineOf(text, FP.b),
        column: 5,
        path: '/entries/1',
        message: 'missing required key "reason"',
      },
    ]);
  });

  it('rejects malformed and impossible dates', () => {
    const text = doc(
      `    { "fingerprint": "${FP.a}", "reason": "r",\n      "expires": "2027-02-30" },\n    { "fingerprint": "${FP.b}", "reason": "r",\n      "expires": "31/01/2027" }`,
    );
    const issues = configIssues(() => parseBaseline(text, 'b.json'));
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [lineOf(text, '2027-02-30'), '/entries/0/expires'],
      [lineOf(text, '31/01/2027'), '/entries/1/expires'],
    ]);
    expect(issues[0]?.message).toBe('expected a date as YYYY-MM-DD, got "2027-02-30"');
  });

  it('rejects duplicate fingerprints, naming the first', () => {
    const text = doc(
      `    { "fingerprint": "${FP.a}", "reason": "one" },\n    { "fingerprint": "${FP.b}", "reason": "two" },\n    { "fingerprint": "${FP.a.toUpperCase()}", "reason": "three" }`,
    );
    const issues = configIssues(() => parseBaseline(text, 'b.json'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      line: lineOf(text, FP.a.toUpperCase()),
      path: '/entries/2/fingerprint',
    });
    expect(issues[0]?.message).toBe(
      `duplicate fingerprint, already listed at /entries/0 (line ${lineOf(text, FP.a)})`,
    );
  });

  it('rejects unknown keys, a wrong version and a missing entries list', () => {
    const typo = configIssues(() =>
      parseBaseline(doc(`    { "fingerprint": "${FP.a}", "reason": "r", "expire": "2027-01-01" }`), 'b.json'),
    );
    expect(typo[0]?.path).toBe('/entries/0/expire');
    expect(typo[0]?.message).toContain('did you mean "expires"');
    const version = configIssues(() => parseBaseline('{"version": 3, "entries": []}', 'b.json'));
    expect(version[0]).toMatchObject({ line: 1, path: '/version' });
    const missing = configIssues(() => parseBaseline('{"version": 1}', 'b.json'));
    expect(missing[0]?.message).toBe('missing required key "entries"');
    const notObject = configIssues(() => parseBaseline('[]', 'b.json'));
    expect(notObject[0]).toMatchObject({ path: '(root)', message: 'expected a mapping, got a list' });
  });

  it('rejects a value that is not a fingerprint', () => {
    const issues = configIssues(() =>
      parseBaseline(doc(`    { "fingerprint": "ghp_notahash", "reason": "r" }`), 'b.json'),
    );
    expect(issues[0]?.path).toBe('/entries/0/fingerprint');
  });

  it('reports JSON syntax errors with a line', () => {
    const text = `{\n  "version": 1,\n  "entries": [\n    { "fingerprint": "${FP.a}", "reason": "r", }\n  ]\n}\n`;
    const issues = configIssues(() => parseBaseline(text, 'b.json'));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.line).toBe(4);
    expect(issues[0]?.message).toMatch(/^invalid JSON: /);
    const empty = configIssues(() => parseBaseline('', 'b.json'));
    expect(empty[0]?.message).toMatch(/^invalid JSON: /);
  });

  it('reports an unreadable file', async () => {
    const missing = join(tmpdir(), 'keyless-no-such-dir', 'baseline.json');
    const issues = await configIssuesAsync(() => loadBaseline(missing, 'baseline.json'));
    expect(issues).toEqual([{ file: 'baseline.json', message: 'cannot read the baseline: no such file' }]);
  });
});
