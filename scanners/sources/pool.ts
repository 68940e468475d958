import { Worker } from 'node:worker_threads';

import type { FileOutcome, ScanTask, ScanWorkerInit } from './scan-file.js';
import type { ScanWorkerData, TaskMessage, WorkerMessage } from './worker.js';

export interface PoolOptions {
  /** Script that runs `runScanWorker()` when started with `workerData.keylessScanWorker`. */
  workerUrl: URL;
  /** Upper bound on threads; they are started only as the walk outpaces the ones running. */
  workers: number;
  init: ScanWorkerInit;
  /** Files handed to one worker and not yet answered. Bounds memory and keeps each worker busy. */
  maxInFlight?: number;
  /** A worker silent this long on one file is stopped and the file reported unreadable. */
  taskTimeoutMs?: number;
  onResult: (task: ScanTask, outcome: FileOutcome) => void;
  /** Scans a file on this thread once no worker is left. */
  fallback: (task: ScanTask) => Promise<FileOutcome>;
}

interface Slot {
  index: number;
  worker: Worker;
  inFlight: Map<number, ScanTask>;
  alive: boolean;
  /** Set once the worker has built its rules; a failure before that is not any file's doing. */
  ready: boolean;
  failure?: string;
  /** Fires when the file at the head of `inFlight` takes too long. */
  timer?: NodeJS.Timeout;
}

const DEFAULT_IN_FLIGHT = 4;
// Generous: a 10 MB file scans in well under a second; only a pathological regex takes minutes.
const DEFAULT_TASK_TIMEOUT_MS = 120_000;
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Dispatches file paths to worker threads with back-pressure: `submit` resolves once the task is handed
 * to a worker, which waits while every worker already holds `maxInFlight` files. Workers answer in
 * order, one file at a time, so the oldest unanswered file is the one a worker is busy with.
 *
 * No file is lost silently. A worker that dies (or stays silent on one file past the timeout) gets its
 * current file reported unreadable with the reason; files it had not started go to other workers. A
 * worker that fails before it is ready (bad script, failed import) is nobody's file's fault: all its
 * files go elsewhere. Replacements are started up to a limit; after that the scan finishes on this
 * thread.
 */
export class ScanPool {
  readonly warnings: string[] = [];
  private readonly slots: Slot[] = [];
  private readonly maxInFlight: number;
  private readonly taskTimeoutMs: number;
  private readonly maxStarts: number;
  private started = 0;
  private nextId = 0;
  private pending = 0;
  private wakeups: (() => void)[] = [];
  private closing = false;

