/*
 * `.keyless.yml` — the repository's scanner configuration (version 1). Full description with examples
 * in docs/configuration.md.
 *
 *   version: 1                                # required
 *   paths:
 *     skip: ["vendor/**", "**\/*.min.js"]     # picomatch globs on repo-relative paths (dot files match);
 *                                             # a glob matching a directory skips everything below it
 *   rules:
 *     disable: [generic-password]             # built-in (or custom) rule ids
 *     custom:
 *       - id: acme-internal-token             # kebab-case, unique, not a built-in id
 *         title: ACME internal token
 *         severity: high                      # critical | high | medium | low
 *         keywords: [acme_]                   # lower-case literals (3+ chars), at least one
 *         pattern: 'acme_(?<secret>[a-z0-9]{32})'   # JS regex source; group `secret` marks the value
 *         flags: i                            # optional, any of i, m, s
 *         entropy: 3.5                        # optional minimum Shannon entropy (bits/char, 0-8]
 *         multiline: false                    # optional; true lets matches cross line ends
 *   allow:
 *     values:                                 # values never reported, by SHA-256 (hex) of the value
 *       - sha256: 3f5a...                     # 64 hex chars: `printf %s "$VALUE" | sha256sum`
 *         reason: published test key of the vendor   # required
 *
 * Every key is checked: unknown keys are errors, because a typo must not silently disable protection.
 */
import { SEVERITIES, type Severity } from '../engine/types.js';
import type { FieldReader, FieldRef, SourcePosition } from './yaml-fields.js';
import picomatch from 'picomatch';

export interface CustomRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  keywords: string[];
  /** RegExp source. */
  pattern: string;
  /** Any of `i`, `m`, `s`. */
  flags?: string;
  entropy?: number;
  multiline?: boolean;
}

/** Validated configuration. Plain data only: it is structured-cloned to worker threads. */
export interface KeylessConfig {
  skipPaths: string[];
  disabledRules: string[];
  customRules: CustomRuleSpec[];
  /** Lower-case SHA-256 hex digests of values that are never reported. */
  allowedValueHashes: string[];
  /** Where the config came from, so checks done later (buildRules) can still name a line. */
  origin?: { file: string; positions: Record<string, SourcePosition> };
}

export const CONFIG_VERSION = 1;
export const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MIN_KEYWORD_LENGTH = 3;
const ALLOWED_FLAGS = new Set(['i', 'm', 's']);
const SHA256_HEX = /^[0-9a-f]{64}$/i;

export function emptyConfig(): KeylessConfig {
  return { skipPaths: [], disabledRules: [], customRules: [], allowedValueHashes: [] };
}

