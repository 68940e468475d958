/** Ordered from most to least severe; reports and `--fail-on` compare by this order. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface RuleExamples {
  /** Snippets in which the rule must report at least one finding. Fabricated values only. */
  positive: string[];
  /** Look-alikes the rule must not report (placeholders, wrong checksum, wrong length...). */
  negative: string[];
  /** The file the examples are scanned as; needed by rules scoped with `paths`. */
  path?: string;
}

export interface RuleWindow {
  /** Characters searched before a keyword occurrence. */
  before: number;
  /** Characters searched after a keyword occurrence. */
  after: number;
  /** Multi-line secrets (PEM blocks, JSON key files) may cross line ends; others stop at them. */
  multiline?: boolean;
}

export interface Rule {
  /** Stable kebab-case id, provider first: `github-pat-fine-grained`. Used in baselines and SARIF. */
  id: string;
  /** Human name of what was found: `GitHub fine-grained personal access token`. */
  title: string;
  /** Who issued the secret (and where it must be revoked): `GitHub`. */
  provider: string;
  severity: Severity;
  /**
   * Lower-case literals; the rule runs only near an occurrence of one of them (case-insensitive).
   * Pick the most specific literal that every real secret's surrounding text contains (a token
   * prefix such as `ghp_`, a host name, a config key).
   */
  keywords: string[];
  /**
   * The match. A named group `secret` marks the value (otherwise the whole match is the secret).
   * Flags `i`, `m`, `s` are kept; the engine adds `g`. Must run in linear time: bounded repeats,
   * no nested quantifiers over overlapping classes.
   */
  pattern: RegExp;
  /**
   * Only files whose path matches run this rule. With no keywords, the rule runs over the whole
   * file: for files whose name says what they hold (Rails' `master.key`, `.pgpass`).
   */
  paths?: RegExp;
  /** Search window around each keyword occurrence; defaults to DEFAULT_WINDOW. */
  window?: RuleWindow;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /** Structural check (checksum, JWT shape, PEM body). Returning false rejects the candidate. */
  validate?: (secret: string, match: RegExpExecArray) => boolean;
  /**
   * Placeholder/example suppression is on by default; rules whose secrets are self-validating
   * (checksummed) can opt out of the heuristics that could hide real values.
   */
  suppress?: 'all' | 'none';
  /** One sentence: how to revoke/rotate at the provider. */
  remediation?: string;
  /** Provider documentation for the token format or revocation. */
  docs?: string;
  examples: RuleExamples;
}

/** A piece of text to scan with its provenance; sources yield these. */
export interface Fragment {
  text: string;
  /** Repo-relative (or image-relative) path with `/` separators. */
  path: string;
  /** Line number of the fragment's first line within the file (1-based). Defaults to 1. */
  startLine?: number;
  /** The exact UTF-8 encoding of `text`, when the source has it (saves re-encoding). */
  utf8?: Uint8Array;
  commit?: CommitInfo;
  layer?: LayerInfo;
}

export interface CommitInfo {
  sha: string;
  author?: string;
  email?: string;
  date?: string;
  message?: string;
}

export interface LayerInfo {
  imageDigest?: string;
  digest: string;
  index: number;
  removedBy?: string;
}

export interface Location {
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  commit?: CommitInfo;
  layer?: LayerInfo;
  /**
   * Git scans: whether the secret is still in the head version of this path. `false` = removed since,
   * but still in history for anyone with a clone: it must be rotated all the same.
   */
  presentAtHead?: boolean;
  /** Git scans: the blob the secret was found in. */
  blob?: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  provider: string;
  severity: Severity;
  /** The raw value. Never rendered: reports use `redacted`; CI adapters register it for masking. */
  secret: string;
  /** First characters and length only, e.g. `ghp_…(40 chars)`. */
  redacted: string;
  /** hash(rule id, secret): stable across line moves and files. */
  fingerprint: string;
  location: Location;
  entropy: number;
}

/** Something a source could not scan (too large, binary, unreadable...). Counted, never dropped. */
export interface Skipped {
  path: string;
  reason:
    | 'too-large'
    | 'binary'
    | 'unreadable'
    | 'symlink-outside-root'
    | 'symlink-loop'
    | 'vanished'
    | 'not-regular';
  detail?: string;
}

export type RuleInfo = Pick<Rule, 'id' | 'title' | 'provider' | 'severity' | 'remediation' | 'docs'>;

export interface BaselineEntry {
  fingerprint: string;
  ruleId?: string;
  path?: string;
  reason: string;
  /** ISO date (`2027-01-31`); after it the entry no longer suppresses anything. */
  expires?: string;
}

/** Everything a report needs besides the findings. */
export interface ScanMeta {
  tool: { name: string; version: string; informationUri: string };
  target: { kind: 'dir' | 'git' | 'image'; root: string };
  startedAt: Date;
  finishedAt: Date;
  /** `files` counts distinct blobs for git scans; `cached` = content skipped as known clean. */
  stats: { files: number; bytes: number; findings: number; suppressed: number; cached?: number };
  skipped: Skipped[];
  /** Metadata of every rule that was enabled, so reports can describe rules that fired. */
  rules: RuleInfo[];
  baseline?: { path: string; matched: number; stale: BaselineEntry[]; expired: BaselineEntry[] };
  /** Git scans: how many commits were covered, and the resolved range for `--range`. */
  git?: { commits: number; staged?: boolean; range?: { base: string; head: string; mergeBase?: string } };
  /** Problems that did not stop the scan (each also counted in `skipped` where a file was lost). */
  warnings: string[];
  /** True when the scan covered everything it was asked to; false makes the CLI exit 2. */
  complete: boolean;
}
