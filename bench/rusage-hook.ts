/**
 * Preloaded into the keyless CLI (`node --import`) so the benchmark learns the child's peak RSS and CPU
 * time: Node's spawn results carry no rusage, and /usr/bin/time is neither everywhere nor the same
 * everywhere. `process.resourceUsage()` is per process, so the scan worker threads are included.
 */
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const target = process.env['KEYLESS_BENCH_RUSAGE'];
// Workers inherit execArgv and load this too; only the main thread's exit reports.
if (target && isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({ maxRssKiB: usage.maxRSS, userUs: usage.userCPUTime, systemUs: usage.systemCPUTime }),
    );
  });
}
