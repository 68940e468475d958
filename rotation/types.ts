/**
 * The seam between rotation planning (pure: inventory, ledger, file rewrites, PR bodies) and the forges
 * that publish a plan (GitHub through Octokit, GitLab through gitbeaker). Planning never talks to a
 * forge except through `Forge`; forges never decide what to change.
 */

/** The four kinds of change a rotation item can propose. */
export type ItemKind = 'literal' | 'migrate-oidc' | 'generated' | 'stale';

/** Where a CI secret lives. GitLab project/group variables map to `project`/`group`. */
export type SecretScope =
  | { kind: 'repository' }
  | { kind: 'environment'; environment: string }
  | { kind: 'organization' }
  | { kind: 'project' }
  | { kind: 'group'; group: string };

/** A CI secret as the platform lists it. GitLab keeps no timestamps, so `updatedAt` is then absent. */
export interface CiSecret {
  name: string;
  scope: SecretScope;
  /** ISO 8601. */
  updatedAt?: string;
  /** GitLab: variable is masked / protected. */
  masked?: boolean;
  protected?: boolean;
}

/** One file of a change: new full content, or `null` to delete it. Paths are repository-relative, `/`. */
export interface FileChange {
  path: string;
  content: string | null;
}

/**
 * A secret value to write. `value` is produced in memory and only ever handed to `Forge.setSecret`;
 * it never appears in a title, body, commit, log or error.
 */
export interface SecretWrite {
  name: string;
  scope: SecretScope;
  value: string;
}

/** One reviewable change: becomes one branch `keyless/rotate/<id>` and one pull/merge request. */
export interface RotationItem {
  /** Stable across runs for the same subject (so the same PR is found and updated): `[a-z0-9-]+`. */
  id: string;
  kind: ItemKind;
  title: string;
  /** Markdown without the marker (the publisher adds it). Must not contain a secret value. */
  body: string;
  files: FileChange[];
  labels: string[];
  /** `generated` items: values staged before the PR opens (phase 1). */
  secrets?: SecretWrite[];
}

export interface Plan {
  items: RotationItem[];
  /** Things noticed that need a human but no change (e.g. a CI secret missing from the ledger). */
  notes: string[];
}

/** An open pull/merge request this tool made earlier for an item, found by its hidden marker. */
export interface ExistingChange {
  number: number;
  url: string;
  branch: string;
  /** Head commit of the branch. */
  headSha: string;
  /** False when someone else pushed to the branch after the bot: the bot must not overwrite it. */
  headIsOurs: boolean;
}

export interface PublishedChange {
  number: number;
  url: string;
  created: boolean;
}

export interface CommitInput {
  branch: string;
  baseSha: string;
  files: FileChange[];
  message: string;
  commitTrailer: string;
}

export interface PublishInput {
  branch: string;
  base: string;
  title: string;
  body: string;
  labels: string[];
  existing?: ExistingChange;
}

/** `value: null` deletes the secret. */
export interface SecretInput {
  name: string;
  scope: SecretScope;
  value: string | null;
}

/**
 * What a forge must do for rotation — deliberately small. Implementations: rotation/forges/github.ts,
 * rotation/forges/gitlab.ts. Every method throws `ForgeError` with the HTTP status and a likely cause.
 */
export interface Forge {
  /** Default branch and its head commit. */
  repository(): Promise<{ defaultBranch: string; headSha: string; url: string }>;
  /** Every CI secret visible to the token (GitHub: repository, environment, organization). */
  listSecrets(): Promise<CiSecret[]>;
  /** The open change for `branch` carrying `marker` in its body, if any. */
  findChange(branch: string, marker: string): Promise<ExistingChange | undefined>;
  /**
   * One commit with `files` on top of `baseSha`, written to `branch` (created or force-moved). The caller
   * has checked `headIsOurs`; `commitTrailer` goes into the message so later runs can recognise the bot's
   * own commits.
   */
  commit(input: CommitInput): Promise<{ sha: string }>;
  /** Creates the pull/merge request, or updates title/body/labels of `existing`. */
  publish(input: PublishInput): Promise<PublishedChange>;
  /** Writes (GitHub: sealed box) or, with `value: null`, deletes a CI secret. */
  setSecret(input: SecretInput): Promise<void>;
}

export class ForgeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ForgeError';
  }
}
