/**
 * How the rotation bot recognises its own commits. A head commit is the bot's when its message carries
 * the trailer AND its committer is the identity the forge writes with: a human who amends, rebases or
 * cherry-picks the bot's commit becomes its committer (the trailer survives, the committer does not),
 * and a human commit on top has neither. Either alone would let the bot overwrite someone's work.
 */

import { ForgeError } from '../types.js';

/** Trailer key of every commit the bot writes: `Keyless-Rotation: <item id>`. */
export const TRAILER_KEY = 'Keyless-Rotation';

export interface CommitIdentity {
  name: string;
  email: string;
}

/** GitHub commits are written (author and committer) as this identity unless configured otherwise. */
export const DEFAULT_IDENTITY: CommitIdentity = {
  name: 'keyless-rotation',
  email: 'keyless-rotation@users.noreply.github.com',
};

export function trailerFor(id: string): string {
  return `${TRAILER_KEY}: ${id}`;
}

/** True when the message's last paragraph has a `Keyless-Rotation:` trailer line. */
export function hasTrailer(message: string): boolean {
  const paragraphs = message.trimEnd().split(/\n\s*\n/);
  const last = paragraphs.at(-1) ?? '';
  return last.split('\n').some((line) => line.startsWith(`${TRAILER_KEY}: `));
}

/** The rule above: the trailer AND the bot as committer (emails compare case-insensitively). */
export function isBotCommit(
  message: string,
  committerEmail: string | undefined,
  botEmail: string | undefined,
): boolean {
  return (
    hasTrailer(message) &&
    botEmail !== undefined &&
    (committerEmail ?? '').toLowerCase() === botEmail.toLowerCase()
  );
}

/** The message with the trailer as its own last paragraph (git's trailer convention). */
export function withTrailer(message: string, trailer: string): string {
  return `${message.trimEnd()}\n\n${trailer}\n`;
}

/**
 * A rotation branch without an open request whose head someone else made (a closed request's branch a
 * person kept working on): force-moving it would throw their work away.
 */
export function foreignBranch(branch: string, head: string): ForgeError {
  return new ForgeError(
    `branch ${branch} exists and its head ${head.slice(0, 12)} is not a Keyless commit; it was left alone ` +
      '(delete the branch, or rename it, to let Keyless recreate it)',
    409,
  );
}