/** Syntax of a glob as picomatch will read it; undefined when fine. */
export function globProblem(glob: string): string | undefined {
  try {
    picomatch(glob, { dot: true, strictBrackets: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Why a custom rule's regex cannot be used; undefined when fine. */
export function patternProblem(pattern: string, flags: string | undefined): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags ?? '');
  } catch (error) {
    return (error as Error).message;
  }
  // An empty match would make an empty "secret" at every keyword hit.
  if (regex.test('')) return 'the pattern matches the empty string; it must require at least one character';
  return undefined;
}

export function flagsProblem(flags: string): string | undefined {
  const seen = new Set<string>();
  for (const flag of flags) {
    if (!ALLOWED_FLAGS.has(flag)) return `unsupported flag "${flag}"; only i, m and s are allowed`;
    if (seen.has(flag)) return `flag "${flag}" is repeated`;
    seen.add(flag);
  }
  return undefined;
}

function readVersion(reader: FieldReader, ref: FieldRef | undefined): void {
  if (ref === undefined) return;
  const version = reader.number(ref);
  if (version !== undefined && version !== CONFIG_VERSION) {
    reader.fail(ref, `unsupported version ${version}; this Keyless reads version ${CONFIG_VERSION}`);
  }
}

function readStrings(
  reader: FieldReader,
  ref: FieldRef | undefined,
): Array<{ value: string; ref: FieldRef }> {
  return stringItems(reader, ref === undefined ? [] : (reader.list(ref) ?? []));
}

function stringItems(reader: FieldReader, items: FieldRef[]): Array<{ value: string; ref: FieldRef }> {
  const out: Array<{ value: string; ref: FieldRef }> = [];
  for (const item of items) {
    const value = reader.string(item, { nonEmpty: true });
    if (value !== undefined) out.push({ value, ref: item });
  }
  return out;
}

function readSkip(reader: FieldReader, ref: FieldRef | undefined): string[] {
  const globs: string[] = [];
  for (const { value, ref: item } of readStrings(reader, ref)) {
    const problem = globProblem(value);
    if (problem !== undefined) reader.fail(item, `invalid glob: ${problem}`);
    else globs.push(value);
  }
  return globs;
}

function readKeywords(reader: FieldReader, ref: FieldRef | undefined): string[] {
  if (ref === undefined) return [];
  const list = reader.list(ref);
  if (list?.length === 0) reader.fail(ref, 'at least one keyword is required');
  const keywords: string[] = [];
  for (const { value, ref: item } of stringItems(reader, list ?? [])) {
    if (value !== value.toLowerCase()) {
      reader.fail(
        item,
        `keywords must be lower-case (matching ignores case): write "${value.toLowerCase()}"`,
      );
    } else if (value.length < MIN_KEYWORD_LENGTH) {
      reader.fail(item, `keywords need at least ${MIN_KEYWORD_LENGTH} characters to be selective`);
    } else if (!keywords.includes(value)) {
      keywords.push(value);
    }
  }
  return keywords;
}

const CUSTOM_KEYS = [
  'id',
  'title',
  'severity',
  'keywords',
  'pattern',
  'flags',
  'entropy',
  'multiline',
] as const;
const CUSTOM_REQUIRED = ['id', 'title', 'severity', 'keywords', 'pattern'] as const;

function readCustomRule(
  reader: FieldReader,
  ref: FieldRef,
  seenIds: Map<string, FieldRef>,
): CustomRuleSpec | undefined {
  const fields = reader.map(ref, CUSTOM_KEYS, CUSTOM_REQUIRED);
  if (fields === undefined) return undefined;
  const before = reader.issues.length;
  const field = (key: (typeof CUSTOM_KEYS)[number]): FieldRef | undefined => fields.get(key);

  const idRef = field('id');
  const id = idRef && reader.string(idRef, { nonEmpty: true });
  if (idRef && id !== undefined) {
    const first = seenIds.get(id);
    if (!RULE_ID.test(id))
      reader.fail(idRef, `rule ids are kebab-case (lower-case letters, digits, "-"), got "${id}"`);
    else if (first !== undefined) {
      reader.fail(idRef, `duplicate rule id "${id}" (first defined on line ${reader.position(first).line})`);
    } else seenIds.set(id, idRef);
  }
  const titleRef = field('title');
  const title = titleRef && reader.string(titleRef, { nonEmpty: true });
  const severityRef = field('severity');
  const severity = severityRef && reader.string(severityRef);
  if (severityRef && severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity)) {
    reader.fail(severityRef, `expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(severity)}`);
  }
  const keywords = readKeywords(reader, field('keywords'));

  const flagsRef = field('flags');
  const flags = flagsRef && reader.string(flagsRef);
  const flagError = flags === undefined ? undefined : flagsProblem(flags);
  if (flagsRef && flagError !== undefined) reader.fail(flagsRef, flagError);
  const patternRef = field('pattern');
  const pattern = patternRef && reader.string(patternRef, { nonEmpty: true });
  if (patternRef && pattern !== undefined && flagError === undefined) {
    const problem = patternProblem(pattern, flags);
    if (problem !== undefined) reader.fail(patternRef, problem);
  }

  const entropyRef = field('entropy');
  const entropy = entropyRef && reader.number(entropyRef);
  if (entropyRef && entropy !== undefined && !(entropy > 0 && entropy <= 8)) {
    reader.fail(
      entropyRef,
      `entropy is in bits per character: expected a number above 0 and at most 8, got ${entropy}`,
    );
  }
  const multilineRef = field('multiline');
  const multiline = multilineRef && reader.boolean(multilineRef);

  if (reader.issues.length > before) return undefined;
  if (id === undefined || title === undefined || pattern === undefined) return undefined;
  const spec: CustomRuleSpec = { id, title, severity: severity as Severity, keywords, pattern };
  if (flags !== undefined && flags !== '') spec.flags = flags;
  if (entropy !== undefined) spec.entropy = entropy;
  if (multiline !== undefined) spec.multiline = multiline;
  return spec;
}

