import { GitError, runGit, spawnGit } from './exec.js';
import type { BlobRequest } from './blob-scan.js';

export interface ObjectListing {
  blobs: BlobRequest[];
  /** Submodule commits are not in this repository's object database: they are named, not scanned. */
  commits: number;
}

/**
 * Every blob reachable from any ref (branches, tags, remotes, stash) with its size and one path it
 * lives at, from `rev-list --objects` piped into `cat-file --batch-check` — no content is read here.
 */
export async function listReachableBlobs(cwd: string): Promise<ObjectListing> {
  const commits = Number(
    (await runGit(cwd, ['rev-list', '--all', '--count'])).stdout.toString('utf8').trim() || '0',
  );
  const revList = spawnGit(cwd, ['rev-list', '--objects', '--all']);
  const check = spawnGit(cwd, [
    'cat-file',
    '--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)',
  ]);
  const stderr: Buffer[] = [];
  revList.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  check.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  revList.on('error', () => undefined);
  check.on('error', () => undefined);
  check.stdin.on('error', () => undefined);
  revList.stdin.end();
  revList.stdout.pipe(check.stdin);
  const exits = Promise.all([
    new Promise<number>((resolve) => revList.on('close', (code) => resolve(code ?? 1))),
    new Promise<number>((resolve) => check.on('close', (code) => resolve(code ?? 1))),
  ]);

  const blobs: BlobRequest[] = [];
  let rest = '';
  for await (const chunk of check.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) parseLine(line, blobs);
  }
  if (rest) parseLine(rest, blobs);
  const [revCode, checkCode] = await exits;
  if (revCode !== 0 || checkCode !== 0) {
    const message = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? '';
    throw new GitError(
      `listing the repository's objects failed: ${message || 'git exited with an error'} (try \`git fsck\`)`,
      'corrupt',
    );
  }
  return { blobs, commits };
}

function parseLine(line: string, blobs: BlobRequest[]): void {
  // "<oid> blob <size> <path>"; commits, trees and tags are not content. A path with a newline in it
  // splits into a line git answers "missing" for, which carries nothing to scan.
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  if (first === -1 || line.slice(first + 1, second === -1 ? undefined : second) !== 'blob') return;
  const third = line.indexOf(' ', second + 1);
  const size = Number(line.slice(second + 1, third === -1 ? undefined : third));
  const path = third === -1 ? '' : line.slice(third + 1);
  blobs.push({ oid: line.slice(0, first), path, size });
}
