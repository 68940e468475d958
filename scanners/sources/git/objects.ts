import type { Readable, Writable } from 'node:stream';

import { GitError, runGit, spawnGit, waitForDrain } from './exec.js';
import type { BlobRequest } from './blob-scan.js';

export interface ObjectListing {
  blobs: BlobRequest[];
  /** Objects the history names but the object database lacks (partial or damaged clone). */
  missing: { oid: string; path?: string }[];
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
  // Missing objects are listed (`?<oid>`) instead of stopping the walk, so the rest is still scanned.
  const revList = spawnGit(cwd, ['rev-list', '--objects', '--all', '--missing=print']);
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
  const missing: ObjectListing['missing'] = [];
  const forwarding = forward(revList.stdout, check.stdin, missing);
  const exits = Promise.all([
    new Promise<number>((resolve) => revList.on('close', (code) => resolve(code ?? 1))),
    new Promise<number>((resolve) => check.on('close', (code) => resolve(code ?? 1))),
  ]);

  const blobs: BlobRequest[] = [];
  let rest = '';
  for await (const chunk of check.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) parseLine(line, blobs, missing);
  }
  if (rest) parseLine(rest, blobs, missing);
  await forwarding;
  const [revCode, checkCode] = await exits;
  if (revCode !== 0 || checkCode !== 0) {
    const message = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? '';
    throw new GitError(
      `listing the repository's objects failed: ${message || 'git exited with an error'} (try \`git fsck\`)`,
      'corrupt',
    );
  }
  if (missing.length > 0) await nameMissing(cwd, missing);
  return { blobs, missing, commits };
}

/** Damaged objects are rare: one more walk finds the paths they were listed at. */
async function nameMissing(cwd: string, missing: ObjectListing['missing']): Promise<void> {
  const wanted = new Map(missing.map((entry) => [entry.oid, entry]));
  const listing = await runGit(cwd, ['rev-list', '--objects', '--all', '--missing=print'], {
    allowFailure: true,
  });
  for (const line of listing.stdout.toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    const entry = space > 0 ? wanted.get(line.slice(0, space)) : undefined;
    if (entry && entry.path === undefined && space + 1 < line.length) entry.path = line.slice(space + 1);
  }
}

/** Passes rev-list's lines to cat-file, keeping back the ones that name missing objects. */
async function forward(from: Readable, to: Writable, missing: ObjectListing['missing']): Promise<void> {
  let rest = '';
  for await (const chunk of from as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString('latin1')).split('\n');
    rest = lines.pop() ?? '';
    let out = '';
    for (const line of lines) {
      if (line.startsWith('?')) missing.push({ oid: line.slice(1) });
      else out += `${line}\n`;
    }
    if (out && !to.write(Buffer.from(out, 'latin1'))) await waitForDrain(to);
  }
  if (rest.startsWith('?')) missing.push({ oid: rest.slice(1) });
  to.end(rest && !rest.startsWith('?') ? Buffer.from(`${rest}\n`, 'latin1') : undefined);
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

function parseLine(line: string, blobs: BlobRequest[], missing: ObjectListing['missing']): void {
  // "<oid> blob <size> <path>"; commits, trees and tags are not content. A path with a newline in it
  // splits into a line git answers "missing" for, which carries nothing to scan; a real object id
  // answered "missing" exists but cannot be read (damaged).
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  if (
    OID.test(line.slice(0, first)) &&
    line.slice(first + 1, second === -1 ? undefined : second) === 'missing'
  ) {
    // `%(rest)` is not printed for missing objects; the path is the rest of what rev-list said.
    missing.push({ oid: line.slice(0, first) });
    return;
  }
  if (first === -1 || line.slice(first + 1, second === -1 ? undefined : second) !== 'blob') return;
  const third = line.indexOf(' ', second + 1);
  const size = Number(line.slice(second + 1, third === -1 ? undefined : third));
  const path = third === -1 ? '' : line.slice(third + 1);
  blobs.push({ oid: line.slice(0, first), path, size });
}
