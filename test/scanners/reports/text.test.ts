import { describe, expect, it } from '@jest/globals';
import { renderText } from '../../../scanners/reports/text.js';
import { ALL_FINDINGS, dirFinding, gitFinding, imageFinding, makeFinding, makeMeta } from './fixtures.js';

const ESC = '\u001b';

describe('renderText', () => {
  it('prints one block per finding with location, preview and short fingerprint', () => {
    const text = renderText(ALL_FINDINGS, makeMeta());
    const blocks = text.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(ALL_FINDINGS.length + 1);
    const dir = blocks.find((b) => b.includes(dirFinding.ruleId)) ?? '';
    expect(dir).toContain('CRITICAL');
    expect(dir).toContain('GitHub personal access token (classic)');
    expect(dir).toContain('config/deploy settings.yml:12:15');
    expect(dir).toContain(dirFinding.redacted);
    expect(dir).toContain(dirFinding.fingerprint.slice(0, 12));
    expect(dir).not.toContain(dirFinding.fingerprint);
  });

  it('orders blocks from most to least severe', () => {
    const text = renderText([...ALL_FINDINGS].reverse(), makeMeta());
    const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].map((s) => text.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('shows commit and layer provenance', () => {
    const text = renderText([gitFinding, imageFinding], makeMeta());
    expect(text).toContain('commit 3f1c9a7be2d0 by Rin Okabe on 2024-03-05T10:11:12Z');
    expect(text).toContain(`layer #3 ${imageFinding.location.layer?.digest}, removed in layer`);
  });

  it('ends with a summary of counts, files, size, skipped reasons and baseline entries', () => {
    const text = renderText(ALL_FINDINGS, makeMeta());
    expect(text).toContain(
      '5 findings (2 critical, 1 high, 1 medium, 1 low) · 42 files scanned · 3.46 MB · 3 skipped (2 binary, 1 too-large) · 1 suppressed',
    );
    expect(text).toContain('stale   aa11bb22cc33dd44ee55ff66  test fixture, rotated');
    expect(text).toContain('expired ff00ee11dd22cc33bb44aa55  temporary exception (expired 2024-01-31)');
    expect(text).toContain('git history was shallow');
    expect(text).not.toContain('Scan incomplete');
    expect(renderText([], makeMeta({ complete: false }))).toContain('Scan incomplete');
  });

  it('says so when nothing was found', () => {
    const text = renderText([], makeMeta({ skipped: [], warnings: [] }));
    expect(text).toMatch(/^No secrets found\.\n\n0 findings · 42 files scanned · 3\.46 MB · 0 skipped/);
  });

  it('uses ANSI colours only when asked', () => {
    expect(renderText(ALL_FINDINGS, makeMeta())).not.toContain(ESC);
    expect(renderText(ALL_FINDINGS, makeMeta(), { color: false })).not.toContain(ESC);
    const colored = renderText(ALL_FINDINGS, makeMeta(), { color: true });
    expect(colored).toContain(`${ESC}[1;35mCRITICAL`);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderText(ALL_FINDINGS, makeMeta()));
  });

  it('escapes control characters in file names so they cannot drive the terminal', () => {
    const hostile = makeFinding({ ...dirFinding, location: { path: `evil${ESC}[2Jname\n.txt` } });
    const text = renderText([hostile], makeMeta());
    expect(text).not.toContain(ESC);
    expect(text).toContain('evil\\x1b[2Jname\\x0a.txt:3:7');
  });
});
