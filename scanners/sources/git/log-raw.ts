import type { CommitInfo } from '../../engine/types.js';
import { GitError, spawnGit } from './exec.js';

/** One file a commit changed, as `git log --raw` shows it. */
export interface RawChange {
  commit: CommitInfo;
  /** Position of the commit in the log's order (parents before children with `--topo-order --reverse`). */
  order: number;
  status: string;
  /** Blob the path has after the commit (all zeros when deleted). */
  newOid: string;
  path: string;
}

const HEADER = 0x01;
const FIELD = '\x1f';
export const LOG_FORMAT = `--format=%x01%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s`;

/**
 * Streams `git log <args> --raw -z` as changes. NUL-separated output keeps any path intact (spaces,
 * newlines, bytes that are not UTF-8); paths are decoded as UTF-8 with replacement characters.
 */
export async function* logRaw(cwd: string, args: string[]): AsyncGenerator<RawChange> {
  const child = spawnGit(cwd, ['log', ...args, '--raw', '-z', '--no-abbrev', LOG_FORMAT]);
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  child.on('error', () => undefined);
  child.stdin.end();

  let commit: CommitInfo | undefined;
  let order = -1;
  let meta: string | undefined;
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let nul = data.indexOf(0, start); nul !== -1; nul = data.indexOf(0, start)) {
        let token = data.subarray(start, nul);
        start = nul + 1;
        if (token[0] === 0x0a) token = token.subarray(1);
        if (meta !== undefined) {
          const parts = meta.split(' ');
          const status = parts[4] ?? '';
          meta = undefined;
          yield { commit: commit!, order, status, newOid: parts[3] ?? '', path: token.toString('utf8') };
          continue;
        }
        if (token[0] === HEADER) {
          const [sha = '', author = '', email = '', date = '', ...subject] = token
            .subarray(1)
            .toString('utf8')
            .split(FIELD);
          // A merge shown against each parent repeats its header; it is still one commit.
          if (commit?.sha !== sha) order++;
          commit = { sha, author, email, date, message: subject.join(FIELD) };
        } else if (token[0] === 0x3a /* ':' */ && commit) {
          meta = token.toString('latin1');
          // Renames and copies name two paths; with --no-renames there is always one.
          if (/^:\S+ \S+ \S+ \S+ [RC]/.test(meta))
            throw new GitError('git log printed a rename; expected --no-renames');
        }
      }
      rest = Buffer.from(data.subarray(start));
    }
    const code = await exited;
    if (code !== 0) {
      const message = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? '';
      throw new GitError(
        `git log failed: ${message}`,
        /corrupt|bad object|unable to read/i.test(message) ? 'corrupt' : 'failed',
      );
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
