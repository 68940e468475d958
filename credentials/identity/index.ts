export { decodeJwt, identityToken } from './jwt.js';
export type { DecodedJwt } from './jwt.js';
export { GithubActionsIdentity } from './github.js';
export type { GithubIdentityOptions } from './github.js';
export { GitlabIdentity } from './gitlab.js';
export type { GitlabIdentityOptions } from './gitlab.js';
export { FileIdentity } from './file.js';
export type { FileIdentityOptions } from './file.js';
export { ValueIdentity } from './value.js';
