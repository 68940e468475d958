import { describe, it, expect, afterAll } from '@jest/globals';

import { generateTargets, planDirectory } from '../../rotation/plan-dir.js';
import { GitRepo } from '../helpers/git-repo.js';
import { fakeStripeKey } from './fake-secrets.js';

const repos: GitRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

describe('generateTargets', () => {
  it('reads NAME, NAME@scope, NAME:scope and lists', () => {
    expect(generateTargets(['HOOK', 'A@environment:prod, B:group:acme/pay\nC'], { kind: 'project' })).toEqual(
      [
        { name: 'HOOK', scope: { kind: 'project' } },
        { name: 'A', scope: { kind: 'environment', environment: 'prod' } },
        { name: 'B', scope: { kind: 'group', group: 'acme/pay' } },
        { name: 'C', scope: { kind: 'project' } },
      ],
    );
    expect(() => generateTargets(['A@somewhere'], { kind: 'repository' })).toThrow(
      '"somewhere" is not a scope',
    );
    expect(() => generateTargets(['9A'], { kind: 'repository' })).toThrow('"9A" is not a secret name');
  });
});

describe('planDirectory', () => {
  it('plans a checked-out repository, with CI secrets from the forge', async () => {
    const repo = GitRepo.create();
    repos.push(repo);
    repo.commit('init', { 'app/main.py': `KEY = "${fakeStripeKey()}"\n` });
    let listed = 0;
    const plan = await planDirectory({
      root: repo.root,
      platform: 'gitlab',
      repository: { slug: 'acme/shop', defaultBranch: 'main' },
      forge: {
        listSecrets: async () => {
          listed++;
          return [{ name: 'DEPLOY_TOKEN', scope: { kind: 'project' } }];
        },
      },
      generate: ['HOOK'],
      now: new Date('2026-11-23T00:00:00Z'),
    });
    expect(listed).toBe(1);
    expect(plan.items.map((i) => i.kind)).toEqual(['literal', 'generated']);
    expect(plan.items[1]?.secrets?.[0]?.scope).toEqual({ kind: 'project' });
    expect(plan.items[0]?.files.find((f) => f.path === 'app/main.py')?.content).toBe(
      'import os\nKEY = os.environ["KEY"]\n',
    );
    expect(plan.notes).toEqual([
      'CI secret DEPLOY_TOKEN (project) is not in .keyless/rotation.yml: add its owner, max-age and rotation method',
    ]);
  });

  it('does not report the ledger it wrote as a new literal once merged', async () => {
    const repo = GitRepo.create();
    repos.push(repo);
    repo.commit('init', { 'app/main.py': `KEY = "${fakeStripeKey()}"\n` });
    const options = {
      root: repo.root,
      platform: 'github' as const,
      repository: { slug: 'acme/shop', defaultBranch: 'main' },
      now: new Date('2026-11-23T00:00:00Z'),
    };
    const first = await planDirectory(options);
    // Merge the literal item: its files land on the default branch.
    const files = Object.fromEntries((first.items[0]?.files ?? []).map((f) => [f.path, f.content]));
    repo.commit('merge rotation', files);
    const second = await planDirectory(options);
    expect(second.items).toEqual([]);
  });
});
