import { secretAge } from './age.js';
import { slug } from './items/common.js';
import { literalDraft } from './items/literal.js';
import { generatedDraft, generatedItemId } from './items/generated.js';
import { migrationItem } from './items/migrate.js';
import { promotionNote } from './items/promotion.js';
import type { RepositoryInfo } from './items/migrate.js';
import { staleDraft } from './items/stale.js';
import type { LiteralSubject } from './inventory/literals.js';
import { staticCredentialUses } from './inventory/workflows.js';
import type { StaticCredentialUse, WorkflowFile } from './inventory/workflows.js';
import { formatScope, LEDGER_PATH, parseLedger } from './ledger.js';
import type { LedgerEntry } from './ledger.js';
import { applyLedgerChanges } from './ledger-write.js';
import type { LedgerChange } from './ledger-write.js';
import type { RepoFiles } from './rewrite/dotenv.js';
import type { CiSecret, Plan, RotationItem, SecretScope } from './types.js';

export type { RepositoryInfo } from './items/migrate.js';

export interface PlanInput {
  /** The checked-out default branch: current text of a repository-relative path. */
  files: RepoFiles;
  repository: RepositoryInfo & { platform: 'github' | 'gitlab' };
  /** Hard-coded secrets from a scan of the default branch (`scanLiterals`). */
  literals: LiteralSubject[];
  /** `.github/workflows/*.yml` and `.gitlab-ci.yml` as found in the repository. */
  workflows: WorkflowFile[];
  /** `Forge.listSecrets()`; absent = not known (no token), so nothing is said about CI secrets. */
  ciSecrets?: CiSecret[];
  /** Secrets to rotate by generating a new value. */
  generate?: Array<{ name: string; scope: SecretScope }>;
  ledgerPath?: string;
  /** Maximum age for secrets whose ledger entry gives none. Default `90d`. */
  defaultMaxAge?: string;
  now: Date;
  /** `uses:` reference of the credentials action written into migrated workflows. */
  credentialsAction?: string;
}

const sameScope = (a: SecretScope | undefined, b: SecretScope): boolean =>
  a === undefined || formatScope(a) === formatScope(b);
const storeOf = (platform: 'github' | 'gitlab'): LedgerEntry['store'] =>
  platform === 'github' ? 'github-secret' : 'gitlab-variable';

function matchEntry(
  entries: LedgerEntry[],
  secret: CiSecret,
  platform: 'github' | 'gitlab',
): LedgerEntry | undefined {
  return entries.find(
    (e) => e.store === storeOf(platform) && e.name === secret.name && sameScope(e.scope, secret.scope),
  );
}

/**
 * Everything that needs a change, one item per subject, in a stable order: literals, OIDC migrations,
 * generated secrets, stale secrets. Pure apart from the random values of generated secrets.
 */
