import { shannonEntropy } from './entropy.js';
import { fingerprint, valueHash } from './fingerprint.js';
import { buildAutomaton, scanKeywords, type KeywordAutomaton } from './prefilter.js';
import { isPlaceholder, isPublicShape, isReference } from './suppress.js';
import { redact } from '../reports/redact.js';
import { SEVERITIES, type Finding, type Fragment, type Rule, type RuleWindow } from './types.js';
import { locate } from './locate.js';

export const DEFAULT_WINDOW: RuleWindow = { before: 120, after: 400 };
const INLINE_ALLOW = 'keyless:allow';

interface CompiledRule {
  rule: Rule;
  regex: RegExp;
  window: RuleWindow;
  /** Context-only rules lose to provider rules on overlap and get the public-shape suppression. */
  generic: boolean;
}

export interface CompiledRules {
  rules: CompiledRule[];
  automaton: KeywordAutomaton;
  /** keyword id -> indices into `rules` */
  keywordRules: number[][];
  allowedValueHashes: ReadonlySet<string>;
}

export interface CompileOptions {
  allowedValueHashes?: Iterable<string>;
}

export function compileRules(rules: Rule[], options: CompileOptions = {}): CompiledRules {
  const keywordIds = new Map<string, number>();
  const keywordRules: number[][] = [];
  const compiled = rules.map((rule, index): CompiledRule => {
    if (rule.keywords.length === 0) throw new Error(`rule ${rule.id} has no keywords`);
    for (const keyword of new Set(rule.keywords.map((k) => k.toLowerCase()))) {
      let id = keywordIds.get(keyword);
      if (id === undefined) {
        id = keywordRules.length;
        keywordIds.set(keyword, id);
        keywordRules.push([]);
      }
      keywordRules[id]?.push(index);
    }
    const flags = rule.pattern.flags.replace(/[gyd]/g, '') + 'g';
    return {
      rule,
      regex: new RegExp(rule.pattern.source, flags),
      window: rule.window ?? DEFAULT_WINDOW,
      generic: rule.id.startsWith('generic-') || rule.provider === 'custom',
    };
  });
  return {
    rules: compiled,
    automaton: buildAutomaton([...keywordIds.keys()]),
    keywordRules,
    allowedValueHashes: new Set(options.allowedValueHashes ?? []),
  };
}

interface Candidate {
  rule: CompiledRule;
  start: number;
  end: number;
  secret: string;
  entropy: number;
}

/** Windows around keyword hits, merged per rule as they arrive in text order. */
function collectWindows(
  text: string,
  utf8: Uint8Array | undefined,
  compiled: CompiledRules,
): Map<number, number[]> {
  const windows = new Map<number, number[]>();
  const n = text.length;
  scanKeywords(compiled.automaton, text, utf8, (keywordId, hit) => {
    for (const ruleIndex of compiled.keywordRules[keywordId] ?? []) {
      const { window } = compiled.rules[ruleIndex] as CompiledRule;
      let list = windows.get(ruleIndex);
      if (!list) windows.set(ruleIndex, (list = []));
      const last = list.length - 2;
      const lastEnd = last >= 0 ? (list[last + 1] as number) : -1;
      let start = Math.max(0, hit - window.before);
      if (!window.multiline) {
        for (let j = hit - 1; j >= start; j--) {
          if (text.charCodeAt(j) === 10) {
            start = j + 1;
            break;
          }
        }
      }
      // Scanning forward only from the previous end keeps the total work linear in the text.
      const limit = Math.min(n, hit + window.after);
      let end = limit;
      if (!window.multiline) {
        for (let j = Math.max(hit, lastEnd); j < limit; j++) {
          if (text.charCodeAt(j) === 10) {
            end = j;
            break;
          }
        }
      }
      if (last >= 0 && start <= lastEnd) {
        if (end > lastEnd) list[last + 1] = end;
      } else {
        list.push(start, end);
      }
    }
  });
  return windows;
}

function lineAround(text: string, index: number): string {
  // Long minified lines: the neighbourhood is all the heuristics need. Searching only within it
  // keeps many findings on one huge line linear (an unbounded lastIndexOf made it quadratic).
  const lo = Math.max(0, index - 300);
  const hi = Math.min(text.length, index + 300);
  const before = text.slice(lo, index).lastIndexOf('\n');
  const after = text.slice(index, hi).indexOf('\n');
  return text.slice(before === -1 ? lo : lo + before + 1, after === -1 ? hi : index + after);
}

