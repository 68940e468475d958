import type { KeylessConfig } from '../../config/load.js';
import type { Finding, Rule, Skipped } from '../../engine/types.js';
import type { CleanCache } from '../scan-cache.js';

/** What every git scan (history, range, staged) is given. */
export interface GitScanOptions {
  /** Any directory inside the repository. */
  path: string;
  config: KeylessConfig;
  /** `true` skips a repo-relative path; a finding is kept if any path it lives at is not skipped. */
  skipPath?: ((rel: string) => boolean) | undefined;
  maxFileSize: number;
  rules?: Rule[] | undefined;
  workers?: number | undefined;
  workerUrl?: URL | undefined;
  cache?: CleanCache | undefined;
  onProgress?: ((progress: { files: number; bytes: number }) => void) | undefined;
}

export interface GitScanResult {
  /** Sorted by path, line, column, rule id; `location.commit` says where each was introduced. */
  findings: Finding[];
  /** Distinct blobs read and scanned. */
  files: number;
  bytes: number;
  /** Blobs not read because the cache knew them clean. */
  cached: number;
  /** Commits the scan covered. */
  commits: number;
  skipped: Skipped[];
  /** Problems that did not stop the scan (submodules not scanned, missing attribution...). */
  warnings: string[];
  /** Resolved repository root and, for ranges, the resolved commits. */
  root: string;
  range?: { base: string; head: string; mergeBase?: string };
}
