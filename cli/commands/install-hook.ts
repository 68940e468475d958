import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { gitText, openRepo } from '../../scanners/sources/git/exec.js';
import { parse } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import type { Io } from '../io.js';

/** The keyless the user ran: the hook calls the same one, so it does not depend on PATH. */
export interface HookRunner {
  /** Absolute path of the Node.js binary. */
  node: string;
  /** Absolute path of the CLI script; undefined when unknown (the hook then looks for `keyless` on PATH). */
  script: string | undefined;
}

const MARKER = '# keyless-hook:';
const BACKUP_LINE = /^# keyless-backup: (.+)$/m;
const SCAN_ARGS = 'scan git --staged --no-progress';

/** Single-quoted for sh: the only character to escape is the quote itself. */
const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export function hookScript(runner: HookRunner, backup?: string): string {
  const lines = [
    '#!/bin/sh',
    `${MARKER} installed by \`keyless install-hook\`; remove it with \`keyless install-hook --uninstall\`.`,
    '# Blocks a commit whose staged changes add a secret. Skip the check once with `git commit --no-verify`.',
    ...(backup ? [`# keyless-backup: ${backup}`] : []),
    `node=${shQuote(runner.node)}`,
    `keyless=${shQuote(runner.script ?? '')}`,
    'if [ -x "$node" ] && [ -f "$keyless" ]; then',
    `  exec "$node" "$keyless" ${SCAN_ARGS}`,
    'fi',
    'if command -v keyless >/dev/null 2>&1; then',
    `  exec keyless ${SCAN_ARGS}`,
    'fi',
    // Failing closed: a hook that cannot scan must not let the commit through unnoticed.
    'echo "keyless pre-commit hook: keyless is neither at $keyless nor on PATH; reinstall it, or remove the hook with: keyless install-hook --uninstall" >&2',
    'exit 1',
    '',
  ];
  return lines.join('\n');
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** `pre-commit.bak`, or `.bak.1`, `.bak.2`... when earlier backups are there: none is overwritten. */
async function freeBackupName(hook: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = `${hook}.bak${n === 0 ? '' : `.${n}`}`;
    if (!(await exists(candidate))) return candidate;
  }
}

/** Where git runs this repository's pre-commit hook (`core.hooksPath`, linked worktrees included). */
export async function preCommitHookPath(path: string): Promise<string> {
  const repo = await openRepo(path);
  if (repo.bare)
    throw new Error(`${repo.root} is a bare repository: commits are not made there, no hook to install`);
  // From the work tree's root: a relative core.hooksPath is relative to it.
  const hooks = await gitText(repo.root, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks']);
  return join(hooks, 'pre-commit');
}

/**
 * `keyless install-hook [PATH] [--force] [--uninstall]`: writes (or removes) a pre-commit hook running
 * `keyless scan git --staged`. Never replaces a hook keyless did not write unless forced, and then keeps
 * it as a backup that `--uninstall` puts back.
 */
export async function installHookCommand(args: string[], io: Io, runner: HookRunner): Promise<number> {
  const parsed = parse(args, { force: { type: 'boolean' }, uninstall: { type: 'boolean' } });
  const { positionals } = parsed;
  const values = parsed.values as { force?: boolean; uninstall?: boolean };
  if (positionals.length > 1)
    throw new UsageError(`install-hook: expected at most one PATH, got ${positionals.length}`);
  const hook = await preCommitHookPath(resolve(positionals[0] ?? '.'));
  const existing = await readIfExists(hook);
  const ours = existing?.includes(MARKER) === true;
  const say = (message: string): void => void io.stdout.write(`keyless: ${message}\n`);

  if (values.uninstall === true) {
    if (existing === undefined) {
      say(`no pre-commit hook at ${hook}; nothing to remove`);
      return EXIT.ok;
    }
    if (!ours) throw new Error(`${hook} was not written by keyless; left it in place`);
    await rm(hook);
    const backup = BACKUP_LINE.exec(existing)?.[1];
    const backupPath = backup ? join(dirname(hook), backup) : undefined;
    if (backupPath && (await exists(backupPath))) {
      await rename(backupPath, hook);
      say(`removed the keyless pre-commit hook and restored the previous one from ${backup}`);
    } else {
      say(`removed the keyless pre-commit hook ${hook}`);
    }
    return EXIT.ok;
  }

  let backup = ours ? BACKUP_LINE.exec(existing ?? '')?.[1] : undefined;
  if (existing !== undefined && !ours) {
    if (values.force !== true) {
      const framework = /pre-commit\.com|pre_commit/.test(existing)
        ? ' It looks like the pre-commit framework: add the `keyless` hook to .pre-commit-config.yaml instead.'
        : '';
      throw new Error(
        `${hook} already exists and was not written by keyless; rerun with --force to replace it (it is kept as a .bak), or add \`keyless ${SCAN_ARGS}\` to it yourself.${framework}`,
      );
    }
    const backupPath = await freeBackupName(hook);
    await rename(hook, backupPath);
    backup = basename(backupPath);
    say(`kept the previous pre-commit hook as ${backupPath}`);
  }
  const script = hookScript(runner, backup);
  if (existing === script) {
    say(`the keyless pre-commit hook is already installed at ${hook}`);
    return EXIT.ok;
  }
  await mkdir(dirname(hook), { recursive: true });
  await writeFile(hook, script, { mode: 0o755 });
  // `mode` applies only to new files; an existing hook keeps its old bits otherwise.
  await chmod(hook, 0o755);
  say(`${ours ? 'updated' : 'installed'} the pre-commit hook ${hook}: it runs keyless ${SCAN_ARGS}`);
  return EXIT.ok;
}
