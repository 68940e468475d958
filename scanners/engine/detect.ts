import { shannonEntropy } from './entropy.js';
import { fingerprint, valueHash } from './fingerprint.js';
import { buildAutomaton, scanKeywordBytes, type KeywordAutomaton, type KeywordHits } from './prefilter.js';
import { isPlaceholder, isPublicShape, isReference } from './suppress.js';
import { redact } from '../reports/redact.js';
import { SEVERITIES, type Finding, type Fragment, type Rule, type RuleWindow } from './types.js';
import { locate } from './locate.js';
import { requiredCharacters, withStartHint } from './start-hint.js';
import { keywordWindows, planWindows, type FollowOf, type WindowPlan } from './windows.js';
import { keywordAnchors } from './anchor.js';

export const DEFAULT_WINDOW: RuleWindow = { before: 120, after: 400 };
const INLINE_ALLOW = 'keyless:allow';

interface CompiledRule {
  rule: Rule;
  regex: RegExp;
  window: RuleWindow;
  /** Context-only rules lose to provider rules on overlap and get the public-shape suppression. */
  generic: boolean;
  /** `rule.paths` without `g`/`y`, whose `lastIndex` would make `test` stateful. */
  paths: RegExp | undefined;
  /**
   * Characters every match contains: a window without one of them cannot match. Worked out on the
   * rule's first window (most rules never get one).
   */
  required?: string[];
  /** For anchored rules (windows.ts): the pattern, tried only where a keyword begins. */
  sticky?: RegExp;
}

export interface CompiledRules {
  rules: CompiledRule[];
  automaton: KeywordAutomaton;
  /** keyword id -> indices into `rules` */
  keywordRules: number[][];
  /** The same, per automaton state, for the per-hit loop. */
  plan: WindowPlan;
  /** Rules without keywords, run over whole files whose path they match. */
  pathOnlyRules: number[];
  allowedValueHashes: ReadonlySet<string>;
}

export interface CompileOptions {
  allowedValueHashes?: Iterable<string>;
  /**
   * Try anchored rules' patterns only where their keywords begin (anchor.ts); on by default. Off,
   * every rule searches windows: the reference the tests hold the shortcut to.
   */
  anchor?: boolean;
}

export function compileRules(rules: Rule[], options: CompileOptions = {}): CompiledRules {
  const keywordIds = new Map<string, number>();
  const keywordRules: number[][] = [];
  const pathOnlyRules: number[] = [];
  const compiled = rules.map((rule, index): CompiledRule => {
    if (rule.keywords.length === 0) {
      if (!rule.paths) throw new Error(`rule ${rule.id} has neither keywords nor paths`);
      pathOnlyRules.push(index);
    }
    for (const keyword of new Set(rule.keywords.map((k) => k.toLowerCase()))) {
      let id = keywordIds.get(keyword);
      if (id === undefined) {
        id = keywordRules.length;
        keywordIds.set(keyword, id);
        keywordRules.push([]);
      }
      keywordRules[id]?.push(index);
    }
    const flags = rule.pattern.flags.replace(/[gyd]/g, '');
    return {
      rule,
      // Same matches; the hint lets V8 skip to where a match can start (see start-hint.ts).
      regex: new RegExp(withStartHint(rule.pattern.source, flags), `${flags}g`),
      window: rule.window ?? DEFAULT_WINDOW,
      generic: rule.id.startsWith('generic-') || rule.provider === 'custom',
      paths: rule.paths ? new RegExp(rule.paths.source, rule.paths.flags.replace(/[gy]/g, '')) : undefined,
    };
  });
  const keywords = [...keywordIds.keys()];
  const automaton = buildAutomaton(keywords);
  // Worked out on a rule's first hit: most rules never get one.
  const followOf: FollowOf = (index) => {
    const rule = compiled[index]?.rule;
    if (!rule || options.anchor === false) return undefined;
    const lower = [...new Set(rule.keywords.map((k) => k.toLowerCase()))];
    const tables = keywordAnchors(rule.pattern.source, rule.pattern.flags.replace(/[gyd]/g, ''), lower);
    return tables && ((id) => tables.get(keywords[id] as string) as Uint8Array);
  };
  return {
    rules: compiled,
    automaton,
    keywordRules,
    plan: planWindows(
      automaton,
      keywordRules,
      compiled.map((c) => c.window),
      followOf,
    ),
    pathOnlyRules,
    allowedValueHashes: new Set(options.allowedValueHashes ?? []),
  };
}

