import { describe, expect, it } from '@jest/globals';
import { makeScrubber, safePreview, SCRUBBED } from '../../../scanners/reports/common.js';
import { awkwardFinding, dirFinding, gitFinding, SECRETS } from './fixtures.js';

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
