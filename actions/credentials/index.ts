import { readRunContext, stepRuntime } from '../runtime.js';
import { runCredentialsStep } from './main.js';

const runtime = stepRuntime();
try {
  const context = await readRunContext(process.env);
  await runCredentialsStep({ runtime, context, env: process.env });
} catch (error) {
  runtime.setFailed(`keyless credentials: ${(error as Error).message}`);
}
