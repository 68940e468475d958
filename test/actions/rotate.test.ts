import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';

import type { RunContext, Runtime } from '../../actions/runtime.js';
import { runRotate } from '../../actions/rotate/main.js';
import type { PlanRequest } from '../../actions/rotate/planner.js';
import { branchFor } from '../../rotation/publish.js';
import { stagedMarker } from '../../rotation/staged.js';
import type { Plan } from '../../rotation/types.js';
import { FakeGitHub } from '../fakes/github/server.js';

/** The rotate step in-process: a recording Runtime, a fixed plan, the real GitHub forge on the fake. */
interface Recorded {
  log: string[];
  masks: string[];
  outputs: Record<string, string>;
  summary: string;
  failed?: string;
}

function recordingRuntime(inputs: Record<string, string>): { runtime: Runtime; rec: Recorded } {
  const rec: Recorded = { log: [], masks: [], outputs: {}, summary: '' };
  const runtime: Runtime = {
    input: (name) => inputs[name] ?? '',
    mask: (value) => {
      rec.masks.push(value);
      rec.log.push(`::add-mask::${value}`);
    },
    setOutput: (name, value) => (rec.outputs[name] = value),
    info: (m) => rec.log.push(m),
    warning: (m) => rec.log.push(`::warning::${m}`),
    error: (m) => rec.log.push(`::error::${m}`),
    notice: (m) => rec.log.push(`::notice::${m}`),
    appendSummary: async (md) => {
      rec.summary += md;
    },
    setFailed: (m) => {
      rec.failed = m;
      rec.log.push(`::error::${m}`);
    },
  };
  return { runtime, rec };
}

let github: FakeGitHub;
const fresh = () => randomBytes(24).toString('base64url');

function context(payload: Record<string, unknown> = {}, eventName = 'schedule'): RunContext {
  return {
    eventName,
    payload,
    repository: 'acme/shop',
    sha: github.git.refs.get('heads/main') ?? '',
    ref: 'refs/heads/main',
    workspace: '/nonexistent-workspace',
    runnerTemp: '/tmp',
    apiUrl: github.url,
    serverUrl: 'https://github.test',
    runId: '77',
  };
}

function plan(value: string): Plan {
  return {
    items: [
      {
        id: 'webhook-secret',
        kind: 'generated',
        title: 'Rotate WEBHOOK_SECRET',
        body: 'Staged as `WEBHOOK_SECRET_NEXT`.',
        files: [{ path: '.keyless/rotation.yml', content: 'version: 1\n' }],
        labels: ['rotation'],
        secrets: [{ name: 'WEBHOOK_SECRET', scope: { kind: 'repository' }, value }],
      },
    ],
    notes: ['CI secret NPM_TOKEN (repository) is not in .keyless/rotation.yml'],
  };
}

/** The value only ever appears in the mask command. */
function expectOnlyMasked(value: string, rec: Recorded): void {
  expect(rec.log.filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain(value);
  expect(rec.summary).not.toContain(value);
  expect(JSON.stringify(rec.outputs)).not.toContain(value);
  expect(rec.failed ?? '').not.toContain(value);
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.git.commitFiles({ 'README.md': '# shop\n' });
});
afterAll(() => github.stop());
beforeEach(() => github.resetLog());

