import { createHash } from 'node:crypto';
import type { Finding, RuleInfo, ScanMeta, Severity, Skipped } from '../engine/types.js';
import {
  describeLayer,
  isHttpUrl,
  remediationFor,
  ruleInfoFor,
  safePreview,
  sanitize,
  shortSha,
  skippedByReason,
  sortByLocation,
} from './common.js';

const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT_KEY = 'keylessFingerprint/v1';
/** Skipped paths listed by name in one notification; the rest are only counted. */
const MAX_LISTED_SKIPPED = 20;

type SarifLevel = 'error' | 'warning' | 'note';

const LEVELS: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub code scanning reads this property to rank alerts (>= 9.0 critical, >= 7.0 high...). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/** Reasons that mean content the user expected to be scanned was not. */
const SKIP_WARNINGS: ReadonlySet<Skipped['reason']> = new Set(['too-large', 'unreadable', 'vanished']);

export type SarifOptions = Record<never, never>;

/** `github-pat-classic` -> `GithubPatClassic`: SARIF wants a readable identifier-like rule name. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Generic (context + entropy) rules misfire more often than prefix- or checksum-anchored ones. */
function precision(rule: RuleInfo): 'high' | 'medium' {
  return rule.id.startsWith('generic') || rule.provider.toLowerCase() === 'generic' ? 'medium' : 'high';
}

function describeRule(rule: RuleInfo, informationUri: string): Record<string, unknown> {
  const remediation = remediationFor(rule);
  const docs = isHttpUrl(rule.docs) ? rule.docs : undefined;
  const text = docs ? `${remediation}\nDocumentation: ${docs}` : remediation;
  const markdown = [
    `**${rule.title}** (issued by ${rule.provider})`,
    '',
    `**Remediation:** ${remediation}`,
    ...(docs ? ['', `[${rule.provider} documentation](${docs})`] : []),
  ].join('\n');
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: {
      text: `${rule.title} issued by ${rule.provider}. Anyone who can read the code, its history or the image can use it.`,
    },
    help: { text, markdown },
    helpUri: docs ?? informationUri,
    defaultConfiguration: { level: LEVELS[rule.severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[rule.severity],
      tags: [...new Set(['security', 'secret', rule.provider])],
      precision: precision(rule),
    },
  };
}

/** Replaces lone surrogates, which `encodeURIComponent` rejects. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * A relative URI reference for a `/`-separated path: each segment percent-encoded (spaces, `#`, `?`,
 * `%`, non-ASCII), separators kept, and leading `/` or `./` dropped so it resolves against the base.
 */
export function toRelativeUri(path: string): string {
  const relative = path.replace(/^(?:\.\/)+/, '').replace(/^\/+/, '');
  return wellFormed(relative).split('/').map(encodeURIComponent).join('/');
}

function baseUri(meta: ScanMeta): Record<string, unknown> {
  const { kind, root } = meta.target;
  if (kind !== 'image' && root.startsWith('/')) {
    const withSlash = root.endsWith('/') ? root : `${root}/`;
    return { uri: `file:///${toRelativeUri(withSlash)}` };
  }
  const what = kind === 'image' ? `Root file system of image ${root}` : `Scanned directory ${root}`;
  return { description: { text: what } };
}

function resultProperties(finding: Finding): Record<string, unknown> | undefined {
  const { commit, layer } = finding.location;
  // The baseline fingerprint (rule + secret) lets users baseline straight from an alert.
  const properties: Record<string, unknown> = { fingerprint: finding.fingerprint };
  if (commit) {
    properties['commit'] = {
      sha: commit.sha,
      ...(commit.author !== undefined ? { author: commit.author } : {}),
      ...(commit.date !== undefined ? { date: commit.date } : {}),
    };
  }
  if (finding.location.presentAtHead !== undefined)
    properties['presentAtHead'] = finding.location.presentAtHead;
  if (finding.location.blob !== undefined && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(finding.location.blob))
    properties['blob'] = finding.location.blob;
  if (layer) {
    properties['layer'] = {
      digest: layer.digest,
      index: layer.index,
      ...(layer.removedBy !== undefined ? { removedBy: layer.removedBy } : {}),
      ...(layer.imageDigest !== undefined ? { imageDigest: layer.imageDigest } : {}),
    };
  }
  return Object.keys(properties).length > 0 ? properties : undefined;
}

