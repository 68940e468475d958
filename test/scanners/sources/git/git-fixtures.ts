import { randomBytes } from 'node:crypto';

import { emptyConfig } from '../../../../scanners/config/schema.js';
import type { Finding } from '../../../../scanners/engine/types.js';
import { withCrc32Suffix } from '../../../../scanners/engine/validators.js';
import type { GitScanOptions } from '../../../../scanners/sources/git/types.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fresh, random (fake) GitHub classic token with a valid checksum, so the built-in rule reports it. */
export function githubToken(): string {
  const body = [...randomBytes(30)].map((b) => ALPHABET[b % 62]).join('');
  return withCrc32Suffix('ghp_', body);
}

/** Scan options for a repository: built-in rules, on this thread. */
export function gitOptions(path: string, extra: Partial<GitScanOptions> = {}): GitScanOptions {
  return { path, config: emptyConfig(), maxFileSize: 10 * 1024 * 1024, workers: 0, ...extra };
}

/** What a test compares: where each finding is reported and which commit it is credited to. */
export function summary(findings: Finding[]): {
  secret: string;
  path: string;
  line: number;
  commit?: string;
  presentAtHead?: boolean;
}[] {
  return findings.map((f) => ({
    secret: f.secret,
    path: f.location.path,
    line: f.location.startLine,
    ...(f.location.commit ? { commit: f.location.commit.sha } : {}),
    ...(f.location.presentAtHead !== undefined ? { presentAtHead: f.location.presentAtHead } : {}),
  }));
}