/**
 * Keyword windows of the rules that apply to `path`, then whole-file windows of path-only rules,
 * as [rule index, windows] in the order the rules are run.
 */
function windowsFor(
  text: string,
  hits: KeywordHits,
  path: string,
  compiled: CompiledRules,
): [number, number[]][] {
  const applies = (index: number): boolean => {
    const paths = compiled.rules[index]?.paths;
    return !paths || paths.test(path);
  };
  const { order, lists } = keywordWindows(text, hits, compiled.plan, applies);
  const windows = order.map((index): [number, number[]] => [index, lists[index] as number[]]);
  for (const index of compiled.pathOnlyRules) {
    if (compiled.rules[index]?.paths?.test(path)) windows.push([index, [0, text.length]]);
  }
  return windows;
}

interface Candidate {
  rule: CompiledRule;
  start: number;
  end: number;
  secret: string;
}

/** The candidate's line, cut to 300 characters each side: bounded work even on minified files. */
function lineAround(text: string, index: number): string {
  const reach = 300;
  let from = Math.max(0, index - reach);
  for (let j = index - 1; j >= from; j--) {
    if (text.charCodeAt(j) === 10) {
      from = j + 1;
      break;
    }
  }
  let to = Math.min(text.length, index + reach);
  for (let j = index; j < to; j++) {
    if (text.charCodeAt(j) === 10) {
      to = j;
      break;
    }
  }
  return text.slice(from, to);
}

/** Checks that depend only on the value; cached per rule and value within one detect() call. */
function acceptValue(rule: CompiledRule, secret: string, compiled: CompiledRules): boolean {
  const { minEntropy, suppress } = rule.rule;
  if (minEntropy !== undefined && shannonEntropy(secret) < minEntropy) return false;
  if (suppress !== 'none' && (isPlaceholder(secret) || isReference(secret))) return false;
  return !(compiled.allowedValueHashes.size > 0 && compiled.allowedValueHashes.has(valueHash(secret)));
}

/** Checks that depend on where the value sits. */
function acceptContext(rule: CompiledRule, secret: string, start: number, text: string): boolean {
  const line = lineAround(text, start);
  if (line.includes(INLINE_ALLOW)) return false;
  return !(rule.generic && rule.rule.suppress !== 'none' && isPublicShape(secret, line));
}

/** A match of `rule` in `slice` (which begins at `from` in `text`): a candidate, unless a check rejects it. */
function judge(
  compiledRule: CompiledRule,
  match: RegExpExecArray,
  from: number,
  text: string,
  verdicts: Map<string, boolean>,
  compiled: CompiledRules,
): Candidate | undefined {
  const { rule } = compiledRule;
  const secret = match.groups?.['secret'] ?? match[0];
  if (!secret) return undefined;
  const offsetInMatch = match.groups?.['secret'] !== undefined ? match[0].indexOf(secret) : 0;
  const start = from + match.index + Math.max(0, offsetInMatch);
  if (rule.validate && !rule.validate(secret, match)) return undefined;
  let valueOk = verdicts.get(secret);
  if (valueOk === undefined) verdicts.set(secret, (valueOk = acceptValue(compiledRule, secret, compiled)));
  if (!valueOk || !acceptContext(compiledRule, secret, start, text)) return undefined;
  return { rule: compiledRule, start, end: start + secret.length, secret };
}

/**
 * An anchored rule's matches: the pattern is tried at each hit (sorted by where the keyword begins),
 * within the hit's window, and like a search it does not look again inside a match it found.
 */
function anchoredCandidates(
  compiledRule: CompiledRule,
  list: number[],
  text: string,
  compiled: CompiledRules,
  candidates: Candidate[],
): void {
  const { rule } = compiledRule;
  const sticky = (compiledRule.sticky ??= new RegExp(
    rule.pattern.source,
    `${rule.pattern.flags.replace(/[gyd]/g, '')}y`,
  ));
  // Hits come in order of where the keyword ends; keywords of different lengths can swap them.
  let sorted = list;
  for (let t = 3; t < list.length; t += 3) {
    if ((list[t] as number) < (list[t - 3] as number)) {
      const triples = Array.from({ length: list.length / 3 }, (_, k) => list.slice(3 * k, 3 * k + 3));
      sorted = triples.sort((a, b) => (a[0] as number) - (b[0] as number)).flat();
      break;
    }
  }
  const verdicts = new Map<string, boolean>();
  let done = -1;
  let tried = -1;
  let from = -1;
  let to = -1;
  let slice = '';
  for (let t = 0; t < sorted.length; t += 3) {
    const hit = sorted[t] as number;
    if (hit < done || hit === tried) continue;
    tried = hit;
    if (sorted[t + 1] !== from || sorted[t + 2] !== to) {
      from = sorted[t + 1] as number;
      to = sorted[t + 2] as number;
      slice = text.slice(from, to);
    }
    sticky.lastIndex = hit - from;
    const match = sticky.exec(slice);
    if (match === null) continue;
    done = hit + match[0].length;
    const candidate = judge(compiledRule, match, from, text, verdicts, compiled);
    if (candidate) candidates.push(candidate);
  }
}