describe('rotate action (publish)', () => {
  it('masks generated values first, publishes with the extra labels, writes outputs and a summary', async () => {
    const value = fresh();
    const requests: PlanRequest[] = [];
    const { runtime, rec } = recordingRuntime({
      token: github.token,
      labels: 'keyless, security',
      'max-age': '30d',
    });
    await runRotate({
      runtime,
      context: context(),
      planner: async (request) => {
        requests.push(request);
        return plan(value);
      },
    });
    expect(rec.failed).toBeUndefined();
    expect(rec.log[0]).toBe(`::add-mask::${value}`);
    expect(requests[0]).toMatchObject({
      root: '/nonexistent-workspace',
      ledger: '.keyless/rotation.yml',
      maxAge: '30d',
    });
    const pull = github.pulls.pulls.find((p) => p.head === branchFor('webhook-secret'));
    expect(pull?.labels).toEqual(['rotation', 'keyless', 'security']);
    expect(github.secrets.value('WEBHOOK_SECRET_NEXT')).toBe(value);
    expect(JSON.parse(rec.outputs['results'] ?? '')).toEqual([
      {
        id: 'webhook-secret',
        action: 'created',
        url: `https://github.test/acme/shop/pull/${pull?.number}`,
        number: pull?.number,
        staged: ['WEBHOOK_SECRET_NEXT'],
      },
    ]);
    expect(rec.outputs).toMatchObject({ created: '1', updated: '0', skipped: '0', failed: '0' });
    expect(rec.summary).toContain(
      `| webhook-secret | generated | Rotate WEBHOOK_SECRET | created | [#${pull?.number}]`,
    );
    expect(rec.summary).toContain('NPM_TOKEN (repository) is not in .keyless/rotation.yml');
    expectOnlyMasked(value, rec);
    expect(JSON.stringify(github.requests)).not.toContain(value);
    expect(github.violations).toEqual([]);
  });

  it('dry-run sends nothing that writes', async () => {
    const value = fresh();
    const { runtime, rec } = recordingRuntime({ token: github.token, 'dry-run': 'true' });
    await runRotate({ runtime, context: context(), planner: async () => plan(value) });
    expect(rec.failed).toBeUndefined();
    expect(github.requests).toEqual([]);
    expect(rec.summary).toContain('(dry run)');
    expect(rec.summary).toContain('| planned |');
    expectOnlyMasked(value, rec);
  });

  it('fails with the GitHub App advice without a token, and reports failed items', async () => {
    const none = recordingRuntime({});
    await runRotate({ runtime: none.runtime, context: context(), planner: async () => plan(fresh()) });
    expect(none.rec.failed).toMatch(
      /GitHub App installation token.*GITHUB_TOKEN cannot write Actions secrets/,
    );

    github.forbidden.add('actions/get-repo-public-key');
    const value = fresh();
    const forbidden = recordingRuntime({ token: github.token });
    const other = { ...plan(value), items: [{ ...plan(value).items[0]!, id: 'other-secret' }] };
    await runRotate({ runtime: forbidden.runtime, context: context(), planner: async () => other });
    github.forbidden.clear();
    expect(forbidden.rec.outputs['failed']).toBe('1');
    expect(forbidden.rec.failed).toMatch(/1 rotation item\(s\) failed: other-secret: .*GitHub App token/);
    expectOnlyMasked(value, forbidden.rec);
  });
});

describe('rotate action (promote)', () => {
  function merged(body: string, ref = 'keyless/rotate/webhook-secret', repo = 'acme/shop') {
    return { pull_request: { merged: true, number: 51, body, head: { ref, repo: { full_name: repo } } } };
  }

  it('promotes the staged secrets the merged body names, with the values passed in', async () => {
    const value = fresh();
    github.secrets.set('WEBHOOK_SECRET_NEXT', value);
    const body = `Rotate.\n\n${stagedMarker([{ name: 'WEBHOOK_SECRET', scope: { kind: 'repository' } }])}\n`;
    const staged = JSON.stringify({ WEBHOOK_SECRET_NEXT: value, github_token: fresh() });
    const { runtime, rec } = recordingRuntime({
      token: github.token,
      mode: 'promote',
      'staged-secrets': staged,
    });
    await runRotate({
      runtime,
      context: context(merged(body), 'pull_request'),
      planner: async () => plan(fresh()),
    });
    expect(rec.failed).toBeUndefined();
    expect(rec.masks).toContain(value);
    expect(github.secrets.value('WEBHOOK_SECRET')).toBe(value);
    expect(github.secrets.names()).not.toContain('WEBHOOK_SECRET_NEXT');
    expect(rec.outputs['promoted']).toBe('1');
    expect(rec.summary).toContain('promotion after #51');
    expectOnlyMasked(value, rec);
  });

  it('does nothing for other events, unmerged or foreign pull requests; fails when a value is missing', async () => {
    const body = stagedMarker([{ name: 'API_SECRET', scope: { kind: 'repository' } }]);
    for (const payload of [{}, merged(body, 'feature/x'), merged(body, 'keyless/rotate/x', 'mallory/shop')]) {
      const { runtime, rec } = recordingRuntime({ token: github.token, mode: 'promote' });
      await runRotate({
        runtime,
        context: context(payload, 'pull_request'),
        planner: async () => plan(fresh()),
      });
      expect(rec.failed).toBeUndefined();
      expect(rec.outputs['promoted']).toBe('0');
    }
    expect(github.requests).toEqual([]);
    const { runtime, rec } = recordingRuntime({
      token: github.token,
      mode: 'promote',
      'staged-secrets': '{}',
    });
    await runRotate({
      runtime,
      context: context(merged(body), 'pull_request'),
      planner: async () => plan(fresh()),
    });
    expect(rec.failed).toMatch(/1 staged secret\(s\) not promoted: API_SECRET/);
  });

  it('rejects staged-secrets that are not a JSON object without echoing them', async () => {
    const value = fresh();
    const { runtime, rec } = recordingRuntime({
      token: github.token,
      mode: 'promote',
      'staged-secrets': `x${value}`,
    });
    await runRotate({ runtime, context: context(), planner: async () => plan(fresh()) });
    expect(rec.failed).toMatch(/input staged-secrets: expected a JSON object/);
    expect(rec.failed).not.toContain(value);
  });
});
