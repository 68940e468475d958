import { BlobScanner, compareFindings, findAddedSecrets, secretKey } from './added-secrets.js';
import { GitError, openRepo, runGit } from './exec.js';
import { parseRawDiff } from './raw-diff.js';
import type { GitScanOptions, GitScanResult } from './types.js';

/**
 * What a commit made now would add: the index against HEAD (everything staged, on a branch with no
 * commit yet). Only staged blobs are read, never the work tree, so what is scanned is exactly what
 * would be committed. A secret already in HEAD (kept on an edited line, or moved) is not reported.
 */
export async function scanStaged(options: GitScanOptions): Promise<GitScanResult> {
  const repo = await openRepo(options.path);
  if (repo.bare) {
    throw new GitError(`${repo.root} is a bare repository: it has no index to scan (--staged)`, 'failed');
  }
  // `diff --cached` compares with the empty tree when HEAD is unborn.
  const output = await runGit(repo.root, ['diff', '--cached', '--raw', '-M', '-z', '--no-abbrev']);
  const changes = parseRawDiff(output.stdout, false)[0]?.changes ?? [];
  const scanner = new BlobScanner(repo.root, options);
  const added = await findAddedSecrets([changes], scanner, options.skipPath);

  const seen = new Set<string>();
  const findings = added
    .map(({ finding }) => finding)
    .sort(compareFindings)
    .filter((finding) => {
      // One report per secret and path; the first occurrence stands for the others.
      const key = `${finding.location.path}\0${secretKey(finding)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return {
    findings,
    files: scanner.files,
    bytes: scanner.bytes,
    cached: scanner.cached,
    commits: 0,
    skipped: scanner.skipped,
    warnings: scanner.warnings,
    root: repo.root,
  };
}
