import { formatScope } from '../ledger.js';
import type { LedgerEntry } from '../ledger.js';
import type { CiSecret } from '../types.js';
import { code } from './common.js';

/**
 * What the CI secrets say about a generated rotation the ledger records. A ledger change of a generated
 * item reaches the default branch only by merging it, so an entry there was merged: its `<NAME>_NEXT`
 * should be gone (promoted). `undefined` when nothing contradicts the ledger.
 */
export function promotionNote(
  entry: LedgerEntry,
  secrets: readonly CiSecret[],
  ledgerPath: string,
): string | undefined {
  const nextName = `${entry.name}_NEXT`;
  const next = secrets.find(
    (s) =>
      s.name === nextName && (entry.scope === undefined || formatScope(entry.scope) === formatScope(s.scope)),
  );
  const subject = `${ledgerPath}: ${entry.id} (${entry.name})`;
  // Older versions wrote `staged` into the rotation change itself; once NAME_NEXT is gone it was promoted.
  if (entry.status === 'staged' && !next)
    return (
      `${subject} is ${code('status: staged')}, but ${code(nextName)} no longer exists: it was promoted; ` +
      `set ${code('status: active')}`
    );
  // A NEXT written no later than the recorded staging day is the merged one: the merge did not promote it.
  // GitLab lists no timestamps, so there a leftover cannot be told from a newer rotation still open.
  if (
    entry.status === 'active' &&
    entry.stagedOn !== undefined &&
    next?.updatedAt !== undefined &&
    next.updatedAt.slice(0, 10) <= entry.stagedOn.slice(0, 10)
  )
    return (
      `${subject} records a rotation staged on ${entry.stagedOn}, but that ${code(nextName)} still exists: ` +
      'the merge did not promote it; run the rotate action with mode: promote or rotate it again'
    );
  return undefined;
}
