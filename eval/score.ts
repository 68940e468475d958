import type { Labels } from './labels.js';
import type { ToolFinding, ToolRun } from './tools.js';

export interface LabelRef {
  path: string;
  line: number;
  endLine: number;
  kind: string;
}

export interface FalsePositive {
  path: string;
  line: number;
  ruleIds: string[];
  redacted: string[];
}

export interface KindScore {
  kind: string;
  labels: number;
  hit: number;
}

export interface Score {
  tool: string;
  labels: number;
  /** Labels with at least one finding inside [line, endLine]. */
  tp: number;
  fn: number;
  /** Distinct reported (file, line) pairs outside every label. */
  fp: number;
  reportedLines: number;
  reportedLinesInLabels: number;
  recall: number;
  precision: number;
  perKind: KindScore[];
  falseNegatives: LabelRef[];
  falsePositives: FalsePositive[];
  /** Distinct false-positive lines per rule id, most first. */
  fpByRule: { ruleId: string; lines: number }[];
  errors: string[];
}

export function labelRefs(labels: Labels): LabelRef[] {
  const refs: LabelRef[] = [];
  for (const [path, list] of Object.entries(labels)) {
    for (const l of list) refs.push({ path, line: l.line, endLine: l.endLine ?? l.line, kind: l.kind });
  }
  return refs.sort(compareRefs);
}

function compareRefs(a: { path: string; line: number }, b: { path: string; line: number }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line;
}

function ratio(n: number, d: number): number {
  return d === 0 ? 0 : n / d;
}

export function score(run: ToolRun, refs: LabelRef[]): Score {
  const byPath = new Map<string, LabelRef[]>();
  for (const r of refs) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const inLabel = (path: string, line: number): LabelRef | undefined =>
    byPath.get(path)?.find((r) => line >= r.line && line <= r.endLine);

  const hit = new Set<LabelRef>();
  const lines = new Map<string, { path: string; line: number; findings: ToolFinding[] }>();
  for (const f of run.findings) {
    const key = `${f.path}\u0000${f.line}`;
    const entry = lines.get(key) ?? { path: f.path, line: f.line, findings: [] };
    entry.findings.push(f);
    lines.set(key, entry);
    const label = inLabel(f.path, f.line);
    if (label) hit.add(label);
  }

  const falsePositives: FalsePositive[] = [];
  let reportedLinesInLabels = 0;
  for (const entry of lines.values()) {
    if (inLabel(entry.path, entry.line)) {
      reportedLinesInLabels++;
      continue;
    }
    falsePositives.push({
      path: entry.path,
      line: entry.line,
      ruleIds: [...new Set(entry.findings.map((f) => f.ruleId))].sort(),
      redacted: [...new Set(entry.findings.map((f) => f.redacted))].sort(),
    });
  }
  falsePositives.sort(compareRefs);

  const kinds = new Map<string, KindScore>();
  for (const r of refs) {
    const k = kinds.get(r.kind) ?? { kind: r.kind, labels: 0, hit: 0 };
    k.labels++;
    if (hit.has(r)) k.hit++;
    kinds.set(r.kind, k);
  }

  const fpRules = new Map<string, number>();
  for (const fp of falsePositives) for (const id of fp.ruleIds) fpRules.set(id, (fpRules.get(id) ?? 0) + 1);

  return {
    tool: run.tool,
    labels: refs.length,
    tp: hit.size,
    fn: refs.length - hit.size,
    fp: falsePositives.length,
    reportedLines: lines.size,
    reportedLinesInLabels,
    recall: ratio(hit.size, refs.length),
    precision: ratio(reportedLinesInLabels, lines.size),
    perKind: [...kinds.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)),
    falseNegatives: refs.filter((r) => !hit.has(r)),
    falsePositives,
    fpByRule: [...fpRules.entries()]
      .map(([ruleId, n]) => ({ ruleId, lines: n }))
      .sort((a, b) => b.lines - a.lines || (a.ruleId < b.ruleId ? -1 : 1)),
    errors: [...run.errors].sort(),
  };
}
