import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { forgeFromConfig } from '../../rotation/forges/from-config.js';
import type { ConfiguredForge } from '../../rotation/forges/from-config.js';
import { diskFiles } from '../../rotation/inventory/repository.js';
import { durationDays, LEDGER_PATH } from '../../rotation/ledger.js';
import { planDirectory } from '../../rotation/plan-dir.js';
import { publishPlan } from '../../rotation/publish.js';
import type { CiSecret } from '../../rotation/types.js';
import { promoteMerged } from '../../rotation/staged.js';
import type { ReadableForge } from '../../rotation/staged.js';
import { parse } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { Io } from '../io.js';
import { planJson, planText } from './rotate-render.js';

const spec = {
  'dry-run': { type: 'boolean' },
  format: { type: 'string', short: 'f' },
  ledger: { type: 'string' },
  'max-age': { type: 'string' },
  generate: { type: 'string', multiple: true },
  labels: { type: 'string' },
  platform: { type: 'string' },
  repository: { type: 'string' },
  'project-id': { type: 'string' },
  'api-url': { type: 'string' },
  'default-branch': { type: 'string' },
  'credentials-action': { type: 'string' },
  sha: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

interface Target {
  platform: 'github' | 'gitlab';
  slug: string | undefined;
  token: string;
  forge(): ConfiguredForge;
}

function target(values: Values, env: NodeJS.ProcessEnv, warn: (m: string) => void): Target {
  const str = (k: string): string | undefined =>
    typeof values[k] === 'string' ? (values[k] as string) : undefined;
  const platform = str('platform') ?? (env['GITLAB_CI'] === 'true' ? 'gitlab' : 'github');
  if (platform !== 'github' && platform !== 'gitlab')
    throw new UsageError(`--platform: expected github or gitlab, got "${platform}"`);
  if (platform === 'github') {
    const slug = str('repository') ?? env['GITHUB_REPOSITORY'];
    const token = env['KEYLESS_GITHUB_TOKEN'] || env['GITHUB_TOKEN'] || '';
    const apiUrl = str('api-url') ?? env['GITHUB_API_URL'];
    return {
      platform,
      slug,
      token,
      forge: () => {
        if (!slug)
          throw new UsageError('--repository OWNER/NAME (or GITHUB_REPOSITORY) is needed to publish');
        return forgeFromConfig({ platform, token, repository: slug, ...(apiUrl ? { apiUrl } : {}), warn });
      },
    };
  }
  const slug = str('repository') ?? env['CI_PROJECT_PATH'];
  const projectId = str('project-id') ?? env['CI_PROJECT_ID'] ?? slug;
  const token = env['KEYLESS_GITLAB_TOKEN'] || env['GITLAB_TOKEN'] || '';
  const apiUrl = str('api-url') ?? env['CI_API_V4_URL'];
  return {
    platform,
    slug,
    token,
    forge: () => {
      if (!apiUrl || !projectId)
        throw new UsageError('GitLab needs --api-url (CI_API_V4_URL) and --project-id (CI_PROJECT_ID)');
      return forgeFromConfig({ platform, token, apiUrl, projectId, warn });
    },
  };
}

/** `owner/name` from the origin remote, for plans made outside CI. */
function slugFromGit(root: string): string | undefined {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return /[:/]([^/:]+\/[^/]+?)(?:\.git)?\s*$/.exec(url)?.[1];
  } catch {
    return undefined;
  }
}

