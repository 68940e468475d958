import { describe, it, expect } from '@jest/globals';

import { secretAge } from '../../rotation/age.js';
import { applyLedgerChanges } from '../../rotation/ledger-write.js';
import { durationDays, LedgerError, parseLedger, parseScope } from '../../rotation/ledger.js';

const LEDGER = `# owned by the platform team
version: 1
entries:
  # the payments key; rotated by hand in the dashboard
  - id: stripe-live
    name: STRIPE_SECRET_KEY
    store: github-secret
    scope: environment:production
    owner: '@payments'
    max-age: 90d
    last-rotated: 2026-08-01
    rotation:
      method: provider-specific
      provider: Stripe
      steps:
        - Roll the key in the dashboard
        - Update the secret
  - id: webhook-secret
    name: WEBHOOK_SECRET
    store: gitlab-variable
    scope: group:platform/infra
    rotation: generated # written by keyless rotate
`;

function errorOf(text: string): LedgerError {
  try {
    parseLedger(text, 'repo/.keyless/rotation.yml');
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('expected a LedgerError');
}

describe('parseLedger', () => {
  it('reads every field, with defaults for the optional ones', () => {
    const ledger = parseLedger(LEDGER);
    expect(ledger.entries).toEqual([
      {
        id: 'stripe-live',
        name: 'STRIPE_SECRET_KEY',
        store: 'github-secret',
        scope: { kind: 'environment', environment: 'production' },
        owner: '@payments',
        maxAge: '90d',
        lastRotated: '2026-08-01',
        rotation: {
          method: 'provider-specific',
          provider: 'Stripe',
          steps: ['Roll the key in the dashboard', 'Update the secret'],
        },
        status: 'active',
      },
      {
        id: 'webhook-secret',
        name: 'WEBHOOK_SECRET',
        store: 'gitlab-variable',
        scope: { kind: 'group', group: 'platform/infra' },
        rotation: { method: 'generated' },
        status: 'active',
      },
    ]);
  });

  it('accepts an empty file and an empty entries list', () => {
    expect(parseLedger('').entries).toEqual([]);
    expect(parseLedger('version: 1\nentries:\n').entries).toEqual([]);
  });

  it.each([
    ['version: 2\nentries: []\n', 1, 'version', 'unsupported version 2'],
    ['entries: []\n', 1, 'version', 'missing'],
    ['version: 1\nowners: []\n', 2, 'owners', 'unknown key'],
    [
      'version: 1\nentries:\n  - id: a\n    name: A\n    store: vault\n',
      5,
      'entries[0].store',
      '"vault" is not one of',
    ],
    ['version: 1\nentries:\n  - id: a\n    store: literal\n', 3, 'entries[0].name', 'missing'],
    [
      'version: 1\nentries:\n  - id: Bad_Id\n    name: A\n    store: literal\n',
      3,
      'entries[0].id',
      'must match',
    ],
    [
      'version: 1\nentries:\n  - id: a\n    name: A\n    store: literal\n    max-age: 3 months\n',
      6,
      'entries[0].max-age',
      'not a duration',
    ],
    [
      'version: 1\nentries:\n  - id: a\n    name: A\n    store: literal\n    last-rotated: yesterday\n',
      6,
      'entries[0].last-rotated',
      'not an ISO date',
    ],
    [
      'version: 1\nentries:\n  - id: a\n    name: A\n    store: external\n    rotation:\n      method: provider-specific\n',
      7,
      'entries[0].rotation.provider',
      'required for provider-specific',
    ],
    [
      'version: 1\nentries:\n  - id: a\n    name: A\n    store: literal\n  - id: a\n    name: B\n    store: literal\n',
      6,
      'entries[1].id',
      'duplicate id "a" (first on line 3)',
    ],
    [
      'version: 1\nentries:\n  - id: a\n    name: A\n    store: literal\n    colour: red\n',
      6,
      'entries[0].colour',
      'unknown field',
    ],
    ['version: 1\nentries: [\n', 3, 'yaml', 'Flow sequence'],
  ])('names file, line and field for %j', (text, line, field, problem) => {
    const error = errorOf(text);
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`repo/.keyless/rotation.yml:${line}: ${field}: `);
    expect(error.message).toContain(problem);
  });
});

