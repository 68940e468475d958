/**
 * The fake GitHub's repository content: a flat model of git objects (blobs, trees as path -> blob maps,
 * commits) and refs, served through the git data endpoints and `GET /repos/{owner}/{repo}`.
 */
import { createHash } from 'node:crypto';

import { notFound, type AreaAnswer, type AreaRequest, type FakeArea } from './area.js';

export interface Person {
  name: string;
  email: string;
  date?: string;
}

export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: Person;
  committer: Person;
}

const HUMAN: Person = { name: 'Dana Okafor', email: 'dana.okafor@northwind-labs.dev' };
/** Who GitHub records when a commit is written without an author (the token's user). */
const TOKEN_USER: Person = {
  name: 'keyless-app[bot]',
  email: '41898282+keyless-app[bot]@users.noreply.github.com',
};

function sha1(kind: string, text: string): string {
  return createHash('sha1').update(`${kind}\0${text}`).digest('hex');
}

export class FakeGitData implements FakeArea {
  readonly blobs = new Map<string, string>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, FakeCommit>();
  /** `heads/main` -> commit sha. */
  readonly refs = new Map<string, string>();
  /** Paths with mode 100755, per tree (every other blob is 100644). */
  readonly executables = new Map<string, Set<string>>();
  defaultBranch = 'main';
  private clock = Date.UTC(2026, 0, 5, 9);

  private blob(content: string): string {
    const sha = sha1('blob', content);
    this.blobs.set(sha, content);
    return sha;
  }

  private tree(entries: Map<string, string>, executable: Set<string> = new Set()): string {
    const sorted = new Map([...entries].sort(([a], [b]) => (a < b ? -1 : 1)));
    const modes = new Set([...executable].filter((p) => entries.has(p)));
    const sha = sha1('tree', JSON.stringify([...sorted, ...[...modes].sort()]));
    this.trees.set(sha, sorted);
    this.executables.set(sha, modes);
    return sha;
  }

  /** Mode of a path at a branch or commit. */
  mode(refOrSha: string, path: string): string {
    const sha = this.refs.get(`heads/${refOrSha}`) ?? refOrSha;
    return this.executables.get(this.commits.get(sha)?.tree ?? '')?.has(path) ? '100755' : '100644';
  }

