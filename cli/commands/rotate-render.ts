import { formatScope } from '../../rotation/ledger.js';
import { branchFor } from '../../rotation/publish.js';
import type { RepoFiles } from '../../rotation/rewrite/dotenv.js';
import type { Plan } from '../../rotation/types.js';

export interface FileSummary {
  path: string;
  change: 'added' | 'modified' | 'deleted';
  added: number;
  removed: number;
}

function lines(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

/** Lines added/removed, counted as multisets: a short summary, not a patch. */
export function summarizeFile(path: string, before: string | undefined, after: string | null): FileSummary {
  const old = lines(before);
  const next = lines(after ?? undefined);
  const pool = new Map<string, number>();
  for (const l of old) pool.set(l, (pool.get(l) ?? 0) + 1);
  let added = 0;
  for (const l of next) {
    const n = pool.get(l) ?? 0;
    if (n > 0) pool.set(l, n - 1);
    else added++;
  }
  const removed = [...pool.values()].reduce((a, b) => a + b, 0);
  const change = after === null ? 'deleted' : before === undefined ? 'added' : 'modified';
  return { path, change, added, removed };
}

/** The plan as data without any secret value (generated secrets are named, never shown). */
export function planJson(
  plan: Plan,
  files: RepoFiles,
  repository: { slug: string; defaultBranch: string },
): unknown {
  return {
    repository,
    items: plan.items.map((item) => ({
      id: item.id,
      kind: item.kind,
      title: item.title,
      branch: branchFor(item.id),
      labels: item.labels,
      files: item.files.map((f) => summarizeFile(f.path, files.read(f.path), f.content)),
      secrets: (item.secrets ?? []).map((s) => ({
        name: s.name,
        scope: formatScope(s.scope),
        staged: `${s.name}_NEXT`,
      })),
      body: item.body,
    })),
    notes: plan.notes,
  };
}

const MARK = { added: 'A', modified: 'M', deleted: 'D' } as const;

export function planText(
  plan: Plan,
  files: RepoFiles,
  repository: { slug: string; defaultBranch: string },
): string {
  const out = [
    `Rotation plan for ${repository.slug} (${repository.defaultBranch}): ${plan.items.length} item(s), ${plan.notes.length} note(s)`,
  ];
  for (const item of plan.items) {
    out.push('', `${item.id}  [${item.kind}]`, `  ${item.title}`, `  branch ${branchFor(item.id)}`);
    for (const f of item.files) {
      const s = summarizeFile(f.path, files.read(f.path), f.content);
      out.push(`  ${MARK[s.change]} ${s.path} (+${s.added} -${s.removed})`);
    }
    for (const s of item.secrets ?? [])
      out.push(
        `  stages ${s.name}_NEXT (${formatScope(s.scope)}) with a generated value, promoted to ${s.name} on merge`,
      );
  }
  if (plan.notes.length > 0) out.push('', 'Notes:', ...plan.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}
