import { actionsRuntime, readRunContext } from '../runtime.js';
import { defaultPlanner } from './default-planner.js';
import { runRotate } from './main.js';

const runtime = actionsRuntime();
try {
  const context = await readRunContext(process.env);
  const planner = defaultPlanner({
    payload: context.payload,
    ...(process.env['GITHUB_ACTION_REPOSITORY']
      ? { actionRepository: process.env['GITHUB_ACTION_REPOSITORY'] }
      : {}),
    ...(process.env['GITHUB_ACTION_REF'] ? { actionRef: process.env['GITHUB_ACTION_REF'] } : {}),
  });
  await runRotate({ runtime, context, planner });
} catch (error) {
  runtime.setFailed(`keyless rotate: ${(error as Error).message}`);
}
