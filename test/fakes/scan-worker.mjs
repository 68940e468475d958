// A stand-in scan worker for pool tests: speaks the pool's protocol without loading TypeScript.
// Behaviour is chosen by file name: `crash*` throws, `hang*` never answers, anything else is "scanned".
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

if (workerData?.config?.failStart) throw new Error('fake worker cannot start');
parentPort.postMessage({ ready: true });
parentPort.on('message', (task) => {
  const name = task.rel.split('/').pop();
  if (name.startsWith('crash')) throw new Error('fake worker crashed');
  if (name.startsWith('hang')) for (;;);
  parentPort.postMessage({ id: task.id, findings: [], bytes: statSync(task.abs).size });
});
