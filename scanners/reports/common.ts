import { SEVERITIES } from '../engine/types.js';
import type { Finding, LayerInfo, RuleInfo, ScanMeta, Severity, Skipped } from '../engine/types.js';
import { redact } from './redact.js';

/** Shown in place of a raw secret that reached rendered text through some unexpected field. */
export const SCRUBBED = 'REDACTED-SECRET';

/** Secrets shorter than this are too likely to collide with ordinary report text to be scrubbed. */
const MIN_SCRUB_LENGTH = 8;

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

function compareText(a: string, b: string): number {
  // Code-unit order, not localeCompare: output must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order on findings by place, so output never depends on the order sources yielded them. */
export function compareByLocation(a: Finding, b: Finding): number {
  const la = a.location;
  const lb = b.location;
  return (
    compareText(la.layer?.digest ?? '', lb.layer?.digest ?? '') ||
    compareText(la.path, lb.path) ||
    la.startLine - lb.startLine ||
    la.startColumn - lb.startColumn ||
    la.endLine - lb.endLine ||
    la.endColumn - lb.endColumn ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(la.commit?.sha ?? '', lb.commit?.sha ?? '') ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

export function sortByLocation(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareByLocation);
}

/** Most severe first; used where output may be truncated so the worst findings survive. */
export function sortBySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || compareByLocation(a, b),
  );
}

/**
 * The preview to print for a finding. `finding.redacted` is used when it is provably safe; if it is
 * missing or shares a longer run with the secret than `redact` would reveal, it is recomputed.
 */
export function safePreview(finding: Finding): string {
  const { secret, redacted } = finding;
  if (redacted === '' || /[\r\n]/.test(redacted)) return redact(secret);
  if (secret === '') return redacted;
  const allowed = Math.min(4, Math.floor(Array.from(secret).length / 4));
  const probe = allowed + 1;
  for (let i = 0; i + probe <= redacted.length; i++) {
    if (secret.includes(redacted.slice(i, i + probe))) return redact(secret);
  }
  return redacted;
}

/** Every form in which a secret could appear in rendered text: whole, per line, JSON-escaped. */
function secretForms(secret: string): string[] {
  const whole = [secret, ...secret.split(/\r?\n/)];
  return whole
    .flatMap((form) => [form, JSON.stringify(form).slice(1, -1)])
    .filter((f) => f.length >= MIN_SCRUB_LENGTH);
}

const HASH_BASE = 0x01000193;
/** HASH_BASE ** (MIN_SCRUB_LENGTH - 1) mod 2^32, to drop the outgoing character of a window. */
const HASH_TOP = Array.from({ length: MIN_SCRUB_LENGTH - 1 }).reduce<number>(
  (p) => Math.imul(p, HASH_BASE),
  1,
);
/** Bits of the quick-reject table indexed by the top bits of a window hash. */
const FILTER_BITS = 20;

function windowHash(text: string, start: number): number {
  let hash = 0;
  for (let i = start; i < start + MIN_SCRUB_LENGTH; i++)
    hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(i)) | 0;
  return hash >>> 0;
}

/**
 * A function replacing any raw secret of `findings` in a text with SCRUBBED. Linear in the text
 * whatever the number of secrets: a rolling hash of each MIN_SCRUB_LENGTH-character window, checked
 * against a bit table first, selects the few forms worth comparing at that position.
 */
export function makeScrubber(findings: readonly Finding[]): (text: string) => string {
  const byHash = new Map<number, string[]>();
  const filter = new Uint8Array(1 << FILTER_BITS);
  for (const form of new Set(findings.flatMap((f) => secretForms(f.secret)))) {
    const hash = windowHash(form, 0);
    const forms = byHash.get(hash);
    if (forms) forms.push(form);
    else byHash.set(hash, [form]);
    filter[hash >>> (32 - FILTER_BITS)] = 1;
  }
  for (const forms of byHash.values()) forms.sort((a, b) => b.length - a.length);
  return (text) => {
    if (byHash.size === 0 || text.length < MIN_SCRUB_LENGTH) return text;
    let out = '';
    let last = 0;
    let i = 0;
    let hash = windowHash(text, 0);
    for (;;) {
      const hit =
        filter[hash >>> (32 - FILTER_BITS)] === 1
          ? byHash.get(hash)?.find((form) => text.startsWith(form, i))
          : undefined;
      if (hit !== undefined) {
        out += `${text.slice(last, i)}${SCRUBBED}`;
        i += hit.length;
        last = i;
        if (i + MIN_SCRUB_LENGTH > text.length) break;
        hash = windowHash(text, i);
        continue;
      }
      if (i + MIN_SCRUB_LENGTH >= text.length) break;
      const dropped = (hash - Math.imul(text.charCodeAt(i), HASH_TOP)) | 0;
      hash = (Math.imul(dropped, HASH_BASE) + text.charCodeAt(i + MIN_SCRUB_LENGTH)) >>> 0;
      i += 1;
    }
    return last === 0 ? text : out + text.slice(last);
  };
}