  private date(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private addCommit(c: Omit<FakeCommit, 'sha'>): FakeCommit {
    const commit = { ...c, sha: sha1('commit', JSON.stringify(c) + String(this.clock)) };
    this.commits.set(commit.sha, commit);
    return commit;
  }

  /** A commit on `branch` (created from the default branch when missing) by a person, not the bot. */
  commitFiles(
    files: Record<string, string | null>,
    options: { branch?: string; message?: string; committer?: Person; executable?: string[] } = {},
  ): string {
    const branch = options.branch ?? this.defaultBranch;
    const parent = this.refs.get(`heads/${branch}`) ?? this.refs.get(`heads/${this.defaultBranch}`);
    const base = parent
      ? new Map(this.trees.get(this.commits.get(parent)?.tree ?? ''))
      : new Map<string, string>();
    for (const [path, content] of Object.entries(files)) {
      if (content === null) base.delete(path);
      else base.set(path, this.blob(content));
    }
    const who = { ...(options.committer ?? HUMAN), date: this.date() };
    const parentTree = parent ? (this.commits.get(parent)?.tree ?? '') : '';
    const executable = new Set([...(this.executables.get(parentTree) ?? []), ...(options.executable ?? [])]);
    const commit = this.addCommit({
      tree: this.tree(base, executable),
      parents: parent ? [parent] : [],
      message: options.message ?? 'Update files',
      author: who,
      committer: who,
    });
    this.refs.set(`heads/${branch}`, commit.sha);
    return commit.sha;
  }

  /** The files at a branch or commit. */
  files(refOrSha: string): Record<string, string> {
    const sha = this.refs.get(`heads/${refOrSha}`) ?? refOrSha;
    const tree = this.trees.get(this.commits.get(sha)?.tree ?? '');
    if (!tree) throw new Error(`no commit ${refOrSha}`);
    return Object.fromEntries([...tree].map(([path, blob]) => [path, this.blobs.get(blob) ?? '']));
  }

  answer(request: AreaRequest): AreaAnswer | undefined {
    const { operationId, params, body } = request;
    const { owner, repo } = params;
    const base = `${request.url}/repos/${owner}/${repo}`;
    switch (operationId) {
      case 'repos/get': {
        // The documented example misses `language` and nests a fork source; neither matters here.
        const { source: _source, parent: _parent, ...example } = request.example(200);
        return [
          200,
          {
            ...example,
            name: repo,
            full_name: `${owner}/${repo}`,
            language: 'TypeScript',
            default_branch: this.defaultBranch,
            html_url: `https://github.test/${owner}/${repo}`,
          },
        ];
      }
      case 'git/get-ref': {
        const ref = params['ref'] ?? '';
        const sha = this.refs.get(ref);
        if (!sha) return notFound();
        return [200, this.refView(request.example(200), ref, sha, base)];
      }
      case 'git/create-ref': {
        const ref = String(body['ref']);
        if (!ref.startsWith('refs/')) return [422, { message: 'Reference name must start with refs/' }];
        const short = ref.slice('refs/'.length);
        if (this.refs.has(short)) return [422, { message: 'Reference already exists' }];
        if (!this.commits.has(String(body['sha']))) return [422, { message: 'Object does not exist' }];
        this.refs.set(short, String(body['sha']));
        return [201, this.refView(request.example(201), short, String(body['sha']), base)];
      }
      case 'git/update-ref': {
        const ref = params['ref'] ?? '';
        const current = this.refs.get(ref);
        if (ref.startsWith('refs/') || current === undefined)
          return [422, { message: 'Reference does not exist' }];
        const sha = String(body['sha']);
        const target = this.commits.get(sha);
        if (!target) return [422, { message: 'Object does not exist' }];
        if (body['force'] !== true && !target.parents.includes(current))
          return [422, { message: 'Update is not a fast forward' }];
        this.refs.set(ref, sha);
        return [200, this.refView(request.example(200), ref, sha, base)];
      }
      case 'git/create-blob': {
        const encoding = body['encoding'] ?? 'utf-8';
        const content = String(body['content']);
        const text = encoding === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
        const sha = this.blob(text);
        return [201, { url: `${base}/git/blobs/${sha}`, sha }];
      }
      case 'git/create-tree':
        return this.createTree(request, base);
      case 'git/create-commit': {
        const tree = String(body['tree']);
        const parents = (body['parents'] as string[] | undefined) ?? [];
        if (!this.trees.has(tree) || parents.some((p) => !this.commits.has(p)))
          return [422, { message: 'Tree SHA does not exist or parent is missing' }];
        const date = this.date();
        const author = { ...((body['author'] as Person | undefined) ?? TOKEN_USER), date };
        const committer = { ...((body['committer'] as Person | undefined) ?? author), date };
        const commit = this.addCommit({ tree, parents, message: String(body['message']), author, committer });
        return [201, this.commitView(request.example(201), commit, base)];
      }
      case 'git/get-tree': {
        const sha = params['tree_sha'] ?? '';
        if (!this.trees.has(sha)) return notFound();
        // The flat model has no subtree objects: the recursive listing is the only one it gives.
        if (request.query.get('recursive') === null)
          return [422, { message: 'the fake lists trees recursively only' }];
        return [200, this.treeView(sha, base)];
      }
      case 'git/get-commit': {
        const commit = this.commits.get(params['commit_sha'] ?? '');
        if (!commit) return notFound();
        return [200, this.commitView(request.example(200), commit, base)];
      }
      default:
        return undefined;
    }
  }

  private createTree(request: AreaRequest, base: string): AreaAnswer {
    const body = request.body;
    const baseTree = body['base_tree'] === undefined ? undefined : String(body['base_tree']);
    if (baseTree !== undefined && !this.trees.has(baseTree))
      return [422, { message: 'base_tree is not a tree' }];
    const entries = new Map(baseTree ? this.trees.get(baseTree) : []);
    const executable = new Set(baseTree ? this.executables.get(baseTree) : []);
    for (const entry of body['tree'] as Record<string, unknown>[]) {
      const path = String(entry['path']);
      if (entry['mode'] === '100755') executable.add(path);
      else executable.delete(path);
      if ('sha' in entry && 'content' in entry) return [422, { message: 'sha and content are exclusive' }];
      if (entry['sha'] === null) {
        if (!entries.delete(path)) return [422, { message: `${path} is not in the base tree` }];
      } else if (typeof entry['content'] === 'string') {
        entries.set(path, this.blob(entry['content']));
      } else {
        const sha = String(entry['sha']);
        if (!this.blobs.has(sha)) return [422, { message: `blob ${sha} does not exist` }];
        entries.set(path, sha);
      }
    }
    const sha = this.tree(entries, executable);
    return [201, this.treeView(sha, base)];
  }

  private treeView(sha: string, base: string) {
    const executable = this.executables.get(sha) ?? new Set<string>();
    const tree = [...(this.trees.get(sha) ?? [])].map(([path, blob]) => ({
      path,
      mode: executable.has(path) ? '100755' : '100644',
      type: 'blob',
      size: Buffer.byteLength(this.blobs.get(blob) ?? ''),
      sha: blob,
      url: `${base}/git/blobs/${blob}`,
    }));
    return { sha, url: `${base}/git/trees/${sha}`, tree, truncated: false };
  }

  private refView(template: Record<string, unknown>, ref: string, sha: string, base: string) {
    return {
      ...template,
      ref: `refs/${ref}`,
      url: `${base}/git/refs/${ref}`,
      object: { type: 'commit', sha, url: `${base}/git/commits/${sha}` },
    };
  }

  private commitView(template: Record<string, unknown>, commit: FakeCommit, base: string) {
    return {
      ...template,
      sha: commit.sha,
      url: `${base}/git/commits/${commit.sha}`,
      html_url: `https://github.test/commit/${commit.sha}`,
      message: commit.message,
      author: commit.author,
      committer: commit.committer,
      tree: { sha: commit.tree, url: `${base}/git/trees/${commit.tree}` },
      parents: commit.parents.map((p) => ({
        sha: p,
        url: `${base}/git/commits/${p}`,
        html_url: `https://github.test/commit/${p}`,
      })),
    };
  }
}
