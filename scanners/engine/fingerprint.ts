import { createHash } from 'node:crypto';

/**
 * hash(rule, secret): identical for the same secret wherever it moves, different per rule so a
 * baseline entry for one rule never hides another rule's finding.
 */
export function fingerprint(ruleId: string, secret: string): string {
  return createHash('sha256').update(ruleId).update('\0').update(secret).digest('hex').slice(0, 32);
}

/** SHA-256 of a secret value, the form used by `allow.values` in `.keyless.yml`. */
export function valueHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
