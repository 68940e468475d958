import { describe, expect, it } from '@jest/globals';
import { describeScope, makeScrubber, safePreview, SCRUBBED } from '../../../scanners/reports/common.js';
import { awkwardFinding, dirFinding, gitFinding, makeMeta, SECRETS } from './fixtures.js';

describe('makeScrubber', () => {
  const scrub = makeScrubber([dirFinding, gitFinding, awkwardFinding]);

  it('replaces every occurrence, at the start, middle and end of a text', () => {
    const text = `${SECRETS.github} and ${SECRETS.generic}${SECRETS.generic} then ${SECRETS.github}`;
    expect(scrub(text)).toBe(`${SCRUBBED} and ${SCRUBBED}${SCRUBBED} then ${SCRUBBED}`);
  });

  it('catches the JSON-escaped form and each line of a multi-line secret', () => {
    const [firstLine, secondLine] = SECRETS.awkward.split('\n');
    expect(scrub(JSON.stringify({ v: SECRETS.awkward }))).toBe(`{"v":"${SCRUBBED}"}`);
    expect(scrub(`line: ${secondLine}!`)).toBe(`line: ${SCRUBBED}!`);
    expect(scrub(`> ${firstLine}`)).toBe(`> ${SCRUBBED}`);
  });

  it('leaves other text, near misses and short secrets alone', () => {
    const nearMiss = `${SECRETS.github.slice(0, -1)}_`;
    expect(scrub(`nothing to see ${nearMiss}`)).toBe(`nothing to see ${nearMiss}`);
    expect(makeScrubber([{ ...dirFinding, secret: 'k3Q9w2' }])('token k3Q9w2')).toBe('token k3Q9w2');
    expect(makeScrubber([])(SECRETS.github)).toBe(SECRETS.github);
  });
});

describe('safePreview', () => {
  it('keeps a safe engine preview', () => {
    expect(safePreview({ ...dirFinding, redacted: 'ghp_…(39 chars)' })).toBe('ghp_…(39 chars)');
  });

  it('recomputes a missing or revealing preview', () => {
    expect(safePreview({ ...dirFinding, redacted: '' })).toBe(`ghp_…(${SECRETS.github.length} chars)`);
    expect(safePreview({ ...dirFinding, redacted: `${SECRETS.github.slice(0, 9)}…` })).toBe(
      `ghp_…(${SECRETS.github.length} chars)`,
    );
    expect(safePreview({ ...gitFinding, redacted: `…${SECRETS.generic.slice(-6)}` })).toBe('48e2…(64 chars)');
  });
});

describe('describeScope', () => {
  it('counts files, history blobs with their commits, and staged blobs', () => {
    expect(describeScope(makeMeta())).toBe('42 files scanned');
    const stats = { files: 7, bytes: 10, findings: 0, suppressed: 0, cached: 30 };
    expect(describeScope(makeMeta({ stats, git: { commits: 12 } }))).toBe(
      '7 blobs from 12 commits scanned (30 known clean, not read)',
    );
    expect(describeScope(makeMeta({ stats: { ...stats, files: 1, cached: 0 }, git: { commits: 1 } }))).toBe(
      '1 blob from 1 commit scanned',
    );
    expect(
      describeScope(makeMeta({ stats: { ...stats, files: 2 }, git: { commits: 0, staged: true } })),
    ).toBe('2 staged blobs scanned');
  });
});
