/**
 * The history of the benchmark's git repository, produced as a `git fast-import` stream: an initial
 * tree of source-like files, then thousands of commits that edit a few files each (every edit is a new
 * blob version of the whole file, as in a real repository), add new files, now and then delete or
 * rename one; feature branches that are merged back (some merges carry a change of their own, as a
 * conflict resolution does), a few that never are, and tags. Fabricated credentials are planted in a
 * handful of commits and about half of them are removed again later: a history scan must still find
 * those. Everything comes from the seeded generator, so a seed gives the same repository everywhere.
 */
import { KINDS, SYNTAX, TIERS, layout, type Generator as MakeText, type Kind, type Tier } from './corpus.js';
import { Rng } from './prng.js';
import { insertAt, plant } from './secrets.js';
import { fnName, sentence } from './vocab.js';

export interface HistoryOptions {
  seed: number;
  /** Stop once the blobs written reach this many bytes (and `minCommits` is reached). */
  targetBytes: number;
  minCommits: number;
  /** Bytes of the first commit's tree. */
  initialBytes: number;
  /** About this many fakes are planted by ordinary commits; merges add a few more. */
  plants: number;
}

/** A planted fake. `text` holds the secret: it stays in memory and never reaches the manifest. */
export interface Plant {
  kind: string;
  text: string;
  path: string;
  branch: string;
  /** fast-import mark of the commit that introduced it. */
  commitMark: number;
  /** Added by a merge commit's own change: a patch replay that skips merges never sees it. */
  inMerge: boolean;
  /** Removed by a later commit on main (it may still live on in other branches' history). */
  removedByCommit: boolean;
}

export interface HistoryTally {
  commits: number;
  merges: number;
  branches: number;
  tags: number;
  blobs: number;
  blobBytes: number;
  plants: Plant[];
  /** Contents of main's final tree, to tell which plants are still present at HEAD. */
  head: Map<string, FileState>;
}

interface FileState {
  content: string;
  kind: Kind;
  make: MakeText;
  blob: number;
}

interface Branch {
  ref: string;
  tree: Map<string, FileState>;
  tip: number;
  /** Paths the branch added, changed or deleted since it forked: what its merge brings to main. */
  touched: Set<string>;
  commits: number;
  goal: number;
}

const AUTHORS = [
  'Ada Quill <ada.quill@acme.io>',
  'Bram Okafor <bram.okafor@acme.io>',
  'Chen Liu <chen.liu@acme.io>',
  'Dara Novak <dara.novak@acme.io>',
  'Eli Haddad <eli.haddad@acme.io>',
  'Femi Adeyemi <femi.adeyemi@acme.io>',
  'Greta Lund <greta.lund@acme.io>',
  'Hiro Tanaka <hiro.tanaka@acme.io>',
];
const MAX_OPEN_BRANCHES = 4;
const TAG_EVERY = 120;

