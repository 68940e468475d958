import { expect } from '@jest/globals';

const SEVERITIES = ['info', 'minor', 'major', 'critical', 'blocker'];

/** The shape GitLab reads from `artifacts:reports:codequality`. */
export function expectCodeQualityShape(issues: unknown): void {
  expect(Array.isArray(issues)).toBe(true);
  for (const issue of issues as Array<Record<string, unknown>>) {
    expect(typeof issue['description']).toBe('string');
    expect(typeof issue['check_name']).toBe('string');
    expect(issue['fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(SEVERITIES).toContain(issue['severity']);
    const location = issue['location'] as { path: unknown; lines: { begin: unknown } };
    expect(typeof location.path).toBe('string');
    expect(Number.isInteger(location.lines.begin)).toBe(true);
    expect(location.lines.begin as number).toBeGreaterThan(0);
  }
}
