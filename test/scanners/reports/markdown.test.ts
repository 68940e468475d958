import { describe, expect, it } from '@jest/globals';
import { renderMarkdown, MARKDOWN_MAX_LENGTH } from '../../../scanners/reports/markdown.js';
import type { Finding } from '../../../scanners/engine/types.js';
import { ALL_FINDINGS, awkwardFinding, dirFinding, gitFinding, makeFinding, makeMeta } from './fixtures.js';

function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((line) => /^\| (🔴|🟠|🟡|🔵) /.test(line));
}

/** Many distinct fabricated findings, to overflow the length cap. */
function manyFindings(count: number): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    makeFinding({
      ...gitFinding,
      severity: i % 10 === 0 ? 'critical' : 'low',
      secret: `${gitFinding.secret.slice(0, 40)}${i.toString(36).padStart(6, 'q')}`,
      location: { path: `services/team-${i}/configuration/settings.production.yaml`, startLine: i + 1 },
    }),
  );
}

describe('renderMarkdown', () => {
  it('renders a table row per finding and a remediation section', () => {
    const markdown = renderMarkdown(ALL_FINDINGS, makeMeta());
    expect(markdown).toContain('| Severity | Rule | Location | Preview |');
    expect(tableRows(markdown)).toHaveLength(ALL_FINDINGS.length);
    expect(markdown).toContain('`config/deploy settings.yml:12:15`');
    expect(markdown).toContain(`\`${dirFinding.redacted}\``);
    expect(markdown).toContain('### Remediation');
    expect(markdown).toContain('Revoke it under Settings');
    expect(markdown).toContain('(<https://docs.github.com/');
    expect(markdown).toContain('**5 findings (2 critical, 1 high, 1 medium, 1 low)**');
    expect(markdown).toContain('3 skipped (2 binary, 1 too-large)');
    expect(markdown).toContain('1 stale and 1 expired');
  });

  it('keeps every row at four cells even when paths hold pipes and backticks', () => {
    const [row] = tableRows(renderMarkdown([awkwardFinding], makeMeta()));
    expect(row).toContain('``keys/`odd`\\|name.pem:5:1``');
    const cells = (row ?? '').replace(/\\\|/g, '').split('|');
    expect(cells).toHaveLength(6);
  });

  it('stays within 65535 characters, keeping the most severe findings', () => {
    const findings = manyFindings(1500);
    const markdown = renderMarkdown(findings, makeMeta());
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_MAX_LENGTH);
    const rows = tableRows(markdown);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.length).toBeLessThan(findings.length);
    expect(rows.filter((r) => r.includes('critical'))).toHaveLength(150);
    expect(markdown).toContain(
      `_${findings.length - rows.length} more findings not shown; see the full report._`,
    );
    expect(markdown).toContain('### Remediation');
  });

  it('honours a smaller maxLength', () => {
    const markdown = renderMarkdown(manyFindings(50), makeMeta(), { maxLength: 3000 });
    expect(markdown.length).toBeLessThanOrEqual(3000);
    expect(markdown).toMatch(/more findings not shown/);
  });

  it('reports a clean scan and an incomplete one', () => {
    const clean = renderMarkdown([], makeMeta({ warnings: [] }), { title: 'Secret scan' });
    expect(clean).toMatch(/^## Secret scan\n/);
    expect(clean).toContain('No secrets found.');
    expect(clean).not.toContain('| Severity |');
    expect(clean).not.toContain('[!WARNING]');
    expect(renderMarkdown([], makeMeta({ complete: false }))).toContain('[!WARNING]');
  });

  it('escapes Markdown in file-derived text so it cannot mention or link', () => {
    const markdown = renderMarkdown([], makeMeta({ warnings: ['ping @octocat [x](https://evil.test)'] }));
    expect(markdown).toContain('ping \\@octocat \\[x\\]\\(https://evil.test\\)');
  });
});
