/** Shared bits of the provider tests: a decoded IdentityToken from a minted JWT, and instant retries. */
import { CredentialError, type IdentityToken } from '../../../credentials/types.js';
import type { RetryOptions } from '../../../credentials/retry.js';
import { caught } from '../../helpers/caught.js';

export function identity(raw: string): IdentityToken {
  const [header, claims] = raw
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { raw, header, claims, source: 'test issuer' };
}

/** Retries without waiting; `delays` records what the backoff asked for. */
export function instantRetry(attempts = 3): RetryOptions & { delays: number[] } {
  const delays: number[] = [];
  return {
    attempts,
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

/** Fails the test with the offending value's position when any secret appears in `text`. */
export function expectNoSecrets(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (secret && text.includes(secret))
      throw new Error(`a secret value leaked at index ${text.indexOf(secret)}`);
  }
}

export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** The CredentialError `promise` rejects with; success or any other error fails the test. */
export const credentialFailure = (promise: Promise<unknown>): Promise<CredentialError> =>
  caught(promise, CredentialError);
