import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, it, expect, afterAll } from '@jest/globals';

import { LedgerError, parseLedger } from '../../rotation/ledger.js';
import { applyLedgerChanges } from '../../rotation/ledger-write.js';
import { planDirectory } from '../../rotation/plan-dir.js';
import type { CiSecret, Plan } from '../../rotation/types.js';
import { GitRepo } from '../helpers/git-repo.js';

const repos: GitRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

const STAGING_DAY = new Date('2026-11-23T02:00:00Z');
const LATER = (days: number) => new Date(STAGING_DAY.getTime() + days * 86_400_000);

function plan(
  repo: GitRepo,
  platform: 'github' | 'gitlab',
  secrets: CiSecret[],
  now: Date,
  generate?: string[],
) {
  return planDirectory({
    root: repo.root,
    platform,
    repository: { slug: 'acme/hooks', defaultBranch: 'main' },
    forge: { listSecrets: async () => secrets },
    ...(generate ? { generate } : {}),
    now,
  });
}

function ledgerOf(repo: GitRepo) {
  return parseLedger(readFileSync(join(repo.root, '.keyless/rotation.yml'), 'utf8'));
}

/** Merges an item the way a reviewer would: its files land on the default branch. */
function merge(repo: GitRepo, result: Plan, id: string): void {
  const item = result.items.find((i) => i.id === id);
  if (!item) throw new Error(`no item ${id}`);
  repo.commit(`merge ${id}`, Object.fromEntries(item.files.map((f) => [f.path, f.content])));
}

function freshRepo(ledger?: string): GitRepo {
  const repo = GitRepo.create();
  repos.push(repo);
  repo.commit('init', { 'README.md': '# hooks\n', ...(ledger ? { '.keyless/rotation.yml': ledger } : {}) });
  return repo;
}

describe('ledger of a generated rotation', () => {
  it('GitHub: the merged change already says active; a promoted secret yields no item and no note', async () => {
    const repo = freshRepo();
    const first = await plan(
      repo,
      'github',
      [{ name: 'HOOK', scope: { kind: 'repository' }, updatedAt: '2026-10-02T09:00:00Z' }],
      STAGING_DAY,
      ['HOOK'],
    );
    expect(first.items.map((i) => i.id)).toEqual(['generated-hook']);
    merge(repo, first, 'generated-hook');
    expect(ledgerOf(repo).entries).toEqual([
      expect.objectContaining({
        name: 'HOOK',
        status: 'active',
        lastRotated: '2026-11-23',
        stagedOn: '2026-11-23',
        rotation: { method: 'generated' },
      }),
    ]);
    // Promotion on merge, two days later: NAME changed, NAME_NEXT deleted.
    const promoted = [
      { name: 'HOOK', scope: { kind: 'repository' as const }, updatedAt: '2026-11-25T10:00:00Z' },
    ];
    const next = await plan(repo, 'github', promoted, LATER(30));
    expect(next).toEqual({ items: [], notes: [] });
  });

  it('GitHub: a NAME_NEXT from the staging day still there after the merge is reported', async () => {
    const repo = freshRepo();
    merge(repo, await plan(repo, 'github', [], STAGING_DAY, ['HOOK']), 'generated-hook');
    const leftover: CiSecret[] = [
      { name: 'HOOK', scope: { kind: 'repository' }, updatedAt: '2026-01-02T09:00:00Z' },
      { name: 'HOOK_NEXT', scope: { kind: 'repository' }, updatedAt: '2026-11-23T02:00:05Z' },
    ];
    const result = await plan(repo, 'github', leftover, LATER(1));
    expect(result.notes).toEqual([
      expect.stringMatching(
        /^\.keyless\/rotation\.yml: hook \(HOOK\) records a rotation staged on 2026-11-23, but that `HOOK_NEXT` still exists: the merge did not promote it/,
      ),
    ]);
    // A newer HOOK_NEXT belongs to a rotation still under review: nothing to say.
    const newer = leftover.map((s) =>
      s.name === 'HOOK_NEXT' ? { ...s, updatedAt: '2026-12-01T06:00:00Z' } : s,
    );
    expect((await plan(repo, 'github', newer, LATER(9))).notes).toEqual([]);
  });

  it('GitLab (no timestamps): the age runs from the staging day, so the next rotation is due on time', async () => {
    const repo = freshRepo();
    const first = await plan(repo, 'gitlab', [{ name: 'HOOK', scope: { kind: 'project' } }], STAGING_DAY, [
      'HOOK',
    ]);
    merge(repo, first, 'generated-hook');
    expect(ledgerOf(repo).entries[0]).toMatchObject({
      status: 'active',
      lastRotated: '2026-11-23',
      stagedOn: '2026-11-23',
    });
    const variables: CiSecret[] = [{ name: 'HOOK', scope: { kind: 'project' } }];
    expect(await plan(repo, 'gitlab', variables, LATER(89))).toEqual({ items: [], notes: [] });
    const due = await plan(repo, 'gitlab', variables, LATER(91));
    expect(due.items.map((i) => i.id)).toEqual(['generated-hook']);
  });

  it('an entry left staged by an older version is reported once its NAME_NEXT is gone', async () => {
    const repo = freshRepo(`version: 1
entries:
  - id: hook
    name: HOOK
    store: gitlab-variable
    last-rotated: 2026-11-01
    rotation: generated
    status: staged
`);
    const waiting = await plan(
      repo,
      'gitlab',
      [
        { name: 'HOOK', scope: { kind: 'project' } },
        { name: 'HOOK_NEXT', scope: { kind: 'project' } },
      ],
      STAGING_DAY,
    );
    expect(waiting.notes).toEqual([]);
    const promoted = await plan(repo, 'gitlab', [{ name: 'HOOK', scope: { kind: 'project' } }], STAGING_DAY);
    expect(promoted.notes).toEqual([
      '.keyless/rotation.yml: hook (HOOK) is `status: staged`, but `HOOK_NEXT` no longer exists: it was promoted; set `status: active`',
    ]);
  });

  it('staged-on is an ISO date that reads back as written', () => {
    const text = applyLedgerChanges(undefined, [
      {
        entry: { id: 'hook', name: 'HOOK', store: 'github-secret', status: 'active', stagedOn: '2026-11-23' },
      },
    ]);
    expect(text).toContain('staged-on: 2026-11-23');
    expect(parseLedger(text).entries[0]?.stagedOn).toBe('2026-11-23');
    const bad = text.replace('staged-on: 2026-11-23', 'staged-on: last tuesday');
    expect(() => parseLedger(bad)).toThrow(LedgerError);
    expect(() => parseLedger(bad)).toThrow(/entries\[0\]\.staged-on: "last tuesday" is not an ISO date/);
  });
});
