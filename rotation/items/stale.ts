import type { Age } from '../age.js';
import { formatScope, LEDGER_PATH } from '../ledger.js';
import type { LedgerEntry } from '../ledger.js';
import type { LedgerChange } from '../ledger-write.js';
import type { RotationItem } from '../types.js';
import { code, isoDate, labelsFor, list, slug } from './common.js';

export interface StaleDraft {
  item: RotationItem;
  ledger: LedgerChange;
}

/** A secret past its maximum age: a checklist, and the ledger's rotation date to merge once done. */
export function staleDraft(
  entry: LedgerEntry,
  age: Age,
  now: Date,
  isNew: boolean,
  ledgerPath = LEDGER_PATH,
): StaleDraft {
  const id = `stale-${slug(entry.id, 50)}`;
  const where = entry.scope ? ` (${formatScope(entry.scope)})` : '';
  const ageText =
    age.days === undefined
      ? 'of unknown age (neither the platform nor the ledger says when it was last rotated)'
      : `${age.days} days old (last rotated ${isoDate(age.since as Date)}, according to the ${age.source === 'platform' ? 'platform' : 'ledger'})`;
  const store =
    entry.store === 'github-secret'
      ? 'GitHub Actions secret'
      : entry.store === 'gitlab-variable'
        ? 'GitLab CI/CD variable'
        : entry.store;
  const steps = entry.rotation?.steps ?? [];
  const body = [
    `## ${code(entry.name)} is due for rotation`,
    '',
    `The ${store} ${code(entry.name)}${where} is ${ageText}; its maximum age is ${age.maxAgeDays} days.` +
      (entry.owner ? ` Owner: ${entry.owner}.` : ''),
    '',
    '### Checklist',
    '',
    list([
      ...(steps.length > 0
        ? steps.map((s) => `[ ] ${s}`)
        : [
            '[ ] create a new value where the secret is issued' +
              (entry.rotation?.provider ? ` (${entry.rotation.provider})` : ''),
          ]),
      entry.store === 'external'
        ? `[ ] update every place that holds ${code(entry.name)}`
        : `[ ] update ${code(entry.name)}${where} in the CI secret store (and any other place that holds it)`,
      '[ ] check that the jobs and services using it still work',
      '[ ] revoke the old value at the issuer',
      `[ ] merge this change: it records ${isoDate(now)} as the last rotation in ${code(ledgerPath)} (edit the date if you rotate later)`,
    ]),
    ...(isNew
      ? [
          '',
          `This secret was not in the ledger yet: this change adds it with the default maximum age. Set its owner there.`,
        ]
      : []),
  ].join('\n');
  return {
    item: {
      id,
      kind: 'stale',
      title: `Rotate ${entry.name}${where}: ${age.days === undefined ? 'age unknown' : `${age.days} days old`}`,
      body,
      files: [],
      labels: labelsFor('stale'),
    },
    ledger: {
      entry: isNew
        ? { ...entry, lastRotated: isoDate(now) }
        : { id: entry.id, lastRotated: isoDate(now), status: 'active' },
    },
  };
}