describe('applyLedgerChanges', () => {
  it('updates an entry in place and appends a new one, keeping comments and order', () => {
    const out = applyLedgerChanges(LEDGER, [
      { entry: { id: 'stripe-live', lastRotated: '2026-11-20' } },
      {
        entry: {
          id: 'literal-src-app-ts-1a2b3c',
          name: 'Stripe secret key',
          store: 'literal',
          status: 'compromised',
          path: 'src/app.ts',
          fingerprint: '1a2b3c4d',
        },
      },
    ]);
    expect(out).toContain('# owned by the platform team');
    expect(out).toContain('# the payments key; rotated by hand in the dashboard');
    expect(out).toContain('rotation: generated # written by keyless rotate');
    expect(out).toContain('last-rotated: 2026-11-20');
    expect(out).not.toContain('2026-08-01');
    const entries = parseLedger(out).entries;
    expect(entries.map((e) => e.id)).toEqual(['stripe-live', 'webhook-secret', 'literal-src-app-ts-1a2b3c']);
    expect(entries[0]?.rotation?.steps).toHaveLength(2);
    expect(entries[2]).toMatchObject({ store: 'literal', status: 'compromised', path: 'src/app.ts' });
    // The untouched entry is byte-for-byte the same text.
    const untouched = LEDGER.slice(LEDGER.indexOf('  - id: webhook-secret'));
    expect(out).toContain(untouched);
  });

  it('creates a ledger with a header when there is none', () => {
    const out = applyLedgerChanges(undefined, [
      {
        entry: {
          id: 'generated-hook',
          name: 'HOOK',
          store: 'github-secret',
          status: 'staged',
          rotation: { method: 'generated' },
        },
      },
    ]);
    expect(out.startsWith('# Keyless rotation ledger')).toBe(true);
    expect(parseLedger(out).entries).toEqual([
      {
        id: 'generated-hook',
        name: 'HOOK',
        store: 'github-secret',
        status: 'staged',
        rotation: { method: 'generated' },
      },
    ]);
    expect(out).toMatch(/entries:\n {2}- id: generated-hook/);
  });

  it('fills an empty entries key in block style', () => {
    const out = applyLedgerChanges('version: 1 # keep\nentries:\n', [
      { entry: { id: 'a', name: 'A', store: 'external', maxAge: '30d' } },
    ]);
    expect(out).toBe(
      'version: 1 # keep\nentries:\n  - id: a\n    name: A\n    store: external\n    max-age: 30d\n',
    );
  });

  it('refuses to edit an invalid ledger', () => {
    expect(() => applyLedgerChanges('version: 3\n', [{ entry: { id: 'x' } }])).toThrow(LedgerError);
  });
});

describe('durations, scopes and age', () => {
  it('reads durations and scopes', () => {
    expect([durationDays('90d'), durationDays('2w'), durationDays('1y'), durationDays('3m')]).toEqual([
      90,
      14,
      365,
      undefined,
    ]);
    expect(parseScope('environment:prod')).toEqual({ kind: 'environment', environment: 'prod' });
    expect(parseScope('organization')).toEqual({ kind: 'organization' });
    expect(parseScope('environment')).toBeUndefined();
  });

  const now = new Date('2026-11-23T00:00:00Z');
  it('prefers the platform timestamp over the ledger', () => {
    const age = secretAge(
      { maxAge: '30d', lastRotated: '2026-01-01' },
      { updatedAt: '2026-11-13T00:00:00Z' },
      now,
      '90d',
    );
    expect(age).toMatchObject({ source: 'platform', days: 10, maxAgeDays: 30, stale: false });
  });
  it('falls back to the ledger (GitLab keeps no timestamps) and the default max age', () => {
    const age = secretAge({ lastRotated: '2026-08-01' }, {}, now, '90d');
    expect(age).toMatchObject({ source: 'ledger', days: 114, maxAgeDays: 90, stale: true });
  });
  it('treats an unknown age as stale', () => {
    expect(secretAge(undefined, undefined, now, '90d')).toEqual({
      source: 'unknown',
      maxAgeDays: 90,
      stale: true,
    });
  });
});
