/** Builds the forge for a platform from typed configuration (the CLI and the adapters read the env). */
import type { Forge } from '../types.js';
import { GitHubForge } from './github.js';
import { GitLabForge } from './gitlab.js';
import type { CommitIdentity } from './identity.js';

export type ForgeConfig =
  | {
      platform: 'github';
      token: string;
      /** `owner/name`. */
      repository: string;
      apiUrl?: string;
      fetch?: typeof fetch;
      identity?: CommitIdentity;
      warn?: (message: string) => void;
    }
  | {
      platform: 'gitlab';
      token: string;
      /** `CI_API_V4_URL`. */
      apiUrl: string;
      projectId: string | number;
      warn?: (message: string) => void;
    };

/** A forge; GitLab's can also read a variable back (promotion of staged values). */
export type ConfiguredForge = Forge & Partial<Pick<GitLabForge, 'readVariable'>>;

export function forgeFromConfig(config: ForgeConfig): ConfiguredForge {
  if (!config.token) {
    throw new Error(
      config.platform === 'github'
        ? 'a GitHub token is needed (a GitHub App token: GITHUB_TOKEN cannot write secrets and its pull requests start no workflows)'
        : 'a GitLab project or group access token with the api scope is needed (CI_JOB_TOKEN cannot create commits, merge requests or variables)',
    );
  }
  if (config.platform === 'github') {
    const { platform: _platform, ...options } = config;
    return new GitHubForge(options);
  }
  const { platform: _platform, ...options } = config;
  return new GitLabForge(options);
}
