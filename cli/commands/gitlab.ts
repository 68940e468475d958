import { SEVERITIES } from '../../scanners/engine/types.js';
import { checkReport } from '../../gitlab/check.js';
import { publishMrNote, type MrTarget } from '../../gitlab/mr-note.js';
import { renderNote } from '../../gitlab/note-body.js';
import { ReportError, readSecretReport } from '../../gitlab/report.js';
import { parse, type FailOn } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { Io } from '../io.js';

const DEFAULT_REPORT = 'gl-secret-detection-report.json';

const optionSpec = {
  report: { type: 'string' },
  'fail-on': { type: 'string' },
} as const;

function readOptions(args: string[]): { report: string; failOn: FailOn } {
  const parsed = parse(args, optionSpec);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const failOn = typeof values['fail-on'] === 'string' ? values['fail-on'] : 'low';
  if (!([...SEVERITIES, 'none'] as string[]).includes(failOn))
    throw new UsageError(`--fail-on: expected one of ${[...SEVERITIES, 'none'].join(', ')}, got "${failOn}"`);
  return {
    report: typeof values['report'] === 'string' ? values['report'] : DEFAULT_REPORT,
    failOn: failOn as FailOn,
  };
}

/** The merge request to comment on and the token, from GitLab's predefined variables. */
function mrTarget(env: NodeJS.ProcessEnv): MrTarget | string {
  const token = env['KEYLESS_GITLAB_TOKEN'] || env['GITLAB_TOKEN'];
  if (!token) {
    return (
      'no token: set the masked CI/CD variable KEYLESS_GITLAB_TOKEN (or GITLAB_TOKEN) to a project or ' +
      'group access token with the `api` scope and at least the Reporter role; CI_JOB_TOKEN cannot write ' +
      'merge request notes'
    );
  }
  const missing = ['CI_API_V4_URL', 'CI_PROJECT_ID', 'CI_MERGE_REQUEST_IID'].filter((name) => !env[name]);
  if (missing.length > 0)
    return `not in a merge request pipeline (${missing.join(', ')} not set): no note to write`;
  const mrIid = Number(env['CI_MERGE_REQUEST_IID']);
  if (!Number.isInteger(mrIid) || mrIid <= 0) return 'CI_MERGE_REQUEST_IID is not a merge request IID';
  return {
    apiUrl: env['CI_API_V4_URL'] ?? '',
    token,
    projectId: env['CI_PROJECT_ID'] ?? '',
    mrIid,
  };
}

async function check(args: string[], io: Io): Promise<number> {
  const options = readOptions(args);
  const outcome = checkReport(await readSecretReport(options.report), options.failOn);
  io.stdout.write(`${outcome.lines.join('\n')}\n`);
  return outcome.code;
}

async function mrNote(args: string[], io: Io): Promise<number> {
  const options = readOptions(args);
  const target = mrTarget(io.env);
  if (typeof target === 'string') {
    io.stderr.write(`keyless: warning: ${target}\n`);
    return EXIT.ok;
  }
  const report = await readSecretReport(options.report);
  const body = renderNote(report, {
    failOn: options.failOn,
    ...(io.env['CI_PIPELINE_URL'] ? { pipelineUrl: io.env['CI_PIPELINE_URL'] } : {}),
    ...(io.env['CI_COMMIT_SHA'] ? { commitSha: io.env['CI_COMMIT_SHA'] } : {}),
  });
  const outcome = await publishMrNote(target, body, report.entries.length === 0 && report.complete);
  const where = `merge request !${target.mrIid}`;
  switch (outcome.action) {
    case 'forbidden':
      io.stderr.write(`keyless: warning: ${outcome.message ?? 'forbidden'}\n`);
      break;
    case 'skipped':
      io.stderr.write(`keyless: no findings and no earlier note on ${where}: nothing to write\n`);
      break;
    default:
      io.stderr.write(`keyless: note ${outcome.noteId ?? '?'} on ${where} ${outcome.action}\n`);
  }
  return EXIT.ok;
}

/** `keyless gitlab check|mr-note`: the GitLab jobs that follow the scan (gitlab/templates). */
export async function gitlabCommand(args: string[], io: Io): Promise<number> {
  const [action, ...rest] = args;
  try {
    switch (action) {
      case 'check':
        return await check(rest, io);
      case 'mr-note':
        return await mrNote(rest, io);
      default:
        throw new UsageError(
          `gitlab: expected "check" or "mr-note", got ${action === undefined ? 'nothing' : `"${action}"`}`,
        );
    }
  } catch (error) {
    if (!(error instanceof ReportError)) throw error;
    io.stderr.write(`keyless: ${error.message}\n`);
    return EXIT.error;
  }
}