export function buildPlan(input: PlanInput): Plan {
  const ledgerPath = input.ledgerPath ?? LEDGER_PATH;
  const ledgerText = input.files.read(ledgerPath);
  const ledger = ledgerText === undefined ? { version: 1, entries: [] } : parseLedger(ledgerText, ledgerPath);
  const defaultMaxAge = input.defaultMaxAge ?? '90d';
  const items: RotationItem[] = [];
  const notes: string[] = [];
  const withLedger = (item: RotationItem, change: LedgerChange): RotationItem => ({
    ...item,
    files: [
      ...item.files,
      { path: ledgerPath, content: applyLedgerChanges(ledgerText, [unclashed(change)], ledgerPath) },
    ],
  });
  // A new entry must not overwrite a different secret's entry that happens to have the same id.
  const unclashed = (change: LedgerChange): LedgerChange => {
    const { entry } = change;
    const clashes = (id: string): boolean =>
      ledger.entries.some((e) => e.id === id && (e.name !== entry.name || e.store !== entry.store));
    if (entry.store === undefined || !clashes(entry.id)) return change;
    let n = 2;
    while (clashes(`${entry.id}-${n}`) || ledger.entries.some((e) => e.id === `${entry.id}-${n}`)) n++;
    return { entry: { ...entry, id: `${entry.id}-${n}` } };
  };

  const known = new Set(ledger.entries.filter((e) => e.store === 'literal').map((e) => e.fingerprint));
  for (const subject of input.literals) {
    const draft = literalDraft(subject, input.files, ledgerPath);
    for (const skip of draft.skipped) notes.push(`${draft.item.id}: ${skip}`);
    // Already recorded as compromised and nothing left to rewrite: the value is out of the files.
    if (known.has(subject.fingerprint) && draft.item.files.length === 0) continue;
    items.push(withLedger(draft.item, draft.ledger));
  }

  const uses = staticCredentialUses(input.workflows);
  const jobs = new Map<string, StaticCredentialUse[]>();
  for (const use of uses) {
    if (use.level === 'workflow') {
      notes.push(
        `${use.file}: ${use.key} is set for the whole workflow; move it into the jobs that need it, then rerun to migrate them`,
      );
      continue;
    }
    const key = `${use.file}\0${use.job}`;
    jobs.set(key, [...(jobs.get(key) ?? []), use]);
  }
  for (const [key, jobUses] of jobs) {
    const [file, job] = key.split('\0') as [string, string];
    const text = input.workflows.find((w) => w.path === file)?.text ?? '';
    const platform = jobUses[0]?.platform ?? 'github';
    const item = migrationItem(file, text, job, jobUses, input.repository, input.credentialsAction, platform);
    if (item) items.push(item);
    else if (platform === 'gitlab')
      notes.push(
        `${file}: job ${job} reads ${jobUses.map((u) => u.key).join(', ')} from CI/CD variables; its script could not be ` +
          'rewritten automatically: add id_tokens and `keyless credentials exec` (the credentials component) by hand',
      );
    else
      notes.push(
        `${file}: job ${job} uses static ${jobUses[0]?.provider} credentials but could not be rewritten automatically`,
      );
  }

  const generatedIds = new Set<string>();
  const generate = (name: string, scope: SecretScope): void => {
    const id = generatedItemId(name, scope);
    if (generatedIds.has(id)) return;
    generatedIds.add(id);
    const secret: CiSecret = { name, scope };
    const existing = matchEntry(ledger.entries, secret, input.repository.platform);
    const draft = generatedDraft(
      name,
      scope,
      existing,
      input.now,
      storeOf(input.repository.platform),
      ledgerPath,
    );
    items.push(withLedger(draft.item, draft.ledger));
  };
  for (const { name, scope } of input.generate ?? []) generate(name, scope);

  const secrets = input.ciSecrets;
  const stale = (entry: LedgerEntry, secret: CiSecret | undefined, isNew: boolean): void => {
    const age = secretAge(entry, secret, input.now, defaultMaxAge);
    if (!age.stale) return;
    const scope: SecretScope = entry.scope ??
      secret?.scope ?? { kind: input.repository.platform === 'github' ? 'repository' : 'project' };
    // Being rotated by generation in this plan already (`--generate`): a stale item would duplicate it.
    if (generatedIds.has(generatedItemId(entry.name, scope))) return;
    // A secret Keyless can make itself is rotated, not just reported.
    if (
      entry.rotation?.method === 'generated' &&
      (entry.store === 'github-secret' || entry.store === 'gitlab-variable')
    ) {
      generate(entry.name, scope);
      return;
    }
    const draft = staleDraft(entry, age, input.now, isNew, ledgerPath);
    items.push(withLedger(draft.item, draft.ledger));
  };
  for (const entry of ledger.entries) {
    if (entry.store === 'literal' || entry.status === 'retired') continue;
    const secret = secrets?.find((s) => matchEntry([entry], s, input.repository.platform) !== undefined);
    if (secrets && !secret && entry.store === storeOf(input.repository.platform))
      notes.push(
        `${ledgerPath}: ${entry.id} (${entry.name}) is not among the CI secrets visible to the token`,
      );
    const promotion =
      secrets &&
      entry.store === storeOf(input.repository.platform) &&
      promotionNote(entry, secrets, ledgerPath);
    if (promotion) notes.push(promotion);
    stale(entry, secret, false);
  }
  for (const secret of secrets ?? []) {
    if (secret.name.endsWith('_NEXT') || matchEntry(ledger.entries, secret, input.repository.platform))
      continue;
    const entry: LedgerEntry = {
      id: slug(
        `${secret.name}${secret.scope.kind === 'environment' ? `-${secret.scope.environment}` : ''}`,
        60,
      ),
      name: secret.name,
      store: storeOf(input.repository.platform),
      scope: secret.scope,
      maxAge: defaultMaxAge,
      status: 'active',
    };
    const age = secretAge(entry, secret, input.now, defaultMaxAge);
    if (age.stale && age.source === 'platform') stale(entry, secret, true);
    else
      notes.push(
        `CI secret ${secret.name} (${formatScope(secret.scope)}) is not in ${ledgerPath}: add its owner, max-age and rotation method`,
      );
  }
  // Kinds in a fixed order, each in discovery order, so repeated runs list the same plan the same way.
  const rank: Record<RotationItem['kind'], number> = {
    literal: 0,
    'migrate-oidc': 1,
    generated: 2,
    stale: 3,
  };
  items.sort((a, b) => rank[a.kind] - rank[b.kind]);
  return { items, notes };
}
