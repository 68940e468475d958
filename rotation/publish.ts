/**
 * Publishes a plan: one branch `keyless/rotate/<id>` and one pull/merge request per item, found again by
 * its hidden marker and updated in place. A branch someone else pushed to is left alone (only the body
 * is updated, with a note). Generated secrets are staged as `<NAME>_NEXT` before the request opens.
 */
import { trailerFor } from './forges/identity.js';
import { nextName, stagedMarker, type StagedSecret } from './staged.js';
import type { ExistingChange, Forge, Plan, RotationItem } from './types.js';

export type PublishAction = 'created' | 'updated' | 'skipped' | 'planned' | 'failed';

export interface PublishResult {
  id: string;
  branch: string;
  action: PublishAction;
  url?: string;
  number?: number;
  /** `<NAME>_NEXT` secrets written for this item (names only). */
  staged: string[];
  /** Why an item was skipped or failed. */
  message?: string;
}

export interface PublishOptions {
  /** Log what would happen; no request that writes. */
  dryRun?: boolean;
  log?: (line: string) => void;
  now?: () => Date;
}

export function branchFor(id: string): string {
  return `keyless/rotate/${id}`;
}

export function markerFor(id: string): string {
  return `<!-- keyless:rotate:${id} -->`;
}

const ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** Refuses a plan that would put a value it is about to write into a title, body, message or file. */
function assertNoValues(plan: Plan): void {
  const values = plan.items
    .flatMap((item) => (item.secrets ?? []).map((s) => s.value))
    .filter((v) => v !== '');
  for (const item of plan.items) {
    const texts = [item.title, item.body, ...item.files.map((f) => f.content ?? '')];
    if (values.some((value) => texts.some((text) => text.includes(value))))
      throw new Error(
        `item ${item.id}: a secret value appears in its title, body or files; nothing was published`,
      );
  }
}

function bodyFor(item: RotationItem, staged: StagedSecret[], note?: string): string {
  const parts = [item.body.trimEnd()];
  if (note) parts.push(note);
  if (staged.length > 0) parts.push(stagedMarker(staged));
  parts.push(markerFor(item.id));
  return `${parts.join('\n\n')}\n`;
}

function humanNote(existing: ExistingChange, when: Date): string {
  return [
    `> [!NOTE]`,
    `> Keyless did not update branch \`${existing.branch}\` on ${when.toISOString().slice(0, 10)}: its head`,
    `> (${existing.headSha.slice(0, 12)}) is not a Keyless commit, so it may hold someone's work. Merge or close`,
    `> this request, or delete the branch to let Keyless recreate it.`,
  ].join('\n');
}

async function publishItem(
  item: RotationItem,
  forge: Forge,
  base: { defaultBranch: string; headSha: string },
  options: PublishOptions,
): Promise<PublishResult> {
  const log = options.log ?? (() => undefined);
  const branch = branchFor(item.id);
  const staged: StagedSecret[] = (item.secrets ?? []).map((s) => ({ name: s.name, scope: s.scope }));
  const names = staged.map((s) => nextName(s.name));
  if (options.dryRun) {
    log(`keyless: would publish ${branch}: ${item.title}`);
    for (const name of names) log(`keyless: would stage ${name}`);
    return { id: item.id, branch, action: 'planned', staged: [] };
  }
  const existing = await forge.findChange(branch, markerFor(item.id));
  if (existing && !existing.headIsOurs) {
    const now = options.now?.() ?? new Date();
    const published = await forge.publish({
      branch,
      base: base.defaultBranch,
      title: item.title,
      body: bodyFor(item, staged, humanNote(existing, now)),
      labels: item.labels,
      existing,
    });
    const message = `someone else pushed to ${branch}; the branch was left alone, only the description updated`;
    log(`keyless: ${item.id}: ${message} (${published.url})`);
    return {
      id: item.id,
      branch,
      action: 'skipped',
      url: published.url,
      number: published.number,
      staged: [],
      message,
    };
  }
  // Phase 1 before the request exists, so it never points at a secret that is not there. An open request
  // keeps the value staged when it was opened: restaging every run would churn a value under review.
  const written: string[] = [];
  if (!existing) {
    for (const secret of item.secrets ?? []) {
      await forge.setSecret({ name: nextName(secret.name), scope: secret.scope, value: secret.value });
      written.push(nextName(secret.name));
      log(`keyless: staged ${nextName(secret.name)}`);
    }
  }
  // An open request for staged secrets keeps its commit: its ledger dates the value staged when it was
  // opened, and today's plan would re-date it (and push, and rerun CI) every run.
  if (!(existing && staged.length > 0)) {
    await forge.commit({
      branch,
      baseSha: base.headSha,
      files: item.files,
      message: item.title,
      commitTrailer: trailerFor(item.id),
    });
  }
  const published = await forge.publish({
    branch,
    base: base.defaultBranch,
    title: item.title,
    body: bodyFor(item, staged),
    labels: item.labels,
    ...(existing ? { existing } : {}),
  });
  const action = published.created ? 'created' : 'updated';
  log(`keyless: ${action} ${published.url} (${item.id})`);
  return { id: item.id, branch, action, url: published.url, number: published.number, staged: written };
}

/** Publishes every item; one item's failure is reported in its result and does not stop the others. */
export async function publishPlan(
  plan: Plan,
  forge: Forge,
  options: PublishOptions = {},
): Promise<PublishResult[]> {
  for (const item of plan.items)
    if (!ID.test(item.id)) throw new Error(`item id "${item.id}" is not [a-z0-9-]+`);
  assertNoValues(plan);
  if (plan.items.length === 0) return [];
  const base = options.dryRun ? { defaultBranch: '', headSha: '' } : await forge.repository();
  const results: PublishResult[] = [];
  for (const item of plan.items) {
    try {
      results.push(await publishItem(item, forge, base, options));
    } catch (error) {
      const message = (error as Error).message;
      options.log?.(`keyless: ${item.id} failed: ${message}`);
      results.push({ id: item.id, branch: branchFor(item.id), action: 'failed', staged: [], message });
    }
  }
  return results;
}