/** The stream, chunk by chunk; `tally` is complete once the generator is exhausted. */
export function* history(options: HistoryOptions, tally: HistoryTally): Generator<string> {
  const rng = new Rng(options.seed);
  const paths: string[] = [];
  let mark = 0;
  let time = Date.UTC(2021, 0, 4) / 1000;
  const main: Branch = {
    ref: 'refs/heads/main',
    tree: new Map(),
    tip: 0,
    touched: new Set(),
    commits: 0,
    goal: 0,
  };
  const open: Branch[] = [];
  const pendingRemoval: Plant[] = [];
  let branchNames = 0;
  let mainCommits = 0;

  function* blob(state: Omit<FileState, 'blob'>): Generator<string, FileState> {
    const bytes = Buffer.byteLength(state.content);
    const m = ++mark;
    tally.blobs++;
    tally.blobBytes += bytes;
    yield `blob\nmark :${m}\ndata ${bytes}\n`;
    yield state.content;
    yield '\n';
    return { ...state, blob: m };
  }

  function newFile(): { path: string; state: Omit<FileState, 'blob'> } {
    const tier = rng.weighted(
      Object.fromEntries(Object.entries(TIERS).map(([t, v]) => [t, v.weight])) as Record<Tier, number>,
    );
    const kind = rng.weighted(KINDS[tier] as Record<Kind, number>);
    const { path, make } = layout(rng, kind);
    let unique = path;
    for (let n = 2; paths.includes(unique); n++) unique = path.replace(/(\.[^./]+)$/, `-${n}$1`);
    paths.push(unique);
    return {
      path: unique,
      state: { kind, make, content: make(rng, rng.logUniform(TIERS[tier].min, TIERS[tier].max)) },
    };
  }

  function inTree(branch: Branch, p: Plant): boolean {
    return branch.tree.get(p.path)?.content.includes(p.text) === true;
  }

  /** A path in `tree` that the commit being built has not written yet (a second write would hide the first). */
  function pickPath(tree: Map<string, FileState>, busy: ReadonlySet<string> = new Set()): string {
    for (;;) {
      const path = rng.pick(paths);
      if (tree.has(path) && !busy.has(path)) return path;
    }
  }

  function commitHeader(branch: Branch, message: string, merge?: Branch): string {
    for (const p of tally.plants) if (p.commitMark === 0) p.commitMark = mark + 1;
    const author = rng.pick(AUTHORS);
    time += rng.int(120, 36 * 3600);
    const m = ++mark;
    const from = branch.tip > 0 ? `from :${branch.tip}\n` : '';
    const also = merge ? `merge :${merge.tip}\n` : '';
    branch.tip = m;
    tally.commits++;
    return (
      `commit ${branch.ref}\nmark :${m}\nauthor ${author} ${time} +0000\ncommitter ${author} ${time} +0000\n` +
      `data ${Buffer.byteLength(message)}\n${message}\n${from}${also}`
    );
  }

  function plantInto(state: Omit<FileState, 'blob'>, path: string, branch: Branch, inMerge: boolean): Plant {
    const p = plant(rng, SYNTAX[state.kind]);
    state.content = insertAt(rng, state.content, p.text, SYNTAX[state.kind]);
    // The commit's mark is set once its header is written (commitHeader).
    const record: Plant = {
      kind: p.kind,
      text: p.text,
      path,
      branch: branch.ref,
      commitMark: 0,
      inMerge,
      removedByCommit: false,
    };
    tally.plants.push(record);
    if (rng.chance(0.5)) pendingRemoval.push(record);
    return record;
  }

  // The first commit: a whole project at once.
  const initialOps: string[] = [];
  for (let bytes = 0; bytes < options.initialBytes;) {
    const { path, state } = newFile();
    const file = yield* blob(state);
    main.tree.set(path, file);
    initialOps.push(`M 100644 :${file.blob} ${path}\n`);
    bytes += state.content.length;
  }
  yield commitHeader(main, 'Initial import\n') + initialOps.join('') + '\n';

  const plantChance = options.plants / options.minCommits;
  while (tally.commits < options.minCommits || tally.blobBytes < options.targetBytes) {
    const ahead = tally.blobBytes / options.targetBytes > tally.commits / options.minCommits;
    if (open.length < MAX_OPEN_BRANCHES && rng.chance(0.06)) {
      const name = `refs/heads/feature/${++branchNames}-${fnName(rng).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
      open.push({
        ref: name,
        tree: new Map(main.tree),
        tip: main.tip,
        touched: new Set(),
        commits: 0,
        goal: rng.int(1, 14),
      });
      continue;
    }
    const feature = open.length > 0 && rng.chance(0.45) ? rng.pick(open) : undefined;
    if (feature && feature.commits >= feature.goal) {
      open.splice(open.indexOf(feature), 1);
      // Some branches are abandoned: their commits are reachable only from their own ref.
      if (!rng.chance(0.1)) yield* mergeIntoMain(feature);
      continue;
    }
    const branch = feature ?? main;
    const ops: string[] = [];
    const busy = new Set<string>();
    const edits = ahead ? 1 : rng.int(2, 5);
    let plantHere = rng.chance(plantChance);
    for (let i = 0; i < edits; i++) {
      const path = pickPath(branch.tree, busy);
      busy.add(path);
      const old = branch.tree.get(path) as FileState;
      const next = { kind: old.kind, make: old.make, content: old.content };
      for (let n = rng.int(1, 3); n > 0; n--) next.content = edit(rng, next.content, next.kind, next.make);
      if (plantHere) {
        plantInto(next, path, branch, false);
        plantHere = false;
      }
      const file = yield* blob(next);
      branch.tree.set(path, file);
      branch.touched.add(path);
      ops.push(`M 100644 :${file.blob} ${path}\n`);
    }
    if (rng.chance(0.25)) {
      const { path, state } = newFile();
      const file = yield* blob(state);
      branch.tree.set(path, file);
      branch.touched.add(path);
      busy.add(path);
      ops.push(`M 100644 :${file.blob} ${path}\n`);
    }
    if (rng.chance(0.03)) {
      const path = pickPath(branch.tree, busy);
      busy.add(path);
      branch.tree.delete(path);
      branch.touched.add(path);
      ops.push(`D ${path}\n`);
    } else if (rng.chance(0.01)) {
      // A rename: the same blob at a new path, so no new content.
      const from = pickPath(branch.tree, busy);
      const state = branch.tree.get(from) as FileState;
      const { path: to } = newFile();
      branch.tree.delete(from);
      branch.tree.set(to, state);
      branch.touched.add(from).add(to);
      busy.add(from).add(to);
      ops.push(`D ${from}\nM 100644 :${state.blob} ${to}\n`);
      for (const p of tally.plants) if (p.path === from) p.path = to;
    }
    const index =
      branch === main && rng.chance(0.04)
        ? pendingRemoval.findIndex((p) => !busy.has(p.path) && inTree(main, p))
        : -1;
    if (index >= 0) {
      const gone = pendingRemoval.splice(index, 1)[0] as Plant;
      const state = main.tree.get(gone.path) as FileState;
      const file = yield* blob({ ...state, content: state.content.replace(gone.text, '') });
      main.tree.set(gone.path, file);
      ops.push(`M 100644 :${file.blob} ${gone.path}\n`);
      gone.removedByCommit = true;
    }
    const message = `${fnName(rng)}: ${sentence(rng, 3, 9)}\n`;
    yield commitHeader(branch, message) + ops.join('') + '\n';
    branch.commits++;
    if (branch === main && ++mainCommits % TAG_EVERY === 0) yield tag(mainCommits / TAG_EVERY);
  }
  tally.branches = 1 + branchNames;
  tally.head = main.tree;

  function* mergeIntoMain(feature: Branch): Generator<string> {
    const ops: string[] = [];
    for (const path of feature.touched) {
      const state = feature.tree.get(path);
      if (state) {
        main.tree.set(path, state);
        ops.push(`M 100644 :${state.blob} ${path}\n`);
      } else if (main.tree.delete(path)) {
        ops.push(`D ${path}\n`);
      }
    }
    // A merge with a change of its own, as resolving a conflict makes; some of them plant a fake.
    const withPlant = tally.plants.filter((p) => p.inMerge).length < 3 && rng.chance(0.2);
    if (withPlant || rng.chance(0.12)) {
      const path = pickPath(main.tree);
      const old = main.tree.get(path) as FileState;
      const next = { kind: old.kind, make: old.make, content: edit(rng, old.content, old.kind, old.make) };
      if (withPlant) plantInto(next, path, main, true);
      const file = yield* blob(next);
      main.tree.set(path, file);
      ops.push(`M 100644 :${file.blob} ${path}\n`);
    }
    tally.merges++;
    const message = `Merge branch '${feature.ref.slice('refs/heads/'.length)}'\n`;
    yield commitHeader(main, message, feature) + ops.join('') + '\n';
  }

  function tag(n: number): string {
    tally.tags++;
    if (n % 2 === 1) return `reset refs/tags/v1.${n}.0\nfrom :${main.tip}\n\n`;
    const message = `Release 1.${n}.0\n`;
    return (
      `tag v1.${n}.0\nfrom :${main.tip}\ntagger ${rng.pick(AUTHORS)} ${time} +0000\n` +
      `data ${message.length}\n${message}\n`
    );
  }
}

export function emptyTally(): HistoryTally {
  return { commits: 0, merges: 0, branches: 0, tags: 0, blobs: 0, blobBytes: 0, plants: [], head: new Map() };
}

/** One edit: replace, insert or remove a run of lines (of statements, in single-line files). */
function edit(rng: Rng, content: string, kind: Kind, make: MakeText): string {
  const sep = SYNTAX[kind] === 'inline' ? ';' : '\n';
  const at = boundary(content, rng.int(0, content.length), sep);
  const op = rng.weighted({ replace: 60, insert: 25, remove: 15 });
  const end =
    op === 'insert' ? at : boundary(content, Math.min(content.length, at + rng.logUniform(40, 3000)), sep);
  let added = op === 'remove' ? '' : make(rng, rng.logUniform(80, 3000));
  if (added.length > 0 && !added.endsWith(sep)) added += sep;
  return content.slice(0, at) + added + content.slice(end);
}

function boundary(text: string, from: number, sep: string): number {
  const at = text.indexOf(sep, from);
  return at < 0 ? text.length : at + 1;
}
