/**
 * The raw-read floor: how fast this machine can read the scanned files at all, with the scanner's own
 * parallelism. The scanner runs one worker thread per core, each reading whole files and scanning them;
 * the floor runs the same number of worker threads, each claiming the next file from a shared counter
 * and reading it with `fs.readFile`, and does nothing with the bytes. `decode: true` adds the UTF-8
 * decoding every scanner must do before it can look at text, to show what that step alone costs.
 */
import { readFile } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

interface ReadWorkerData {
  benchReadWorker: true;
  paths: string[];
  counter: SharedArrayBuffer;
  decode: boolean;
}

type ReadWorkerMessage = { ready: true } | { done: true; bytes: number; chars: number };

export interface FloorResult {
  threads: number;
  files: number;
  bytes: number;
  seconds: number;
  /** user + system CPU seconds of the whole process (all threads) during the read. */
  cpuSeconds: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

async function serve(data: ReadWorkerData, port: NonNullable<typeof parentPort>): Promise<void> {
  const next = new Int32Array(data.counter);
  let bytes = 0;
  let chars = 0;
  for (;;) {
    const index = Atomics.add(next, 0, 1);
    const path = data.paths[index];
    if (path === undefined) break;
    const buffer = await readFile(path);
    bytes += buffer.length;
    if (data.decode) chars += utf8.decode(buffer).length;
  }
  port.postMessage({ done: true, bytes, chars } satisfies ReadWorkerMessage);
}

/** Reads every file once on `threads` worker threads; timing starts when all of them are ready. */
export async function measureFloor(paths: string[], threads: number, decode = false): Promise<FloorResult> {
  const counter = new SharedArrayBuffer(4);
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  const done: Promise<number>[] = [];
  for (let i = 0; i < threads; i++) {
    const data: ReadWorkerData = { benchReadWorker: true, paths, counter, decode };
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    workers.push(worker);
    ready.push(
      new Promise((resolve, reject) => {
        worker.once('error', reject);
        worker.once('message', () => resolve());
      }),
    );
  }
  try {
    await Promise.all(ready);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const worker of workers) {
      done.push(
        new Promise((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (m: ReadWorkerMessage) => {
            if ('done' in m) resolve(m.bytes);
          });
        }),
      );
      worker.postMessage('go');
    }
    const bytes = (await Promise.all(done)).reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return { threads, files: paths.length, bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && (workerData as { benchReadWorker?: unknown } | null)?.benchReadWorker === true) {
  const port = parentPort;
  if (!port) throw new Error('read worker without a parent port');
  port.once('message', () => {
    void serve(workerData as ReadWorkerData, port);
  });
  port.postMessage({ ready: true } satisfies ReadWorkerMessage);
}
