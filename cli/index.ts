#!/usr/bin/env node
import { isScanWorker, runScanWorker } from '../scanners/sources/worker.js';
import { main } from './main.js';

// The bundle is also the scan worker script: one file to ship, and workers load the same rules.
if (isScanWorker()) {
  runScanWorker();
} else {
  const code = await main(
    process.argv.slice(2),
    { stdout: process.stdout, stderr: process.stderr, env: process.env },
    new URL(import.meta.url),
  );
  process.exitCode = code;
}
