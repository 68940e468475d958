/**
 * The history floor: every blob reachable from any ref, streamed out of git and thrown away. The blob
 * list comes from `git rev-list --objects --all` filtered by `git cat-file --batch-check`; the contents
 * from one `git cat-file --batch` reading those ids, parsed in Node (header, then size bytes) so the
 * floor, like a scanner, sees each blob as a unit. Nothing is done with the bytes: no scanner that gets
 * its content from git can be faster than this on this machine.
 */
import { spawnMeasured } from './spawn-measured.js';

export interface BlobList {
  ids: string[];
  bytes: number;
  /** Size of the largest blob. */
  largest: number;
}

export interface GitFloorResult {
  blobs: number;
  bytes: number;
  seconds: number;
  /** Listing the blobs (rev-list + batch-check), part of `seconds`. */
  listSeconds: number;
  /** git processes plus this process's parsing. */
  cpuSeconds: number;
}

const LIST_SCRIPT =
  'git -C "$1" rev-list --objects --all --no-object-names | ' +
  'git -C "$1" cat-file --buffer "--batch-check=%(objecttype) %(objectname) %(objectsize)"';

/** Ids and total size of the blobs reachable from all refs, each once. */
export async function listBlobs(repo: string): Promise<BlobList & { cpuSeconds: number }> {
  const { child, done } = spawnMeasured(LIST_SCRIPT, [repo]);
  child.stdin.end();
  const ids: string[] = [];
  let bytes = 0;
  let largest = 0;
  let carry = '';
  for await (const chunk of child.stdout.setEncoding('latin1') as AsyncIterable<string>) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('blob ')) continue;
      const [, id, size] = line.split(' ');
      ids.push(id as string);
      const n = Number(size);
      bytes += n;
      if (n > largest) largest = n;
    }
  }
  const result = await done;
  if (result.code !== 0) throw new Error(`listing blobs failed (${result.code}): ${result.stderr.trim()}`);
  return { ids, bytes, largest, cpuSeconds: result.childCpuSeconds };
}

/** Reads every listed blob through one `git cat-file --batch`; resolves with blob count and bytes. */
export async function streamBlobs(
  repo: string,
  ids: string[],
): Promise<{ blobs: number; bytes: number; cpuSeconds: number }> {
  const { child, done } = spawnMeasured('git -C "$1" cat-file --batch --buffer', [repo]);
  // Written while the output is read; Node buffers what the pipe cannot take yet.
  child.stdin.on('error', () => undefined);
  child.stdin.end(ids.join('\n') + '\n');
  let blobs = 0;
  let bytes = 0;
  let skip = 0;
  let header = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const nl = chunk.indexOf(10, i);
      if (nl < 0) {
        header += chunk.toString('latin1', i);
        break;
      }
      const line = header + chunk.toString('latin1', i, nl);
      header = '';
      i = nl + 1;
      const [id, type, size] = line.split(' ');
      if (type !== 'blob') throw new Error(`cat-file answered "${line}" for a listed blob ${id}`);
      blobs++;
      bytes += Number(size);
      // The content, then the newline cat-file puts after it.
      skip = Number(size) + 1;
    }
  }
  const result = await done;
  if (result.code !== 0) throw new Error(`git cat-file failed (${result.code}): ${result.stderr.trim()}`);
  return { blobs, bytes, cpuSeconds: result.childCpuSeconds };
}

export async function measureGitFloor(repo: string): Promise<GitFloorResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const list = await listBlobs(repo);
  const listSeconds = (performance.now() - started) / 1000;
  const streamed = await streamBlobs(repo, list.ids);
  const seconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(cpuBefore);
  if (streamed.bytes !== list.bytes) {
    throw new Error(`cat-file streamed ${streamed.bytes} bytes; batch-check listed ${list.bytes}`);
  }
  return {
    blobs: streamed.blobs,
    bytes: streamed.bytes,
    seconds,
    listSeconds,
    cpuSeconds: list.cpuSeconds + streamed.cpuSeconds + (own.user + own.system) / 1e6,
  };
}
