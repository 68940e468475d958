import { CredentialError } from '../types.js';
import type { IdentitySource, IdentityToken } from '../types.js';
import { identityToken } from './jwt.js';

/** A token handed over as a plain value (an environment variable the adapter read). */
export class ValueIdentity implements IdentitySource {
  constructor(
    readonly name: string,
    readonly value: string | undefined,
  ) {}

  async token(_audience: string): Promise<IdentityToken> {
    if (!this.value || this.value.trim().length === 0)
      throw new CredentialError(`the token variable ${this.name} is not set or empty`, 'config');
    return identityToken(this.value, `variable ${this.name}`);
  }
}
