import { actionsRuntime, readRunContext } from '../runtime.js';
import { defaultPlanner } from './default-planner.js';
import { runRotate } from './main.js';

const runtime = actionsRuntime();
try {
  const context = await readRunContext(process.env);
  await runRotate({ runtime, context, planner: defaultPlanner });
} catch (error) {
  runtime.setFailed(`keyless rotate: ${(error as Error).message}`);
}
