import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import {
  compileForScan,
  scanFile,
  type FileOutcome,
  type ScanTask,
  type ScanWorkerInit,
} from './scan-file.js';

/** `workerData` of a scan worker; the marker tells the shared CLI bundle to act as a worker. */
export interface ScanWorkerData extends ScanWorkerInit {
  keylessScanWorker: true;
}

/** Main thread -> worker. */
export type TaskMessage = ScanTask & { id: number };

/** Worker -> main thread: the outcome of task `id`. */
export type ResultMessage = FileOutcome & { id: number };

/** Worker -> main thread: `ready` once the rules are built, then one result per task. */
export type WorkerMessage = { ready: true } | ResultMessage;

export function isScanWorker(): boolean {
  return !isMainThread && (workerData as { keylessScanWorker?: unknown } | null)?.keylessScanWorker === true;
}

/**
 * Serves scan tasks until the pool terminates the thread. Reading, decoding and detection all happen
 * here so file text never crosses threads; only paths go in and findings come out. Tasks run one at a
 * time with blocking reads (this thread has nothing else to do); the pool keeps a few queued so the
 * thread never waits for the main thread between files.
 */
export function runScanWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runScanWorker() must run in a worker thread');
  const init = workerData as ScanWorkerData;
  // A bad configuration throws here; the pool sees the worker fail before `ready` and rescans its files.
  const compiled = compileForScan(init.config);
  port.postMessage({ ready: true } satisfies WorkerMessage);
  port.on('message', (task: TaskMessage) => {
    let outcome: FileOutcome;
    try {
      outcome = scanFile(task, compiled, init.maxFileSize);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      outcome = { skipped: { path: task.rel, reason: 'unreadable', detail } };
    }
    port.postMessage({ id: task.id, ...outcome } satisfies ResultMessage);
  });
}
