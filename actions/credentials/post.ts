import { stepRuntime } from '../runtime.js';
import { runCredentialsPost } from './cleanup.js';

const runtime = stepRuntime();
try {
  await runCredentialsPost(runtime);
} catch (error) {
  // Post never fails the job: what it could not undo expires on its own.
  runtime.warning(`keyless credentials post: ${(error as Error).message}`);
}
