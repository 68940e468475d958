/**
 * How the rotation bot recognises its own commits. A head commit is the bot's when its message carries
 * the trailer AND its committer is the identity the forge writes with: a human who amends, rebases or
 * cherry-picks the bot's commit becomes its committer (the trailer survives, the committer does not),
 * and a human commit on top has neither. Either alone would let the bot overwrite someone's work.
 */

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

/** The message with the trailer as its own last paragraph (git's trailer convention). */
export function withTrailer(message: string, trailer: string): string {
  return `${message.trimEnd()}\n\n${trailer}\n`;
}