  constructor(private readonly options: PoolOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_IN_FLIGHT);
    this.taskTimeoutMs = options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
    this.maxStarts = options.workers * 2;
  }

  async submit(task: ScanTask): Promise<void> {
    for (;;) {
      let slot = this.leastLoaded();
      if ((!slot || slot.inFlight.size > 0) && this.canSpawn()) slot = this.spawn() ?? slot;
      if (slot && slot.inFlight.size < this.maxInFlight) {
        this.send(slot, task);
        return;
      }
      if (!this.slots.some((s) => s.alive)) {
        this.pending++;
        let outcome: FileOutcome;
        try {
          outcome = await this.options.fallback(task);
        } catch (error) {
          this.settle();
          throw error;
        }
        this.finish(task, outcome);
        return;
      }
      await this.changed();
    }
  }

  /** Resolves when every submitted file has an outcome. */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.changed();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.filter((s) => s.alive).map((s) => s.worker.terminate()));
  }

  private canSpawn(): boolean {
    const alive = this.slots.filter((s) => s.alive).length;
    return alive < this.options.workers && this.started < this.maxStarts;
  }

  private leastLoaded(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.alive && (!best || slot.inFlight.size < best.inFlight.size)) best = slot;
    }
    return best;
  }

  private spawn(): Slot | undefined {
    const index = this.started++;
    const workerData: ScanWorkerData = { keylessScanWorker: true, ...this.options.init };
    let worker: Worker;
    try {
      worker = new Worker(this.options.workerUrl, { workerData });
    } catch (error) {
      // The attempt still counts, so a script that cannot start is not retried for every file.
      this.warnings.push(`scan worker ${index} could not start: ${message(error)}`);
      return undefined;
    }
    const slot: Slot = { index, worker, inFlight: new Map(), alive: true, ready: false };
    this.slots.push(slot);
    // Start-up (loading the script, compiling rules) is not any file's time; it gets its own limit.
    this.watch(slot, Math.max(this.taskTimeoutMs, STARTUP_TIMEOUT_MS), 'not ready');
    worker.on('message', (result: WorkerMessage) => this.receive(slot, result));
    worker.on('error', (error) => {
      slot.failure ??= message(error);
    });
    worker.on('messageerror', (error) => {
      slot.failure ??= message(error);
      void worker.terminate();
    });
    worker.on('exit', (code) => this.retire(slot, slot.failure ?? `exited with code ${code}`));
    return slot;
  }

  private send(slot: Slot, task: ScanTask): void {
    const id = this.nextId++;
    slot.inFlight.set(id, task);
    this.pending++;
    if (slot.inFlight.size === 1 && slot.ready) this.arm(slot);
    if ('data' in task) {
      // Content moves to the worker instead of being copied; a view into a larger buffer is copied first
      // so the transfer cannot detach bytes the caller still uses. (`Buffer#slice` would not copy.)
      const whole = task.data.byteOffset === 0 && task.data.byteLength === task.data.buffer.byteLength;
      const data = whole ? task.data : new Uint8Array(task.data);
      const message: TaskMessage = { id, rel: task.rel, data };
      slot.worker.postMessage(message, [data.buffer as ArrayBuffer]);
    } else if ('bundle' in task) {
      // Bundles are built for the pool: their buffer is theirs alone and moves without a copy.
      const message: TaskMessage = { id, rel: task.rel, bundle: task.bundle };
      slot.worker.postMessage(message, [task.bundle.data.buffer as ArrayBuffer]);
    } else {
      slot.worker.postMessage({ id, abs: task.abs, rel: task.rel } satisfies TaskMessage);
    }
  }

  /** (Re)starts the clock for the file the worker is on now. */
  private arm(slot: Slot): void {
    clearTimeout(slot.timer);
    if (slot.inFlight.size > 0) this.watch(slot, this.taskTimeoutMs, 'no answer');
  }

  private watch(slot: Slot, ms: number, what: string): void {
    clearTimeout(slot.timer);
    if (!Number.isFinite(ms)) return;
    slot.timer = setTimeout(() => {
      this.retire(slot, `${what} after ${ms < 10_000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`}`);
      void slot.worker.terminate();
    }, ms);
    // The workers keep the process alive while there is work; the watchdog alone must not.
    slot.timer.unref();
  }

  private receive(slot: Slot, result: WorkerMessage): void {
    if ('ready' in result) {
      slot.ready = true;
      this.arm(slot);
      return;
    }
    const task = slot.inFlight.get(result.id);
    if (!task) return;
    slot.inFlight.delete(result.id);
    this.arm(slot);
    const { id: _id, ...outcome } = result;
    this.finish(task, outcome);
  }

  private retire(slot: Slot, failure: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    clearTimeout(slot.timer);
    const tasks = [...slot.inFlight.values()];
    slot.inFlight.clear();
    if (this.closing && tasks.length === 0) return;
    const current = slot.ready ? tasks.shift() : undefined;
    const left = this.slots.filter((s) => s.alive).length;
    const next =
      left > 0 || this.canSpawn() ? 'continuing with other workers' : 'continuing on the main thread';
    const what = slot.ready ? `stopped (${failure})` : `failed to start (${failure})`;
    const lost = current ? `; ${current.rel} reported unreadable` : '';
    this.warnings.push(`scan worker ${slot.index} ${what}${lost}; ${next}`);
    if (current) {
      const detail = `scan worker failed: ${failure}`;
      this.finish(current, { skipped: { path: current.rel, reason: 'unreadable', detail } });
    }
    for (const task of tasks) void this.resubmit(task);
    this.notify();
  }

  /** Hands a file a lost worker had not started to another worker (or this thread). */
  private async resubmit(task: ScanTask): Promise<void> {
    // The task stays counted as pending until its new dispatch is counted, so drain() cannot finish early.
    try {
      await this.submit(task);
    } catch (error) {
      this.options.onResult(task, {
        skipped: { path: task.rel, reason: 'unreadable', detail: message(error) },
      });
    } finally {
      this.settle();
    }
  }

  private finish(task: ScanTask, outcome: FileOutcome): void {
    try {
      this.options.onResult(task, outcome);
    } finally {
      this.settle();
    }
  }

  private settle(): void {
    this.pending--;
    this.notify();
  }

  private notify(): void {
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const wake of wakeups) wake();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.wakeups.push(resolve));
  }
}

function message(error: unknown): string {
  // Errors from a worker are structured clones, not always `instanceof Error` in this realm.
  const text = (error as { message?: unknown } | null)?.message;
  return typeof text === 'string' ? text : String(error);
}
