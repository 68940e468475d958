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
}

const DEFAULT_IN_FLIGHT = 4;

/**
 * Dispatches file paths to worker threads with back-pressure: `submit` resolves once the task is handed
 * to a worker, which waits while every worker already holds `maxInFlight` files. A worker that dies
 * takes none of its files silently: they are reported as unreadable with the worker's error, and the
 * scan carries on with the remaining workers, or on this thread when none is left.
 */
export class ScanPool {
  readonly warnings: string[] = [];
  private readonly slots: Slot[] = [];
  private readonly maxInFlight: number;
  private started = 0;
  private nextId = 0;
  private pending = 0;
  private wakeups: (() => void)[] = [];
  private closing = false;

  constructor(private readonly options: PoolOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_IN_FLIGHT);
  }

  async submit(task: ScanTask): Promise<void> {
    for (;;) {
      let slot = this.leastLoaded();
      if ((!slot || slot.inFlight.size > 0) && this.started < this.options.workers)
        slot = this.spawn() ?? slot;
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
    worker.on('message', (result: WorkerMessage) => this.receive(slot, result));
    worker.on('error', (error) => {
      slot.failure ??= message(error);
    });
    worker.on('messageerror', (error) => {
      slot.failure ??= message(error);
      void worker.terminate();
    });
    worker.on('exit', (code) => this.lost(slot, slot.failure ?? `exited with code ${code}`));
    return slot;
  }

  private send(slot: Slot, task: ScanTask): void {
    const id = this.nextId++;
    slot.inFlight.set(id, task);
    this.pending++;
    slot.worker.postMessage({ id, abs: task.abs, rel: task.rel } satisfies TaskMessage);
  }

  private receive(slot: Slot, result: WorkerMessage): void {
    if ('ready' in result) {
      slot.ready = true;
      return;
    }
    const task = slot.inFlight.get(result.id);
    if (!task) return;
    slot.inFlight.delete(result.id);
    const { id: _id, ...outcome } = result;
    this.finish(task, outcome);
  }

  private lost(slot: Slot, failure: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    const tasks = [...slot.inFlight.values()];
    slot.inFlight.clear();
    if (this.closing && tasks.length === 0) return;
    const left = this.slots.filter((s) => s.alive).length;
    const next = left > 0 ? `continuing with ${left} worker(s)` : 'continuing on the main thread';
    if (!slot.ready) {
      this.warnings.push(`scan worker ${slot.index} failed to start (${failure}); ${next}`);
      for (const task of tasks) void this.resubmit(task);
    } else {
      this.warnings.push(
        `scan worker ${slot.index} stopped (${failure}); ${tasks.length} file(s) reported unreadable; ${next}`,
      );
      const detail = `scan worker failed: ${failure}`;
      for (const task of tasks)
        this.finish(task, { skipped: { path: task.rel, reason: 'unreadable', detail } });
    }
    this.notify();
  }

  /** Hands a task of a worker that never started to another worker (or this thread). */
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
  return error instanceof Error ? error.message : String(error);
}
