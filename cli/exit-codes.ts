/** Stable, documented exit codes (README "Exit codes"). */
export const EXIT = {
  /** Scan completed; nothing at or above `--fail-on`. */
  ok: 0,
  /** Scan completed; findings at or above `--fail-on`. */
  findings: 1,
  /** The scan could not complete: bad usage, invalid configuration, unreadable input, or files skipped by errors. */
  error: 2,
} as const;

export class UsageError extends Error {}
