import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { RepoFiles } from '../rewrite/dotenv.js';
import type { WorkflowFile } from './workflows.js';

/** Files of a checked-out repository, read on demand (repository-relative `/` paths). */
export function diskFiles(root: string): RepoFiles {
  return {
    read(path: string): string | undefined {
      const abs = join(root, ...path.split('/'));
      return existsSync(abs) && statSync(abs).isFile() ? readFileSync(abs, 'utf8') : undefined;
    },
  };
}

/** `.github/workflows/*.yml|yaml` and `.gitlab-ci.yml`, sorted by path. */
export function readWorkflows(root: string): WorkflowFile[] {
  const files = diskFiles(root);
  const dir = join(root, '.github', 'workflows');
  const paths = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => `.github/workflows/${name}`)
    : [];
  paths.push('.gitlab-ci.yml');
  return paths.flatMap((path) => {
    const text = files.read(path);
    return text === undefined ? [] : [{ path, text }];
  });
}
