import { CredentialError } from '../types.js';
import type { IdentitySource, IdentityToken } from '../types.js';
import { identityToken } from './jwt.js';

export interface GitlabIdentityOptions {
  /** Name of the `id_tokens` variable (an input), for messages. */
  variable: string;
  /** Its value, read by the adapter. */
  value: string | undefined;
}

/**
 * GitLab CI mints the job's tokens up front (`id_tokens: NAME: { aud: ... }`), one per variable, so
 * the audience is fixed by the pipeline; the claim checks compare it with what the provider expects.
 */
export class GitlabIdentity implements IdentitySource {
  readonly #options: GitlabIdentityOptions;

  constructor(options: GitlabIdentityOptions) {
    this.#options = options;
  }

  async token(audience: string): Promise<IdentityToken> {
    const { variable, value } = this.#options;
    if (!value || value.trim().length === 0)
      throw new CredentialError(
        `the GitLab id_tokens variable ${variable} is not set or empty: declare it in the job as ` +
          `\`id_tokens: { ${variable}: { aud: ${audience} } }\``,
        'config',
      );
    return identityToken(value, `GitLab id_tokens variable ${variable}`);
  }
}
