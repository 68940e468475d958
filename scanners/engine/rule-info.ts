import type { Rule, RuleInfo } from './types.js';

/** What reports and rotation bodies say about a rule: its description without the matching machinery. */
export function ruleInfo({ id, title, provider, severity, remediation, docs }: Rule): RuleInfo {
  return {
    id,
    title,
    provider,
    severity,
    ...(remediation ? { remediation } : {}),
    ...(docs ? { docs } : {}),
  };
}
