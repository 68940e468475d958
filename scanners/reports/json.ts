import type { BaselineEntry, Finding, Location, ScanMeta } from '../engine/types.js';
import { safePreview, sanitize, sortByLocation } from './common.js';

/** Bumped whenever a field is removed or changes meaning; additions keep the version. */
export const JSON_REPORT_VERSION = 1;

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export type JsonOptions = Record<never, never>;

/** Copies known fields only, so whatever else a source attaches never leaks into the report. */
function location(loc: Location): Location {
  const { commit, layer, presentAtHead, blob } = loc;
  return {
    path: loc.path,
    startLine: loc.startLine,
    startColumn: loc.startColumn,
    endLine: loc.endLine,
    endColumn: loc.endColumn,
    ...(commit
      ? {
          commit: {
            sha: commit.sha,
            ...(commit.author !== undefined ? { author: commit.author } : {}),
            ...(commit.email !== undefined ? { email: commit.email } : {}),
            ...(commit.date !== undefined ? { date: commit.date } : {}),
            ...(commit.message !== undefined ? { message: commit.message } : {}),
          },
        }
      : {}),
    ...(presentAtHead !== undefined ? { presentAtHead } : {}),
    // Only an object id: a source's mistake must not put content here.
    ...(blob !== undefined && OBJECT_ID.test(blob) ? { blob } : {}),
    ...(layer
      ? {
          layer: {
            digest: layer.digest,
            index: layer.index,
            ...(layer.imageDigest !== undefined ? { imageDigest: layer.imageDigest } : {}),
            ...(layer.removedBy !== undefined ? { removedBy: layer.removedBy } : {}),
          },
        }
      : {}),
  };
}

function baselineEntry(entry: BaselineEntry): BaselineEntry {
  return {
    fingerprint: entry.fingerprint,
    ...(entry.ruleId !== undefined ? { ruleId: entry.ruleId } : {}),
    ...(entry.path !== undefined ? { path: entry.path } : {}),
    reason: entry.reason,
    ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
  };
}

/** Keyless's own machine-readable report. The raw secret is never part of it. */
export function renderJson(
  rawFindings: readonly Finding[],
  rawMeta: ScanMeta,
  _options: JsonOptions = {},
): string {
  const { findings, meta, scrub } = sanitize(rawFindings, rawMeta);
  const report = {
    version: JSON_REPORT_VERSION,
    tool: meta.tool,
    target: meta.target,
    startedAt: meta.startedAt.toISOString(),
    finishedAt: meta.finishedAt.toISOString(),
    complete: meta.complete,
    stats: meta.stats,
    ...(meta.git ? { git: meta.git } : {}),
    findings: sortByLocation(findings).map((f) => ({
      ruleId: f.ruleId,
      title: f.title,
      provider: f.provider,
      severity: f.severity,
      redacted: safePreview(f),
      fingerprint: f.fingerprint,
      location: location(f.location),
      entropy: Math.round(f.entropy * 1000) / 1000,
    })),
    skipped: meta.skipped,
    warnings: meta.warnings,
    baseline: meta.baseline
      ? {
          path: meta.baseline.path,
          matched: meta.baseline.matched,
          stale: meta.baseline.stale.map(baselineEntry),
          expired: meta.baseline.expired.map(baselineEntry),
        }
      : null,
  };
  return scrub(`${JSON.stringify(report, null, 2)}\n`);
}