/**
 * Code scanning merges results that share a partial fingerprint into one alert, so the same
 * secret in two files needs two: the path joins the (line-independent) secret fingerprint.
 */
function alertFingerprint(finding: Finding): string {
  const hash = createHash('sha256').update(finding.fingerprint).update('\0').update(finding.location.path);
  return hash.digest('hex').slice(0, 32);
}

function resultMessage(finding: Finding): string {
  const { commit, layer } = finding.location;
  const removed =
    finding.location.presentAtHead === false ? ' (removed since, still in history: rotate it)' : '';
  const where = commit
    ? ` in commit ${shortSha(commit.sha)}${removed}`
    : layer
      ? ` in ${describeLayer(layer, true)}`
      : '';
  return `${finding.title} found${where}: ${safePreview(finding)}`;
}

function toResult(finding: Finding, ruleIndex: number): Record<string, unknown> {
  const loc = finding.location;
  const startLine = Math.max(1, loc.startLine);
  const properties = resultProperties(finding);
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVELS[finding.severity],
    message: { text: resultMessage(finding) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toRelativeUri(loc.path), uriBaseId: SRCROOT },
          region: {
            startLine,
            startColumn: Math.max(1, loc.startColumn),
            endLine: Math.max(startLine, loc.endLine),
            endColumn: Math.max(1, loc.endColumn),
          },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: alertFingerprint(finding) },
    ...(properties ? { properties } : {}),
  };
}

function notifications(meta: ScanMeta): Array<Record<string, unknown>> {
  const skipped = skippedByReason(meta.skipped).map(({ reason, paths }) => {
    const listed = paths.slice(0, MAX_LISTED_SKIPPED).join(', ');
    const more = paths.length > MAX_LISTED_SKIPPED ? ` and ${paths.length - MAX_LISTED_SKIPPED} more` : '';
    const noun = paths.length === 1 ? 'file' : 'files';
    return {
      descriptor: { id: `skipped/${reason}` },
      level: SKIP_WARNINGS.has(reason) ? 'warning' : 'note',
      message: { text: `Skipped ${paths.length} ${noun} (${reason}): ${listed}${more}` },
    };
  });
  const warnings = meta.warnings.map((warning) => ({
    descriptor: { id: 'warning' },
    level: 'warning',
    message: { text: warning },
  }));
  return [...skipped, ...warnings];
}

/** SARIF 2.1.0 with one run, shaped for GitHub code scanning uploads. */
export function renderSarif(
  rawFindings: readonly Finding[],
  rawMeta: ScanMeta,
  _options: SarifOptions = {},
): string {
  const { findings, meta, scrub } = sanitize(rawFindings, rawMeta);
  const sorted = sortByLocation(findings);
  const ruleIds = [...new Set(sorted.map((f) => f.ruleId))].sort();
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]));
  const rules = ruleIds.map((id) => {
    const first = sorted.find((f) => f.ruleId === id) as Finding;
    return describeRule(ruleInfoFor(first, meta), meta.tool.informationUri);
  });

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: meta.tool.name,
            version: meta.tool.version,
            informationUri: meta.tool.informationUri,
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: baseUri(meta) },
        invocations: [
          {
            executionSuccessful: meta.complete,
            startTimeUtc: meta.startedAt.toISOString(),
            endTimeUtc: meta.finishedAt.toISOString(),
            toolExecutionNotifications: notifications(meta),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: sorted.map((finding) => toResult(finding, ruleIndex.get(finding.ruleId) as number)),
      },
    ],
  };
  return scrub(`${JSON.stringify(log, null, 2)}\n`);
}
