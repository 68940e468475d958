import { createHash } from 'node:crypto';
import type { Finding, ScanMeta, Severity } from '../engine/types.js';
import {
  describeLayer,
  isHttpUrl,
  remediationFor,
  ruleInfoFor,
  safePreview,
  sanitize,
  skippedByReason,
  sortByLocation,
} from './common.js';

/*
 * GitLab secret-detection report, schema 15.2.4.
 *
 * Image findings: the schema's secret-detection location has no image fields, so `location.file` is
 * `image:/<path inside the image>` and the layer (digest, index, removedBy, image digest) goes into
 * `details`. The layer digest is deliberately kept out of `file`: GitLab tracks a vulnerability
 * across pipelines by its location, and layer digests change on every rebuild, so a secret still
 * baked into the rebuilt image would otherwise be reported as "new" each time. The `image:` prefix
 * keeps these locations apart from repository files of the same name. The vulnerability `id`
 * (unique within one report) does include the layer digest.
 */

export const GITLAB_SCHEMA_VERSION = '15.2.4';
/** GitLab's own analyzers use this when a finding is not tied to a commit (plain directory scans). */
const NO_COMMIT = '0000000';
/** Fixed UUIDv5 namespace so vulnerability ids are stable across runs and machines. */
const ID_NAMESPACE = '19e43034-44d3-442c-829a-b18bc71c02b9';
const NAME_MAX = 255;
const SOLUTION_MAX = 7000;

const SEVERITIES: Record<Severity, 'Critical' | 'High' | 'Medium' | 'Low'> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export interface GitlabOptions {
  /** Commit the scanned tree belongs to (`CI_COMMIT_SHA`), for findings without commit info. */
  commitSha?: string;
}

/** UUID version 5 (SHA-1, RFC 9562) of `name` in the Keyless namespace. */
export function uuidV5(name: string): string {
  const namespace = Buffer.from(ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `yyyy-mm-ddThh:mm:ss` in UTC: the only form the schema's pattern accepts. */
export function gitlabTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function reportedFile(finding: Finding): string {
  const { path, layer } = finding.location;
  return layer ? `image:/${path.replace(/^\/+/, '')}` : path;
}

function vulnerabilityId(finding: Finding): string {
  const loc = finding.location;
  return uuidV5(
    [
      finding.fingerprint,
      loc.path,
      loc.startLine,
      loc.startColumn,
      loc.endLine,
      loc.endColumn,
      loc.commit?.sha ?? '',
      loc.layer?.digest ?? '',
    ].join('\u0000'),
  );
}

type Detail =
  | { name: string; type: 'text'; value: string }
  | { name: string; type: 'value'; value: number | string }
  | { name: string; type: 'commit'; value: string };

function details(finding: Finding): Record<string, Detail> {
  const { commit, layer } = finding.location;
  const result: Record<string, Detail> = {
    fingerprint: { name: 'Keyless fingerprint', type: 'text', value: finding.fingerprint },
    preview: { name: 'Redacted preview', type: 'text', value: safePreview(finding) },
  };
  if (commit) result['commit'] = { name: 'Commit', type: 'commit', value: commit.sha };
  if (finding.location.presentAtHead !== undefined) {
    const value = finding.location.presentAtHead ? 'yes' : 'no: removed since, still in history — rotate it';
    result['present_at_head'] = { name: 'Still in the head version', type: 'text', value };
  }
  if (layer) {
    result['layer_digest'] = { name: 'Image layer', type: 'text', value: layer.digest };
    result['layer_index'] = { name: 'Layer index', type: 'value', value: layer.index };
    if (layer.removedBy !== undefined) {
      result['layer_removed_by'] = { name: 'Removed by layer', type: 'text', value: layer.removedBy };
    }
    if (layer.imageDigest !== undefined) {
      result['image_digest'] = { name: 'Image digest', type: 'text', value: layer.imageDigest };
    }
  }
  return result;
}

function toVulnerability(finding: Finding, meta: ScanMeta, options: GitlabOptions): Record<string, unknown> {
  const rule = ruleInfoFor(finding, meta);
  const loc = finding.location;
  const commit = loc.commit;
  const file = reportedFile(finding);
  const docs = isHttpUrl(rule.docs) ? rule.docs : undefined;
  const solution = remediationFor(rule);
  const inLayer = loc.layer ? ` (${describeLayer(loc.layer)})` : '';
  return {
    id: vulnerabilityId(finding),
    name: clip(finding.title, NAME_MAX),
    description: `${finding.title} issued by ${finding.provider} found in ${file}${inLayer} at line ${loc.startLine} (${safePreview(finding)}).`,
    severity: SEVERITIES[finding.severity],
    solution: clip(solution, SOLUTION_MAX),
    identifiers: [
      {
        type: 'keyless_rule_id',
        name: `Keyless rule ${finding.ruleId}`,
        value: finding.ruleId,
        ...(docs ? { url: docs } : {}),
      },
    ],
    ...(docs ? { links: [{ name: `${rule.provider} documentation`, url: docs }] } : {}),
    location: {
      file,
      start_line: loc.startLine,
      end_line: loc.endLine,
      commit: {
        sha: commit?.sha ?? options.commitSha ?? NO_COMMIT,
        ...(commit?.author !== undefined ? { author: commit.author } : {}),
        ...(commit?.date !== undefined ? { date: commit.date } : {}),
      },
    },
    // GitLab shows this as evidence; it must never hold the raw value.
    raw_source_code_extract: safePreview(finding),
    details: details(finding),
  };
}

function messages(meta: ScanMeta): Array<{ level: 'info' | 'warn'; value: string }> {
  const skipped = skippedByReason(meta.skipped).map(({ reason, paths }) => ({
    level: reason === 'binary' || reason === 'not-regular' ? ('info' as const) : ('warn' as const),
    value: `Skipped ${paths.length} ${paths.length === 1 ? 'file' : 'files'} (${reason}).`,
  }));
  const warnings = meta.warnings
    .filter((w) => w.trim() !== '')
    .map((value) => ({ level: 'warn' as const, value }));
  return [...skipped, ...warnings];
}

/** GitLab secret-detection report (`artifacts:reports:secret_detection`). */
export function renderGitlab(
  rawFindings: readonly Finding[],
  rawMeta: ScanMeta,
  options: GitlabOptions = {},
): string {
  const { findings, meta, scrub } = sanitize(rawFindings, rawMeta);
  const component = {
    id: 'keyless',
    name: 'Keyless',
    version: meta.tool.version,
    vendor: { name: 'Keyless' },
    ...(isHttpUrl(meta.tool.informationUri) ? { url: meta.tool.informationUri } : {}),
  };
  const report = {
    version: GITLAB_SCHEMA_VERSION,
    scan: {
      type: 'secret_detection',
      status: meta.complete ? 'success' : 'failure',
      start_time: gitlabTime(meta.startedAt),
      end_time: gitlabTime(meta.finishedAt),
      analyzer: component,
      scanner: component,
      messages: messages(meta),
    },
    vulnerabilities: sortByLocation(findings).map((finding) => toVulnerability(finding, meta, options)),
  };
  return scrub(`${JSON.stringify(report, null, 2)}\n`);
}
