import { runGit } from './exec.js';

export interface HeadTree {
  /** Path -> blob id of every file at HEAD (empty without a HEAD commit). */
  blobs: Map<string, string>;
  /** Paths of submodules (gitlinks) at HEAD. */
  submodules: string[];
}

/** The files of the HEAD commit, or of any other commit-ish given. */
export async function headTree(root: string, rev = 'HEAD'): Promise<HeadTree> {
  const blobs = new Map<string, string>();
  const submodules: string[] = [];
  const resolved = await runGit(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
    allowFailure: true,
  });
  // An unborn branch (no commit yet) has no files.
  if (resolved.code !== 0) return { blobs, submodules };
  const listing = await runGit(root, [
    'ls-tree',
    '-r',
    '-z',
    '--full-tree',
    resolved.stdout.toString().trim(),
  ]);
  for (const entry of listing.stdout.toString('utf8').split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [, type = '', oid = ''] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    if (type === 'blob') blobs.set(path, oid);
    else if (type === 'commit') submodules.push(path);
  }
  return { blobs, submodules };
}
