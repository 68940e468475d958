import { createHash } from 'node:crypto';

import { DEFAULT_WINDOW } from '../engine/detect.js';
import type { Rule } from '../engine/types.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { flagsProblem, patternProblem, RULE_ID, type CustomRuleSpec, type KeylessConfig } from './schema.js';
import { didYouMean } from './suggest.js';

/** SHA-256 hex of a value, as written under `allow.values[].sha256` (UTF-8, no trailing newline). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function issueAt(config: KeylessConfig, path: string, message: string): ConfigIssue {
  const issue: ConfigIssue = { file: config.origin?.file ?? 'configuration', path, message };
  const position = config.origin?.positions[path];
  if (position !== undefined) {
    issue.line = position.line;
    issue.column = position.column;
  }
  return issue;
}

export function customRuleToRule(spec: CustomRuleSpec): Rule {
  const rule: Rule = {
    id: spec.id,
    title: spec.title,
    provider: 'custom',
    severity: spec.severity,
    keywords: [...spec.keywords],
    pattern: new RegExp(spec.pattern, spec.flags ?? ''),
    examples: { positive: [], negative: [] },
  };
  if (spec.entropy !== undefined) rule.minEntropy = spec.entropy;
  if (spec.multiline === true) rule.window = { ...DEFAULT_WINDOW, multiline: true };
  return rule;
}

/** Checks a custom rule that may not have come through parseConfig (built in code, or from a worker message). */
function customRuleProblems(config: KeylessConfig, spec: CustomRuleSpec, index: number): ConfigIssue[] {
  const at = (field: string, message: string): ConfigIssue =>
    issueAt(config, `rules.custom[${index}].${field}`, message);
  const issues: ConfigIssue[] = [];
  if (!RULE_ID.test(spec.id)) issues.push(at('id', `rule ids are kebab-case, got "${spec.id}"`));
  if (spec.keywords.length === 0) issues.push(at('keywords', 'at least one keyword is required'));
  for (const keyword of spec.keywords) {
    if (keyword !== keyword.toLowerCase())
      issues.push(at('keywords', `keyword "${keyword}" must be lower-case`));
  }
  const flagError = spec.flags === undefined ? undefined : flagsProblem(spec.flags);
  if (flagError !== undefined) issues.push(at('flags', flagError));
  const problem = flagError === undefined ? patternProblem(spec.pattern, spec.flags) : undefined;
  if (problem !== undefined) issues.push(at('pattern', problem));
  return issues;
}

/**
 * The rules a scan runs: built-ins minus `rules.disable`, plus `rules.custom`. Throws ConfigError when a
 * disabled id names no rule (a typo would leave the rule on while the author believes it off — or, for
 * an allowlist-minded author, the reverse), or a custom id collides with another rule.
 */
export function buildRules(builtin: Rule[], config: KeylessConfig): Rule[] {
  const issues: ConfigIssue[] = [];
  const builtinIds = new Set(builtin.map((rule) => rule.id));
  const customIds = new Set<string>();
  config.customRules.forEach((spec, index) => {
    issues.push(...customRuleProblems(config, spec, index));
    const path = `rules.custom[${index}].id`;
    if (builtinIds.has(spec.id)) {
      issues.push(issueAt(config, path, `"${spec.id}" is the id of a built-in rule; choose another id`));
    } else if (customIds.has(spec.id)) {
      issues.push(issueAt(config, path, `duplicate rule id "${spec.id}"`));
    }
    customIds.add(spec.id);
  });
  const known = [...builtinIds, ...customIds];
  config.disabledRules.forEach((id, index) => {
    if (!builtinIds.has(id) && !customIds.has(id)) {
      issues.push(
        issueAt(config, `rules.disable[${index}]`, `unknown rule id "${id}"${didYouMean(id, known)}`),
      );
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);

  const disabled = new Set(config.disabledRules);
  return [
    ...builtin.filter((rule) => !disabled.has(rule.id)),
    ...config.customRules.filter((spec) => !disabled.has(spec.id)).map(customRuleToRule),
  ];
}
