import { randomBytes } from 'node:crypto';

import { formatScope, LEDGER_PATH } from '../ledger.js';
import type { LedgerEntry } from '../ledger.js';
import type { LedgerChange } from '../ledger-write.js';
import type { RotationItem, SecretScope } from '../types.js';
import { code, isoDate, labelsFor, list, slug } from './common.js';

/** A fresh secret: 32 random bytes, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function generatedItemId(name: string, scope: SecretScope): string {
  const where =
    scope.kind === 'environment'
      ? `-${slug(scope.environment, 20)}`
      : scope.kind === 'group'
        ? `-${slug(scope.group, 20)}`
        : '';
  return `generated-${slug(name, 40)}${where}`;
}

export interface GeneratedDraft {
  item: RotationItem;
  ledger: LedgerChange;
}

/**
 * Two-phase rotation of a secret Keyless can make itself (webhook secrets, internal tokens): the value
 * goes only into `item.secrets`; the publisher stages it as `<NAME>_NEXT` and promotes it on merge.
 */
export function generatedDraft(
  name: string,
  scope: SecretScope,
  existing: LedgerEntry | undefined,
  now: Date,
  store: LedgerEntry['store'],
  ledgerPath = LEDGER_PATH,
): GeneratedDraft {
  const id = generatedItemId(name, scope);
  const next = `${name}_NEXT`;
  const where = formatScope(scope);
  const body = [
    `## Rotate ${code(name)} (${where})`,
    '',
    `Keyless generated a new random value for ${code(name)} (32 bytes, base64url). It is never shown: not here, ` +
      'not in the commit, not in any log. It goes straight to the CI secret store, in two phases so nothing breaks in between.',
    '',
    '### Phase 1 — staged (done by Keyless when this change was opened)',
    '',
    `- [x] the new value was written as the CI secret ${code(next)} (${where}); ${code(name)} still holds the current value`,
    '',
    '### Before merging',
    '',
    list([
      `[ ] hand the new value to the other side (the webhook sender, the service that checks the token) from ${code(next)} — e.g. a job that reads ${code(`secrets.${next}`)} — never by copying it into a chat or ticket`,
      '[ ] where possible, let consumers accept both the old and the new value during the switch',
    ]),
    '',
    '### Phase 2 — on merge',
    '',
    list([
      `[ ] merging this change promotes ${code(next)} to ${code(name)} and deletes ${code(next)}`,
      `[ ] the ledger (${code(ledgerPath)}) in this change already records it as done: ${code('status: active')}, rotated on ${isoDate(now)} (the staging day; the merge can only be later)`,
      '[ ] after merging, check that the consumers work with the new value; the old one is gone',
    ]),
    '',
    'Closing this change without merging leaves the current value in place; delete ' + `${code(next)} then.`,
  ].join('\n');
  return {
    item: {
      id,
      kind: 'generated',
      title: `Rotate generated secret ${name}${scope.kind === 'repository' || scope.kind === 'project' ? '' : ` (${where})`}`,
      body,
      files: [],
      labels: labelsFor('generated'),
      secrets: [{ name, scope, value: generateSecret() }],
    },
    ledger: {
      entry: {
        id: existing?.id ?? slug(`${name}${scope.kind === 'environment' ? `-${scope.environment}` : ''}`, 60),
        ...(existing ? {} : { name, store, scope }),
        // The ledger change lands only by merging, and the merge promotes NAME_NEXT: the post-merge state
        // is the only one the default branch ever sees, on GitHub and GitLab alike, with no extra commit.
        lastRotated: isoDate(now),
        stagedOn: isoDate(now),
        rotation: existing?.rotation?.method === 'generated' ? existing.rotation : { method: 'generated' },
        status: 'active',
      },
    },
  };
}
