import { readFile } from 'node:fs/promises';
import { SEVERITIES, type Severity } from '../scanners/engine/types.js';

/*
 * The GitLab jobs after the scan (the blocking check, the merge request note) read the published
 * secret-detection report rather than scanning again: one scan, and the note and the check can only
 * ever describe what GitLab was given. The report holds redacted previews, never secret values.
 */

export interface ReportEntry {
  ruleId: string;
  title: string;
  severity: Severity;
  path: string;
  line: number;
  commit?: string;
  /** Redacted preview (`ghp_…(40 chars)`). */
  preview: string;
  fingerprint?: string;
  solution: string;
  /** Removed since the commit that added it, still in history. */
  removed: boolean;
}

export interface SecretReport {
  /** False when the scan did not cover everything (`scan.status: failure`). */
  complete: boolean;
  entries: ReportEntry[];
  messages: string[];
}

export class ReportError extends Error {}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

function detailValue(details: unknown, key: string): string | undefined {
  if (!isObject(details)) return undefined;
  const entry = details[key];
  return isObject(entry) && typeof entry['value'] === 'string' ? entry['value'] : undefined;
}

function toEntry(vulnerability: unknown, index: number): ReportEntry {
  if (!isObject(vulnerability)) throw new ReportError(`vulnerability #${index + 1} is not an object`);
  const severity = text(vulnerability['severity']).toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(severity))
    throw new ReportError(`vulnerability #${index + 1} has an unknown severity "${severity}"`);
  const location = isObject(vulnerability['location']) ? vulnerability['location'] : {};
  const commit = isObject(location['commit']) ? text(location['commit']['sha']) : '';
  const identifiers = Array.isArray(vulnerability['identifiers']) ? vulnerability['identifiers'] : [];
  const rule = identifiers.find((id) => isObject(id) && id['type'] === 'keyless_rule_id');
  const details = vulnerability['details'];
  const fingerprint = detailValue(details, 'fingerprint');
  return {
    ruleId: isObject(rule) ? text(rule['value'], 'unknown') : 'unknown',
    title: text(vulnerability['name'], 'Secret'),
    severity: severity as Severity,
    path: text(location['file'], '(unknown file)'),
    line: typeof location['start_line'] === 'number' ? location['start_line'] : 1,
    ...(/^[0-9a-f]{40,64}$/.test(commit) ? { commit } : {}),
    preview: detailValue(details, 'preview') ?? '(redacted)',
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    solution: text(vulnerability['solution']),
    removed: (detailValue(details, 'present_at_head') ?? 'yes').startsWith('no'),
  };
}

/** Reads a GitLab secret-detection report (as written by `keyless scan --format gitlab`). */
export async function readSecretReport(path: string): Promise<SecretReport> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReportError(
      code === 'ENOENT'
        ? `${path}: no such report (did the keyless-secret-detection job run and publish its artifacts?)`
        : `${path}: ${(error as Error).message}`,
    );
  }
  let report: unknown;
  try {
    report = JSON.parse(raw);
  } catch {
    throw new ReportError(`${path}: not JSON`);
  }
  if (!isObject(report) || !isObject(report['scan']) || report['scan']['type'] !== 'secret_detection')
    throw new ReportError(`${path}: not a GitLab secret-detection report`);
  const vulnerabilities = report['vulnerabilities'];
  if (!Array.isArray(vulnerabilities)) throw new ReportError(`${path}: no vulnerabilities array`);
  const messages = Array.isArray(report['scan']['messages']) ? report['scan']['messages'] : [];
  return {
    complete: report['scan']['status'] === 'success',
    entries: vulnerabilities.map(toEntry),
    messages: messages.map((m) => (isObject(m) ? text(m['value']) : '')).filter((m) => m !== ''),
  };
}

/** Entries at or above `failOn`, most severe first. */
export function atOrAbove(entries: readonly ReportEntry[], failOn: Severity | 'none'): ReportEntry[] {
  if (failOn === 'none') return [];
  const threshold = SEVERITIES.indexOf(failOn);
  return bySeverity(entries).filter((e) => SEVERITIES.indexOf(e.severity) <= threshold);
}

export function bySeverity(entries: readonly ReportEntry[]): ReportEntry[] {
  return [...entries].sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line),
  );
}

export function countText(entries: readonly ReportEntry[]): string {
  const parts = SEVERITIES.map((s) => [s, entries.filter((e) => e.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const noun = entries.length === 1 ? 'finding' : 'findings';
  return parts.length > 0 ? `${entries.length} ${noun} (${parts.join(', ')})` : `0 ${noun}`;
}

/** What to do, in order: the leak already happened, so revoking comes before editing the code. */
export const REMEDIATION_STEPS = [
  'Revoke or rotate each credential at its provider first: it was pushed, so removing it from the code (or rewriting history) does not un-leak it.',
  'Move the new value to a secret store: a masked and protected CI/CD variable, Vault/OpenBao, or no stored secret at all with OIDC (`keyless credentials`).',
  'False positive or accepted risk? Record it in `.keyless-baseline.json` (`npx keyless baseline create --reason "..."`, or add the fingerprint with a reason) and commit the baseline.',
];
