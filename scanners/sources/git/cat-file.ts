import type { Writable } from 'node:stream';

import { GitError, spawnGit } from './exec.js';

export type CatFileEntry =
  { oid: string; type: string; size: number; data: Buffer } | { oid: string; missing: true };

/**
 * Streams the content of `oids` through one `git cat-file --batch` process, in the order given. Each
 * object's bytes land in a buffer of their own (not a slice of a shared one), so callers can transfer
 * them to a worker without copying. Output is pulled as the caller consumes, so memory stays at a few
 * objects however many are requested.
 */
export async function* catFileBatch(cwd: string, oids: Iterable<string>): AsyncGenerator<CatFileEntry> {
  const child = spawnGit(cwd, ['cat-file', '--batch']);
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  child.stdin.on('error', () => undefined);
  let requested = 0;
  const feeding = feed(child.stdin, oids, () => requested++);

  let pending: Buffer = Buffer.alloc(0);
  let current: { oid: string; type: string; size: number; data: Buffer; filled: number } | undefined;
  let answered = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let input = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      while (input.length > 0) {
        if (current) {
          const take = Math.min(current.size - current.filled, input.length);
          input.copy(current.data, current.filled, 0, take);
          current.filled += take;
          input = input.subarray(take);
          if (current.filled < current.size) break;
          // Each object is followed by a newline, which may only come with the next chunk.
          if (input.length === 0) break;
          input = input.subarray(1);
          const { oid, type, size, data } = current;
          current = undefined;
          answered++;
          yield { oid, type, size, data };
          continue;
        }
        const eol = input.indexOf(10);
        if (eol === -1) {
          pending = Buffer.from(input);
          break;
        }
        const header = input.subarray(0, eol).toString('latin1');
        input = input.subarray(eol + 1);
        const parts = header.split(' ');
        if (parts[1] === 'missing' || parts[1] === 'ambiguous') {
          answered++;
          yield { oid: parts[0] ?? '', missing: true };
          continue;
        }
        const size = Number(parts[2]);
        if (parts.length !== 3 || !Number.isSafeInteger(size) || size < 0) {
          throw new GitError(`git cat-file printed an unexpected header: ${header.slice(0, 80)}`, 'corrupt');
        }
        current = {
          oid: parts[0] ?? '',
          type: parts[1] ?? '',
          size,
          data: Buffer.allocUnsafeSlow(size),
          filled: 0,
        };
      }
    }
    await feeding;
    const code = await exited;
    if (spawnError) throw spawnError;
    if (current || answered < requested || code !== 0) {
      const message = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? '';
      throw new GitError(
        `git cat-file stopped after ${answered} of ${requested} objects${message ? `: ${message}` : ''}`,
        'corrupt',
      );
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

async function feed(stdin: Writable, oids: Iterable<string>, count: () => void): Promise<void> {
  let batch = '';
  for (const oid of oids) {
    count();
    batch += `${oid}\n`;
    if (batch.length >= 64 * 1024) {
      if (!stdin.write(batch)) {
        // A git that died stops reading; its `close` ends the wait that `drain` never would.
        await new Promise((resolve) => {
          stdin.once('drain', resolve);
          stdin.once('close', resolve);
        });
      }
      if (stdin.destroyed) return;
      batch = '';
    }
  }
  stdin.end(batch);
}
