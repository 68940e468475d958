import ignore from 'ignore';

import type { FileChange } from '../types.js';

/** `.env` -> `.env.example`, `config/.env.local` -> `config/.env.local.example`. */
export function examplePath(path: string): string {
  return `${path}.example`;
}

const ASSIGNMENT = /^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=)\s*(.*)$/;

/** The keys of a dotenv file with empty values; comments and blank lines kept, multi-line values dropped. */
export function envExample(text: string): string {
  const out: string[] = [];
  let open: string | undefined;
  for (const line of text.split('\n')) {
    if (open !== undefined) {
      if (line.includes(open)) open = undefined;
      continue;
    }
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    out.push((m[1] as string).replace(/\s+=$/, '='));
    const value = m[2] as string;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) === -1) open = quote;
  }
  return out.join('\n');
}

function keysOf(text: string): Set<string> {
  const keys = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (m) keys.add(m[1] as string);
  }
  return keys;
}

/** An existing example keeps its text; keys it lacks are appended (empty). */
export function mergeExample(existing: string | undefined, generated: string): string {
  if (existing === undefined) return generated;
  const have = keysOf(existing);
  const missing = generated.split('\n').filter((line) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(line);
    return m !== null && !have.has(m[1] as string);
  });
  if (missing.length === 0) return existing;
  return `${existing}${existing.endsWith('\n') || existing === '' ? '' : '\n'}${missing.join('\n')}\n`;
}

/** `.gitignore` text that ignores `path` (unchanged when it already does). */
export function ignoreEntry(gitignore: string | undefined, path: string): string | undefined {
  const text = gitignore ?? '';
  if (ignore().add(text).ignores(path)) return undefined;
  const entry = path.includes('/') ? `/${path}` : path;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${entry}\n`;
}

export interface RepoFiles {
  /** Current content of a repository file, undefined when absent. */
  read(path: string): string | undefined;
}

/**
 * A secrets file that should never have been committed: delete it, keep its keys in an example file
 * (dotenv only) and ignore it from now on.
 */
export function retireSecretsFile(path: string, files: RepoFiles, withExample: boolean): FileChange[] {
  const changes: FileChange[] = [{ path, content: null }];
  const text = files.read(path);
  if (withExample && text !== undefined) {
    const example = examplePath(path);
    const existing = files.read(example);
    const merged = mergeExample(existing, envExample(text));
    if (merged !== existing) changes.push({ path: example, content: merged });
  }
  const gitignore = ignoreEntry(files.read('.gitignore'), path);
  if (gitignore !== undefined) changes.push({ path: '.gitignore', content: gitignore });
  return changes;
}