function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item: unknown) => scrubValue(item, scrub));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, scrub)]));
}

export interface Sanitized {
  findings: Finding[];
  meta: ScanMeta;
  /** Applied once more to the finished output as a last line of defence. */
  scrub: (text: string) => string;
}

/**
 * Copies of the inputs in which no string other than `secret` itself holds a raw secret (a warning
 * or file name quoting one), and every `redacted` is safe. Scrubbing before rendering matters: once
 * a renderer escapes or wraps a string, the secret no longer matches verbatim.
 */
export function sanitize(findings: readonly Finding[], meta: ScanMeta): Sanitized {
  const scrub = makeScrubber(findings);
  return {
    findings: findings.map((finding) => {
      const { secret, redacted: _redacted, ...rest } = finding;
      return { ...(scrubValue(rest, scrub) as typeof rest), secret, redacted: safePreview(finding) };
    }),
    meta: scrubValue(meta, scrub) as ScanMeta,
    scrub,
  };
}

/** Rule metadata from the scan, falling back to what the finding itself carries. */
export function ruleInfoFor(finding: Finding, meta: ScanMeta): RuleInfo {
  const known = meta.rules.find((rule) => rule.id === finding.ruleId);
  if (known) return known;
  return { id: finding.ruleId, title: finding.title, provider: finding.provider, severity: finding.severity };
}

/** The rule's remediation, or advice that fits any credential (generic rules have no issuer name). */
export function remediationFor(rule: RuleInfo): string {
  if (rule.remediation !== undefined && rule.remediation.trim() !== '') return rule.remediation;
  const issuer = rule.provider.toLowerCase() === 'generic' ? 'the service that issued it' : rule.provider;
  return `Revoke this credential at ${issuer} and issue a new one; deleting it from the file does not remove it from history or from published images.`;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** `3 findings (1 critical, 2 high)`; severities with no findings are left out. */
export function describeCounts(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const noun = findings.length === 1 ? 'finding' : 'findings';
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? `${findings.length} ${noun} (${parts.join(', ')})` : `${findings.length} ${noun}`;
}

export function skippedByReason(
  skipped: readonly Skipped[],
): Array<{ reason: Skipped['reason']; paths: string[] }> {
  const groups = new Map<Skipped['reason'], string[]>();
  for (const entry of skipped) {
    const paths = groups.get(entry.reason) ?? [];
    paths.push(entry.path);
    groups.set(entry.reason, paths);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([reason, paths]) => ({ reason, paths: paths.sort(compareText) }));
}

/** `2 skipped (1 binary, 1 too-large)` or `0 skipped`. */
export function describeSkipped(skipped: readonly Skipped[]): string {
  const groups = skippedByReason(skipped);
  if (groups.length === 0) return '0 skipped';
  return `${skipped.length} skipped (${groups.map((g) => `${g.paths.length} ${g.reason}`).join(', ')})`;
}

/** `12 files scanned`, or for history scans `40 blobs from 12 commits scanned (30 cached)`. */
export function describeScope(meta: ScanMeta): string {
  const { files, cached } = meta.stats;
  if (meta.git?.staged) return `${files} staged ${files === 1 ? 'blob' : 'blobs'} scanned`;
  if (meta.git) {
    const commits = `${meta.git.commits} ${meta.git.commits === 1 ? 'commit' : 'commits'}`;
    const reused = cached ? ` (${cached} known clean, not read)` : '';
    return `${files} ${files === 1 ? 'blob' : 'blobs'} from ${commits} scanned${reused}`;
  }
  const reused = cached ? ` (${cached} cached)` : '';
  return `${files} ${files === 1 ? 'file' : 'files'} scanned${reused}`;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 2 : 1)} MB`;
}

/** Control characters in file names could rewrite a terminal or break a table; show them escaped. */
export function escapeControl(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** Layer index of findings in the image config (Env, Labels, history), which is not a layer. */
export const CONFIG_LAYER_INDEX = -1;

/** `sha256:1a2b3c4d5e6f` (12 hex digits): enough to tell layers apart in a report line. */
export function shortDigest(digest: string): string {
  const cut = digest.indexOf(':');
  return `${digest.slice(0, cut + 1)}${digest.slice(cut + 1, cut + 13)}`;
}

/** `layer #1 sha256:1a2b3c4d5e6f, removed in layer #3 sha256:…` or `image config sha256:…`. */
export function describeLayer(layer: LayerInfo, full = false): string {
  const name = (digest: string): string => (full ? digest : shortDigest(digest));
  if (layer.index === CONFIG_LAYER_INDEX) return `image config ${name(layer.digest)}`;
  const removed = layer.removedBy !== undefined ? `, removed in layer ${name(layer.removedBy)}` : '';
  return `layer #${layer.index} ${name(layer.digest)}${removed}`;
}

export function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\/\S+$/.test(value);
}