function accept(candidate: Candidate, text: string, compiled: CompiledRules): boolean {
  const { rule, generic } = candidate.rule;
  if (rule.minEntropy !== undefined && candidate.entropy < rule.minEntropy) return false;
  const line = lineAround(text, candidate.start);
  if (line.includes(INLINE_ALLOW)) return false;
  if (rule.suppress !== 'none') {
    if (isPlaceholder(candidate.secret) || isReference(candidate.secret)) return false;
    if (generic && isPublicShape(candidate.secret, line)) return false;
  }
  if (compiled.allowedValueHashes.size > 0 && compiled.allowedValueHashes.has(valueHash(candidate.secret))) {
    return false;
  }
  return true;
}

function findCandidates(text: string, utf8: Uint8Array | undefined, compiled: CompiledRules): Candidate[] {
  const candidates: Candidate[] = [];
  for (const [ruleIndex, list] of collectWindows(text, utf8, compiled)) {
    const compiledRule = compiled.rules[ruleIndex] as CompiledRule;
    const { regex, rule } = compiledRule;
    for (let w = 0; w < list.length; w += 2) {
      const from = list[w] as number;
      const slice = text.slice(from, list[w + 1] as number);
      regex.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = regex.exec(slice)) !== null) {
        if (match[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        const secret = match.groups?.['secret'] ?? match[0];
        if (!secret) continue;
        const offsetInMatch = match.groups?.['secret'] !== undefined ? match[0].indexOf(secret) : 0;
        const start = from + match.index + Math.max(0, offsetInMatch);
        const candidate: Candidate = {
          rule: compiledRule,
          start,
          end: start + secret.length,
          secret,
          entropy: shannonEntropy(secret),
        };
        if (rule.validate && !rule.validate(secret, match)) continue;
        if (accept(candidate, text, compiled)) candidates.push(candidate);
      }
    }
  }
  return candidates;
}

function rank(c: Candidate): number[] {
  return [c.rule.generic ? 0 : 1, -SEVERITIES.indexOf(c.rule.rule.severity), c.end - c.start];
}

function outranks(a: Candidate, b: Candidate): boolean {
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) {
    if ((ra[i] as number) !== (rb[i] as number)) return (ra[i] as number) > (rb[i] as number);
  }
  return a.rule.rule.id < b.rule.rule.id;
}

/** Of candidates whose secrets overlap, only the most specific rule's finding is kept. */
function dedupe(candidates: Candidate[]): Candidate[] {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  for (const c of candidates) {
    let dominated = false;
    for (let i = kept.length - 1; i >= 0; i--) {
      const k = kept[i] as Candidate;
      // Kept findings never overlap and are sorted by start, so their ends are sorted too.
      if (k.end <= c.start) break;
      if (outranks(c, k)) {
        kept.splice(i, 1);
      } else {
        dominated = true;
        break;
      }
    }
    if (!dominated) kept.push(c);
  }
  return kept;
}

/** Pure: the same fragment and rules always give the same findings, in text order. */
export function detect(fragment: Fragment, compiled: CompiledRules): Finding[] {
  const { text } = fragment;
  const candidates = dedupe(findCandidates(text, fragment.utf8, compiled));
  if (candidates.length === 0) return [];
  const spans = locate(
    text,
    candidates.map((c) => [c.start, c.end]),
  );
  const firstLine = fragment.startLine ?? 1;
  return candidates.map((c, i): Finding => {
    const span = spans[i] as { startLine: number; startColumn: number; endLine: number; endColumn: number };
    const { rule } = c.rule;
    return {
      ruleId: rule.id,
      title: rule.title,
      provider: rule.provider,
      severity: rule.severity,
      secret: c.secret,
      redacted: redact(c.secret),
      fingerprint: fingerprint(rule.id, c.secret),
      entropy: Math.round(c.entropy * 100) / 100,
      location: {
        path: fragment.path,
        startLine: span.startLine + firstLine - 1,
        startColumn: span.startColumn,
        endLine: span.endLine + firstLine - 1,
        endColumn: span.endColumn,
        ...(fragment.commit ? { commit: fragment.commit } : {}),
        ...(fragment.layer ? { layer: fragment.layer } : {}),
      },
    };
  });
}