function readAllowedValues(reader: FieldReader, ref: FieldRef | undefined): string[] {
  if (ref === undefined) return [];
  const hashes: string[] = [];
  for (const item of reader.list(ref) ?? []) {
    const fields = reader.map(item, ['sha256', 'reason'], ['sha256', 'reason']);
    if (fields === undefined) continue;
    const reasonRef = fields.get('reason');
    if (reasonRef) reader.string(reasonRef, { nonEmpty: true });
    const hashRef = fields.get('sha256');
    const hash = hashRef && reader.string(hashRef);
    if (!hashRef || hash === undefined) continue;
    // The value itself is never echoed: whoever got this wrong may have pasted the secret.
    if (!SHA256_HEX.test(hash)) {
      reader.fail(
        hashRef,
        `expected the SHA-256 hex digest (64 hex characters) of the allowed value, not the value itself; got ${hash.length} characters`,
      );
    } else if (!hashes.includes(hash.toLowerCase())) {
      hashes.push(hash.toLowerCase());
    }
  }
  return hashes;
}

/** Validates a parsed `.keyless.yml`; throws ConfigError listing every problem found. */
export function readConfig(reader: FieldReader): KeylessConfig {
  const rootRef = reader.root();
  const root = reader.isEmpty(rootRef)
    ? reader.fail(
        rootRef,
        `the file is empty; expected a mapping that starts with "version: ${CONFIG_VERSION}"`,
      )
    : reader.map(rootRef, ['version', 'paths', 'rules', 'allow'], ['version']);
  const config = emptyConfig();
  if (root !== undefined) {
    readVersion(reader, root.get('version'));
    // An optional section left empty (`paths:`) means "nothing configured", not an error.
    const opt = (ref: FieldRef | undefined): FieldRef | undefined =>
      ref && reader.isEmpty(ref) ? undefined : ref;
    const pathsRef = opt(root.get('paths'));
    const paths = pathsRef && reader.map(pathsRef, ['skip']);
    config.skipPaths = readSkip(reader, opt(paths?.get('skip')));

    const rulesRef = opt(root.get('rules'));
    const rules = rulesRef && reader.map(rulesRef, ['disable', 'custom']);
    config.disabledRules = [...new Set(readStrings(reader, opt(rules?.get('disable'))).map((s) => s.value))];
    const customRef = opt(rules?.get('custom'));
    const seenIds = new Map<string, FieldRef>();
    for (const item of (customRef && reader.list(customRef)) ?? []) {
      const spec = readCustomRule(reader, item, seenIds);
      if (spec !== undefined) config.customRules.push(spec);
    }

    const allowRef = opt(root.get('allow'));
    const allow = allowRef && reader.map(allowRef, ['values']);
    config.allowedValueHashes = readAllowedValues(reader, opt(allow?.get('values')));
  }
  reader.throwIfIssues();
  config.origin = { file: reader.file, positions: reader.positions };
  return config;
}
