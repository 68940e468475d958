import { isScanWorker, runScanWorker } from '../../scanners/sources/worker.js';
import { actionsRuntime, readRunContext } from '../runtime.js';
import { runAction } from './main.js';

// The bundle is also the scan worker script, as in the CLI: worker threads load this same file.
if (isScanWorker()) {
  runScanWorker();
} else {
  const runtime = actionsRuntime();
  try {
    const context = await readRunContext(process.env);
    await runAction({ runtime, context, env: process.env, workerUrl: new URL(import.meta.url) });
  } catch (error) {
    runtime.setFailed(`keyless: ${(error as Error).message}`);
  }
}
