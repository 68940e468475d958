import type { ScanMode } from './inputs.js';

/** What to scan, decided from the `scan` input and the event that started the workflow. */
export type ScanPlan =
  | { kind: 'range'; base: string; head: string; why: string }
  /** A branch's first push: the commits not on the default branch, else the head commit alone. */
  | { kind: 'new-branch'; head: string; defaultBranch?: string; why: string }
  | { kind: 'history'; why: string }
  | { kind: 'dir'; why: string }
  | { kind: 'image'; why: string }
  | { kind: 'nothing'; why: string };

/** Where results belong on GitHub: the commit a check run is attached to, the PR to comment on. */
export interface EventTarget {
  headSha: string;
  pullNumber?: number;
  /** The PR's head lives in another repository: the token is read-only there. */
  fromFork: boolean;
}

const ZERO_SHA = /^0+$/;
const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

interface PullRefs {
  number?: number;
  base?: string;
  head?: string;
  headRepo?: string;
  baseRepo?: string;
}

function pullRefs(payload: Record<string, unknown>): PullRefs {
  const pull = record(payload['pull_request']);
  const base = record(pull['base']);
  const head = record(pull['head']);
  const number = typeof pull['number'] === 'number' ? pull['number'] : undefined;
  const refs: PullRefs = {};
  if (number !== undefined) refs.number = number;
  const baseSha = text(base['sha']);
  const headSha = text(head['sha']);
  const headRepo = text(record(head['repo'])['full_name']);
  const baseRepo = text(record(base['repo'])['full_name']);
  if (baseSha) refs.base = baseSha;
  if (headSha) refs.head = headSha;
  if (headRepo) refs.headRepo = headRepo;
  if (baseRepo) refs.baseRepo = baseRepo;
  return refs;
}

export function eventTarget(eventName: string, payload: Record<string, unknown>, sha: string): EventTarget {
  if (PR_EVENTS.has(eventName)) {
    const pull = pullRefs(payload);
    return {
      headSha: pull.head ?? sha,
      ...(pull.number !== undefined ? { pullNumber: pull.number } : {}),
      fromFork: pull.headRepo !== undefined && pull.baseRepo !== undefined && pull.headRepo !== pull.baseRepo,
    };
  }
  const after = text(payload['after']);
  return { headSha: eventName === 'push' && after && !ZERO_SHA.test(after) ? after : sha, fromFork: false };
}

/** The changes an event brings, for `scan: auto` and `scan: diff`; undefined when it brings none. */
function eventRange(eventName: string, payload: Record<string, unknown>): ScanPlan | undefined {
  if (PR_EVENTS.has(eventName)) {
    const pull = pullRefs(payload);
    if (!pull.base || !pull.head) return undefined;
    return {
      kind: 'range',
      base: pull.base,
      head: pull.head,
      why: `pull request #${pull.number ?? '?'}: what it adds (${pull.base.slice(0, 12)}..${pull.head.slice(0, 12)})`,
    };
  }
  if (eventName === 'push') {
    const before = text(payload['before']);
    const after = text(payload['after']);
    if (!after) return undefined;
    if (ZERO_SHA.test(after)) return { kind: 'nothing', why: 'push deleted the branch: nothing to scan' };
    if (!before || ZERO_SHA.test(before)) {
      const defaultBranch = text(record(payload['repository'])['default_branch']);
      // The default branch itself was created: nothing to compare with, all it holds was just pushed.
      if (defaultBranch && payload['ref'] === `refs/heads/${defaultBranch}`) {
        return { kind: 'history', why: `first push of ${defaultBranch}: its whole history` };
      }
      return {
        kind: 'new-branch',
        head: after,
        ...(defaultBranch ? { defaultBranch } : {}),
        why: `push of a new branch: the commits not on ${defaultBranch ?? 'the default branch'}`,
      };
    }
    return {
      kind: 'range',
      base: before,
      head: after,
      why: `push: the pushed commits (${before.slice(0, 12)}..${after.slice(0, 12)})`,
    };
  }
  return undefined;
}

export function planScan(mode: ScanMode, eventName: string, payload: Record<string, unknown>): ScanPlan {
  switch (mode) {
    case 'history':
      return { kind: 'history', why: 'scan: history (every commit reachable from HEAD)' };
    case 'dir':
      return { kind: 'dir', why: 'scan: dir (the working tree)' };
    case 'image':
      return { kind: 'image', why: 'scan: image' };
    case 'diff': {
      const range = eventRange(eventName, payload);
      if (!range) {
        throw new Error(
          `scan: diff needs a pull_request, pull_request_target or push event; this is "${eventName || 'unknown'}" (use scan: dir or history)`,
        );
      }
      return range;
    }
    case 'auto':
      return (
        eventRange(eventName, payload) ?? {
          kind: 'dir',
          why: `${eventName || 'this'} event carries no range: the working tree`,
        }
      );
  }
}
