/**
 * The scan worker the `git log -p` replay hands its fragments to: the CLI's own worker code
 * (scanners/sources/worker.ts), started from a script of the benchmark's build so the replay needs no
 * CLI bundle and scans with exactly what `keyless scan` runs on its threads.
 */
import { isScanWorker, runScanWorker } from '../scanners/sources/worker.js';

if (isScanWorker()) runScanWorker();
