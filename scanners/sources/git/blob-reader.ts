import type { Writable } from 'node:stream';

import { GitError, spawnGit, waitForDrain } from './exec.js';

/** A blob to read; `size` comes from `cat-file --batch-check` and is checked against what git sends. */
export interface BlobToRead {
  oid: string;
  path: string;
}

/** What git produced for a blob: its bytes, or why there are none. */
export type BlobRead = { oid: string; data: Uint8Array } | { oid: string; unreadable: string };

/**
 * Streams blobs out of one long-lived `git cat-file --batch`: a single process keeps its delta-base
 * cache across the whole history (one process per few hundred blobs inflated the same bases again and
 * again), and reading here while the workers scan overlaps git's work with detection.
 * `onBlob` may await (back-pressure); `data` is only valid until it returns. If git dies on a damaged
 * object, that blob is reported unreadable and a new git carries on with the rest.
 */
export async function readBlobs(
  cwd: string,
  blobs: readonly BlobToRead[],
  onBlob: (read: BlobRead) => Promise<void> | void,
): Promise<void> {
  let next = 0;
  while (next < blobs.length) {
    const { done, stderr } = await readRun(cwd, blobs, next, onBlob);
    next = done;
    if (next >= blobs.length) break;
    // git stopped before answering blob `next`: that object is the damaged one.
    const culprit = blobs[next] as BlobToRead;
    const why = stderr.split('\n').find((line) => line.trim() !== '') ?? 'git cat-file stopped';
    await onBlob({
      oid: culprit.oid,
      unreadable: `blob ${culprit.oid} could not be read: ${why.replace(/^fatal: /, '')} (run \`git fsck\`)`,
    });
    next++;
  }
}

/** One git process from blob `start` on; returns how many blobs were answered in full, in order. */
async function readRun(
  cwd: string,
  blobs: readonly BlobToRead[],
  start: number,
  onBlob: (read: BlobRead) => Promise<void> | void,
): Promise<{ done: number; stderr: string }> {
  const child = spawnGit(cwd, ['cat-file', '--batch']);
  const errors: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
  let failed: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      failed =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new GitError('git is not installed or not on PATH')
          : error;
      resolve();
    });
    child.on('close', () => resolve());
  });
  child.stdin.on('error', () => undefined);
  const feeding = feed(child.stdin, blobs, start);

  let index = start;
  let header = '';
  // The blob being assembled when it spans chunks; `filled` bytes of it so far.
  let pending: { oid: string; data: Uint8Array; filled: number } | undefined;
  let skipNewline = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        if (skipNewline) {
          at++;
          skipNewline = false;
          continue;
        }
        if (pending) {
          const take = Math.min(pending.data.length - pending.filled, chunk.length - at);
          pending.data.set(chunk.subarray(at, at + take), pending.filled);
          pending.filled += take;
          at += take;
          if (pending.filled === pending.data.length) {
            const blob = pending;
            pending = undefined;
            skipNewline = true;
            await onBlob({ oid: blob.oid, data: blob.data });
            index++;
          }
          continue;
        }
        const eol = chunk.indexOf(10, at);
        if (eol === -1) {
          header += chunk.toString('latin1', at);
          break;
        }
        header += chunk.toString('latin1', at, eol);
        at = eol + 1;
        const expected = blobs[index];
        const [oid = '', type = '', size = ''] = header.split(' ');
        header = '';
        if (!expected || oid !== expected.oid) {
          throw new Error(
            `git cat-file answered ${oid || '(nothing)'} for ${expected?.oid ?? '(no request)'}`,
          );
        }
        if (type === 'missing' || type === 'ambiguous') {
          await onBlob({
            oid,
            unreadable: `blob ${oid} could not be read: missing or damaged in the object database (run \`git fsck\`)`,
          });
          index++;
          continue;
        }
        const length = Number(size);
        if (chunk.length - at >= length) {
          // The common case: the whole blob is in this chunk, no copy needed.
          const data = chunk.subarray(at, at + length);
          at += length;
          skipNewline = true;
          await onBlob({ oid, data });
          index++;
        } else {
          pending = { oid, data: new Uint8Array(length), filled: 0 };
        }
      }
    }
  } finally {
    child.stdin.destroy();
    await feeding.catch(() => undefined);
    await exited;
  }
  if (failed) throw failed;
  return { done: index, stderr: Buffer.concat(errors).toString('utf8') };
}

async function feed(stdin: Writable, blobs: readonly BlobToRead[], start: number): Promise<void> {
  const LINES = 1024;
  for (let from = start; from < blobs.length; from += LINES) {
    const text = blobs
      .slice(from, from + LINES)
      .map((blob) => `${blob.oid}\n`)
      .join('');
    if (stdin.destroyed) return;
    if (!stdin.write(text)) await waitForDrain(stdin);
  }
  stdin.end();
}
