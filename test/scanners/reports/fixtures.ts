import { createHash } from 'node:crypto';
import type { Finding, Location, ScanMeta, Severity } from '../../../scanners/engine/types.js';
import { redact } from '../../../scanners/reports/redact.js';

/*
 * Hand-built findings for the renderer tests (independent of the engine). Every secret is a
 * fabricated random value, distinctive enough that finding any 8-character piece of it in a report
 * means it leaked.
 */
export const SECRETS = {
  github: 'ghp_gOV4WHuOjPTF3Vzy9AM0M63ddC9rRmVqjz4',
  aws: 'plFlkWUQ-sNwlHu1EI8l6BSONoTgSoHR5VEr',
  image: '-T99pNgf64g7GsLgfVccy1VEleWVK94ji5jg',
  generic: '48e2b4e2b12853f547f91eea80f30b522efa7d2479cf4e6c9caad447f80db49b',
  /** Quote, backslash, pipe, backtick and a line break: exercises every escaping path. */
  awkward: 'Pe5JUeYF"4I29\\vgr|OWU`OyH\nAD6_6iOFO1ApSUF',
} as const;

export function fingerprintOf(ruleId: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${secret}`).digest('hex');
}

interface FindingInput {
  ruleId: string;
  title: string;
  provider: string;
  severity: Severity;
  secret: string;
  location: Partial<Location> & { path: string };
}

export function makeFinding(input: FindingInput): Finding {
  const { secret } = input;
  const startLine = input.location.startLine ?? 3;
  const startColumn = input.location.startColumn ?? 7;
  return {
    ruleId: input.ruleId,
    title: input.title,
    provider: input.provider,
    severity: input.severity,
    secret,
    redacted: redact(secret),
    fingerprint: fingerprintOf(input.ruleId, secret),
    location: {
      startLine,
      startColumn,
      endLine: startLine,
      endColumn: startColumn + secret.length,
      ...input.location,
    },
    entropy: 4.6182,
  };
}

export const dirFinding = makeFinding({
  ruleId: 'github-pat-classic',
  title: 'GitHub personal access token (classic)',
  provider: 'GitHub',
  severity: 'critical',
  secret: SECRETS.github,
  location: { path: 'config/deploy settings.yml', startLine: 12, startColumn: 15 },
});

export const unicodeFinding = makeFinding({
  ruleId: 'aws-secret-access-key',
  title: 'AWS secret access key',
  provider: 'AWS',
  severity: 'high',
  secret: SECRETS.aws,
  location: { path: 'docs/ünïcødé/配置 #1?.env', startLine: 2, startColumn: 1 },
});

export const gitFinding = makeFinding({
  ruleId: 'generic-api-key',
  title: 'Generic API key',
  provider: 'Generic',
  severity: 'medium',
  secret: SECRETS.generic,
  location: {
    path: 'src/client.ts',
    startLine: 40,
    startColumn: 22,
    commit: {
      sha: '3f1c9a7be2d04c5e8a6b1f0d9c2e7a4b5d6c8e1f',
      author: 'Rin Okabe',
      email: 'rin@users.noreply.test',
      date: '2024-03-05T10:11:12Z',
      message: 'add client',
    },
  },
});

export const imageFinding = makeFinding({
  ruleId: 'slack-bot-token',
  title: 'Slack bot token',
  provider: 'Slack',
  severity: 'low',
  secret: SECRETS.image,
  location: {
    path: '/app/.env',
    startLine: 1,
    startColumn: 10,
    layer: {
      imageDigest: 'sha256:9d1e4c7a2b8f0e3d5c6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a',
      digest: 'sha256:4b7e2f9a1c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2f3a4b',
      index: 3,
      removedBy: 'sha256:0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
    },
  },
});

/** Multi-line secret whose characters need escaping in JSON, Markdown and text. */
export const awkwardFinding = makeFinding({
  ruleId: 'private-key-pem',
  title: 'Private key',
  provider: 'PEM',
  severity: 'critical',
  secret: SECRETS.awkward,
  location: { path: 'keys/`odd`|name.pem', startLine: 5, startColumn: 1, endLine: 6, endColumn: 16 },
});

export const ALL_FINDINGS: readonly Finding[] = [
  dirFinding,
  unicodeFinding,
  gitFinding,
  imageFinding,
  awkwardFinding,
];

export function makeMeta(overrides: Partial<ScanMeta> = {}): ScanMeta {
  return {
    tool: { name: 'keyless', version: '0.1.0', informationUri: 'https://github.com/keyless-ci/keyless' },
    target: { kind: 'dir', root: '/home/runner/work/app' },
    startedAt: new Date('2024-05-06T07:08:09.123Z'),
    finishedAt: new Date('2024-05-06T07:08:11.987Z'),
    stats: { files: 42, bytes: 3_456_789, findings: 5, suppressed: 1 },
    skipped: [
      { path: 'assets/logo.png', reason: 'binary' },
      { path: 'dump/huge.sql', reason: 'too-large', detail: '64 MB' },
      { path: 'assets/font.woff2', reason: 'binary' },
    ],
    rules: [
      {
        id: 'github-pat-classic',
        title: 'GitHub personal access token (classic)',
        provider: 'GitHub',
        severity: 'critical',
        remediation: 'Revoke it under Settings → Developer settings → Personal access tokens.',
        docs: 'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
      },
      { id: 'aws-secret-access-key', title: 'AWS secret access key', provider: 'AWS', severity: 'high' },
      { id: 'generic-api-key', title: 'Generic API key', provider: 'Generic', severity: 'medium' },
      { id: 'unused-rule', title: 'Never fires', provider: 'Nobody', severity: 'low' },
    ],
    baseline: {
      path: '.keyless-baseline.json',
      matched: 2,
      stale: [{ fingerprint: 'aa11bb22cc33dd44ee55ff66', reason: 'test fixture, rotated' }],
      expired: [
        { fingerprint: 'ff00ee11dd22cc33bb44aa55', reason: 'temporary exception', expires: '2024-01-31' },
      ],
    },
    warnings: ['git history was shallow; older commits were not scanned'],
    complete: true,
    ...overrides,
  };
}

/** Every 8-character window of every secret: none may appear in any rendered report. */
export function secretPieces(findings: readonly Finding[], width = 8): string[] {
  const pieces = new Set<string>();
  for (const { secret } of findings) {
    for (let i = 0; i + width <= secret.length; i++) pieces.add(secret.slice(i, i + width));
  }
  return [...pieces];
}