function findCandidates(text: string, hits: KeywordHits, path: string, compiled: CompiledRules): Candidate[] {
  const candidates: Candidate[] = [];
  for (const [ruleIndex, list] of windowsFor(text, hits, path, compiled)) {
    const compiledRule = compiled.rules[ruleIndex] as CompiledRule;
    if (compiled.plan.anchored[ruleIndex] === 1) {
      anchoredCandidates(compiledRule, list, text, compiled, candidates);
      continue;
    }
    const { regex, rule } = compiledRule;
    // Repeated values (lock files, generated code, adversarial input) are judged once.
    const verdicts = new Map<string, boolean>();
    const required = (compiledRule.required ??= requiredCharacters(
      rule.pattern.source,
      rule.pattern.flags.replace(/[gyd]/g, ''),
    ));
    // Where each required character was last seen to occur next: a window is searched (only
    // within itself) for a character not already known to lie inside it.
    const next = required.map(() => -1);
    windows: for (let w = 0; w < list.length; w += 2) {
      const from = list[w] as number;
      const to = list[w + 1] as number;
      const slice = text.slice(from, to);
      for (let k = 0; k < required.length; k++) {
        if ((next[k] as number) < from) {
          const at = slice.indexOf(required[k] as string);
          next[k] = at === -1 ? to : from + at;
        }
        if ((next[k] as number) >= to) continue windows;
      }
      regex.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = regex.exec(slice)) !== null) {
        if (match[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        const candidate = judge(compiledRule, match, from, text, verdicts, compiled);
        if (candidate) candidates.push(candidate);
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
  const bytes = fragment.utf8 ?? Buffer.from(fragment.text, 'utf8');
  return detectHits(fragment, scanKeywordBytes(compiled.automaton, bytes), compiled);
}

/** A fragment whose text is still UTF-8 bytes. */
export type Utf8Fragment = Omit<Fragment, 'text' | 'utf8'>;

const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * `detect` for text held as UTF-8 bytes (without a BOM), decoded leniently (invalid sequences
 * become U+FFFD) only when it is needed: the keywords are looked for in the bytes, and text
 * where none occurs (and no path-only rule applies) is never decoded. Same findings as
 * `detect({ ...fragment, text: decoded, utf8: bytes })`.
 */
export function detectUtf8(bytes: Uint8Array, fragment: Utf8Fragment, compiled: CompiledRules): Finding[] {
  const hits = scanKeywordBytes(compiled.automaton, bytes);
  if (
    hits.count === 0 &&
    !compiled.pathOnlyRules.some((i) => compiled.rules[i]?.paths?.test(fragment.path))
  ) {
    return [];
  }
  // ASCII decodes the same in Latin-1, which is the cheaper decoder.
  const text = hits.ascii
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    : lenientUtf8.decode(bytes);
  return detectHits({ ...fragment, text }, hits, compiled);
}

function detectHits(fragment: Fragment, hits: KeywordHits, compiled: CompiledRules): Finding[] {
  const { text } = fragment;
  const candidates = dedupe(findCandidates(text, hits, fragment.path, compiled));
  if (candidates.length === 0) return [];
  const spans = locate(
    text,
    candidates.map((c) => [c.start, c.end]),
  );
  const firstLine = fragment.startLine ?? 1;
  const derived = new Map<string, { redacted: string; fingerprint: string; entropy: number }>();
  return candidates.map((c, i): Finding => {
    const span = spans[i] as { startLine: number; startColumn: number; endLine: number; endColumn: number };
    const { rule } = c.rule;
    const key = `${rule.id}\0${c.secret}`;
    let values = derived.get(key);
    if (!values) {
      values = {
        redacted: redact(c.secret),
        fingerprint: fingerprint(rule.id, c.secret),
        entropy: Math.round(shannonEntropy(c.secret) * 100) / 100,
      };
      derived.set(key, values);
    }
    return {
      ruleId: rule.id,
      title: rule.title,
      provider: rule.provider,
      severity: rule.severity,
      secret: c.secret,
      ...values,
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
