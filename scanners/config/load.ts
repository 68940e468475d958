import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError } from './errors.js';
import { readConfig, type KeylessConfig } from './schema.js';
import { dottedPath, readYaml } from './yaml-fields.js';

export { ConfigError } from './errors.js';
export type { CustomRuleSpec, KeylessConfig } from './schema.js';

/** Names looked up in the scan root, in this order. */
export const CONFIG_FILE_NAMES = ['.keyless.yml', '.keyless.yaml'] as const;

/** Pure: validates `.keyless.yml` text. `fileName` is only used in error messages. */
export function parseConfig(text: string, fileName: string): KeylessConfig {
  return readConfig(readYaml(text, fileName, dottedPath));
}

/**
 * Reads and validates a config file. `displayName` (default: `path`) is how errors name the file,
 * e.g. the repo-relative `.keyless.yml` rather than an absolute checkout path.
 */
export async function loadConfig(path: string, displayName: string = path): Promise<KeylessConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { file: displayName, message: `cannot read the config file: ${describeIoError(error)}` },
    ]);
  }
  return parseConfig(text, displayName);
}

/**
 * The config file in `root`, or undefined when there is none. Having both spellings is an error:
 * silently picking one would ignore edits made to the other.
 */
export async function findConfig(root: string): Promise<string | undefined> {
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(root, name);
    try {
      if ((await stat(candidate)).isFile()) found.push(candidate);
    } catch {
      // absent: try the next name
    }
  }
  if (found.length > 1) {
    throw new ConfigError([
      {
        file: CONFIG_FILE_NAMES[0],
        message: `both ${CONFIG_FILE_NAMES.join(' and ')} exist in ${root}; keep one`,
      },
    ]);
  }
  return found[0];
}

export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
