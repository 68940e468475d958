import { readFile as fsReadFile } from 'node:fs/promises';
import { CredentialError } from '../types.js';
import type { IdentitySource, IdentityToken } from '../types.js';
import { identityToken } from './jwt.js';

export interface FileIdentityOptions {
  path: string;
  readFile?: (path: string) => Promise<string>;
}

/**
 * A token kept in a file, such as a Kubernetes projected service-account token. The kubelet
 * rewrites the file before the token expires, so it is read again on every call.
 */
export class FileIdentity implements IdentitySource {
  readonly #options: FileIdentityOptions;

  constructor(options: FileIdentityOptions) {
    this.#options = options;
  }

  async token(_audience: string): Promise<IdentityToken> {
    const { path } = this.#options;
    const read = this.#options.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
    let raw: string;
    try {
      raw = await read(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code;
      throw new CredentialError(`cannot read the token file ${path}: ${why ?? 'read failed'}`, 'config');
    }
    return identityToken(raw, `file ${path}`);
  }
}
