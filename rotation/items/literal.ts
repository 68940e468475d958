import { fingerprint } from '../../scanners/engine/fingerprint.js';
import type { LiteralSubject } from '../inventory/literals.js';
import { LEDGER_PATH } from '../ledger.js';
import type { LedgerChange } from '../ledger-write.js';
import { retireSecretsFile } from '../rewrite/dotenv.js';
import type { RepoFiles } from '../rewrite/dotenv.js';
import { fileKind } from '../rewrite/file-kind.js';
import { addImport, replaceLiteral, spanOffsets } from '../rewrite/literal.js';
import type { FileChange, RotationItem } from '../types.js';
import { code, labelsFor, list, slug } from './common.js';
import { isGenericProvider, revokeSteps } from './revoke-steps.js';

export interface LiteralDraft {
  item: Omit<RotationItem, 'files'> & { files: FileChange[] };
  ledger: LedgerChange;
  /** Locations that could not be rewritten (the file changed since the scan, or no form fits). */
  skipped: string[];
}

export function literalItemId(subject: LiteralSubject): string {
  return `literal-${slug(subject.locations[0]?.path ?? 'file', 40)}-${subject.fingerprint.slice(0, 6)}`;
}

/**
 * One item per leaked value: every file holding it is rewritten. The span is re-checked against the
 * scanner's fingerprint before anything is replaced, so a file edited since the scan is left alone.
 */
export function literalDraft(
  subject: LiteralSubject,
  files: RepoFiles,
  ledgerPath = LEDGER_PATH,
): LiteralDraft {
  const id = literalItemId(subject);
  const changes = new Map<string, FileChange>();
  const references: string[] = [];
  const skipped: string[] = [];
  const byPath = new Map<string, LiteralSubject['locations']>();
  for (const loc of subject.locations) byPath.set(loc.path, [...(byPath.get(loc.path) ?? []), loc]);
  for (const [path, locations] of byPath) {
    const kind = fileKind(path);
    if (kind === 'dotenv' || kind === 'key-file') {
      for (const change of retireSecretsFile(
        path,
        { read: (p) => changes.get(p)?.content ?? files.read(p) },
        kind === 'dotenv',
      ))
        changes.set(change.path, change);
      references.push(
        kind === 'dotenv'
          ? `${code(path)} is deleted; its keys stay in ${code(`${path}.example`)} with empty values and ${code(path)} is now git-ignored`
          : `${code(path)} is deleted and git-ignored: keep the new key outside the repository (a CI secret or a secret manager)`,
      );
      continue;
    }
    let text = files.read(path);
    if (text === undefined) {
      skipped.push(`${path}: no longer exists`);
      continue;
    }
    const bottomUp = [...locations].sort(
      (a, b) => b.startLine - a.startLine || b.startColumn - a.startColumn,
    );
    let changed = false;
    for (const loc of bottomUp) {
      const at = spanOffsets(text, loc);
      if (!at || fingerprint(subject.ruleId, text.slice(at.start, at.end)) !== subject.fingerprint) {
        skipped.push(`${path}:${loc.startLine}: the file changed since the scan`);
        continue;
      }
      const result = replaceLiteral(text, path, loc, subject.ruleId, { addImport: false });
      if (!result) {
        skipped.push(`${path}:${loc.startLine}: no reference form fits this file`);
        continue;
      }
      text = result.content;
      changed = true;
      references.push(`${code(`${path}:${loc.startLine}`)} now reads ${code(result.reference)}`);
    }
    if (changed) changes.set(path, { path, content: addImport(path, text) });
  }
  const where = subject.locations.map((l) => `| ${code(l.path)} | ${l.startLine} |`);
  // Generic rules name no provider and already say "Hard-coded" in their titles.
  const what = subject.title.replace(/^hard-coded /i, '');
  const generic = isGenericProvider(subject.provider);
  const issuer = generic ? 'the service that issued it' : subject.provider;
  const first = subject.locations[0]?.path ?? 'the repository';
  const more = byPath.size > 1 ? ` and ${byPath.size - 1} more file(s)` : '';
  const body = [
    `## A hard-coded ${what} is in ${code(first)}${more}`,
    '',
    `Keyless found ${generic ? 'a secret' : `a ${subject.provider} secret`} (rule ${code(subject.ruleId)}, severity ${subject.severity}, ` +
      `value ${code(subject.redacted)}) written into the repository at:`,
    '',
    '| File | Line |',
    '| --- | --- |',
    ...where,
    '',
    '### What this change does',
    '',
    list([
      ...references,
      `records the secret as **compromised** in ${code(ledgerPath)} (entry ${code(id)}, fingerprint only)`,
    ]),
    ...(skipped.length > 0
      ? ['', 'Not rewritten automatically (fix by hand):', '', list(skipped.map((s) => code(s)))]
      : []),
    '',
    '### Merging this does not make the secret safe',
    '',
    'The value is still in the git history of this repository: in every clone, fork, CI cache and backup made ' +
      'since it was committed. Removing it from the files only stops new copies. Treat it as leaked and ' +
      `**revoke it at ${issuer} now**, whether or not this is merged:`,
    '',
    list(revokeSteps(subject.provider, subject.remediation), true),
    '',
    'Then put the new value where the code now reads it (a CI secret, the deployment environment or a secret ' +
      'manager) — never back into the repository. Rewriting history does not help once the value has been pushed.',
    ...(subject.docs ? ['', `Provider documentation: ${subject.docs}`] : []),
  ].join('\n');
  return {
    item: {
      id,
      kind: 'literal',
      title: `Remove hard-coded ${what} from ${first}${more}`,
      body,
      files: [...changes.values()],
      labels: labelsFor('literal'),
    },
    ledger: {
      entry: {
        id,
        name: what,
        store: 'literal',
        status: 'compromised',
        path: first,
        fingerprint: subject.fingerprint,
        rotation: { method: 'provider-specific', provider: subject.provider },
        notes: `hard-coded value found by rule ${subject.ruleId}; still in git history: revoke at ${issuer}`,
      },
    },
    skipped,
  };
}