function currentBranch(root: string): string | undefined {
  try {
    return (
      execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** `keyless rotate [PATH]` and `keyless rotate promote`. */
export async function rotateCommand(
  args: string[],
  io: Io,
  now: () => Date = () => new Date(),
): Promise<number> {
  const promote = args[0] === 'promote';
  const { values, positionals } = parse(promote ? args.slice(1) : args, spec);
  const v = values as Values;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const dryRun = v['dry-run'] === true;
  const format = str('format') ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format: expected text or json, got "${format}"`);
  const maxAge = str('max-age');
  if (maxAge !== undefined && durationDays(maxAge) === undefined)
    throw new UsageError(`--max-age: expected a duration such as 90d, 12w or 1y, got "${maxAge}"`);
  if (positionals.length > 1)
    throw new UsageError(`rotate: expected at most one PATH, got ${positionals.length}`);
  const log = (line: string): void => void io.stderr.write(`${line}\n`);
  const warn = (message: string): void => log(`keyless: warning: ${message}`);
  const where = target(v, io.env, warn);

  if (promote) {
    if (where.platform !== 'gitlab')
      throw new UsageError(
        'rotate promote: on GitHub, promotion runs in the rotate action (it needs the staged values from the workflow)',
      );
    const sha = str('sha') ?? io.env['CI_COMMIT_SHA'];
    if (!sha) throw new UsageError('rotate promote: --sha (or CI_COMMIT_SHA) is needed');
    const results = await promoteMerged(where.forge() as unknown as ReadableForge, sha, { dryRun, log });
    return results.some((r) => r.action === 'failed') ? EXIT.findings : EXIT.ok;
  }

  const root = resolve(positionals[0] ?? '.');
  if (!existsSync(root)) throw new UsageError(`${positionals[0] ?? '.'}: no such directory`);
  let forge: ConfiguredForge | undefined;
  let remote: { defaultBranch: string } | undefined;
  let ciSecrets: CiSecret[] | undefined;
  if (!dryRun) {
    forge = where.forge();
    remote = await forge.repository();
  } else if (where.token) {
    // Reading CI secrets is harmless, so a dry run lists them when it can — and plans without them when not.
    try {
      const reader = where.forge();
      remote = await reader.repository();
      ciSecrets = await reader.listSecrets();
    } catch (error) {
      warn(`CI secrets not inventoried: ${(error as Error).message}`);
    }
  }
  const repository = {
    ...(where.platform === 'gitlab' && io.env['CI_SERVER_URL'] ? { issuer: io.env['CI_SERVER_URL'] } : {}),
    slug: where.slug ?? slugFromGit(root) ?? 'OWNER/REPO',
    defaultBranch:
      str('default-branch') ??
      remote?.defaultBranch ??
      io.env['CI_DEFAULT_BRANCH'] ??
      currentBranch(root) ??
      'main',
  };
  const plan = await planDirectory({
    root,
    platform: where.platform,
    repository,
    ...(forge ? { forge } : {}),
    ...(ciSecrets ? { ciSecrets } : {}),
    generate: (v['generate'] as string[] | undefined) ?? [],
    ledgerPath: str('ledger') ?? LEDGER_PATH,
    ...(maxAge !== undefined ? { defaultMaxAge: maxAge } : {}),
    ...(str('credentials-action') !== undefined
      ? { credentialsAction: str('credentials-action') as string }
      : {}),
    now: now(),
  });
  const extra = (str('labels') ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const item of plan.items) item.labels = [...new Set([...item.labels, ...extra])];
  const files = diskFiles(root);
  if (dryRun || !forge) {
    io.stdout.write(
      format === 'json'
        ? `${JSON.stringify(planJson(plan, files, repository), null, 2)}\n`
        : planText(plan, files, repository),
    );
    return EXIT.ok;
  }
  const results = await publishPlan(plan, forge, { log, now });
  if (format === 'json')
    io.stdout.write(`${JSON.stringify({ repository, results, notes: plan.notes }, null, 2)}\n`);
  else {
    for (const r of results)
      io.stdout.write(
        `${r.action.padEnd(8)} ${r.id}${r.url ? `  ${r.url}` : ''}${r.message ? `  (${r.message})` : ''}\n`,
      );
    for (const note of plan.notes) io.stdout.write(`note     ${note}\n`);
  }
  return results.some((r) => r.action === 'failed') ? EXIT.findings : EXIT.ok;
}
