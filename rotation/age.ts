import { durationDays } from './ledger.js';
import type { LedgerEntry } from './ledger.js';
import type { CiSecret } from './types.js';

const DAY_MS = 86_400_000;

export interface Age {
  /** When the secret was last set/rotated, if anyone knows. */
  since?: Date;
  /** `platform` = the CI secret's `updatedAt` (GitHub); `ledger` = `last-rotated`; `unknown` = neither. */
  source: 'platform' | 'ledger' | 'unknown';
  /** Whole days since `since`. */
  days?: number;
  maxAgeDays: number;
  /** Past the maximum age, or of unknown age (which cannot be shown to be fresh). */
  stale: boolean;
}

/**
 * Age of a secret. The platform's timestamp wins where it exists: it is when the value actually changed,
 * while the ledger is what someone wrote down. GitLab variables have no timestamp, so there the ledger
 * is the only source.
 */
export function secretAge(
  entry: Pick<LedgerEntry, 'maxAge' | 'lastRotated'> | undefined,
  secret: Pick<CiSecret, 'updatedAt'> | undefined,
  now: Date,
  defaultMaxAge: string,
): Age {
  const maxAgeDays = durationDays(entry?.maxAge ?? defaultMaxAge);
  if (maxAgeDays === undefined)
    throw new Error(`max-age "${entry?.maxAge ?? defaultMaxAge}" is not a duration such as 90d`);
  const platform = secret?.updatedAt !== undefined ? new Date(secret.updatedAt) : undefined;
  const ledger = entry?.lastRotated !== undefined ? new Date(entry.lastRotated) : undefined;
  const since = platform && !Number.isNaN(platform.getTime()) ? platform : ledger;
  if (since === undefined || Number.isNaN(since.getTime()))
    return { source: 'unknown', maxAgeDays, stale: true };
  const days = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
  return {
    since,
    source: since === platform ? 'platform' : 'ledger',
    days,
    maxAgeDays,
    stale: days > maxAgeDays,
  };
}
