/** Builds the forge for a platform from typed configuration (the CLI and the adapters read the env). */
import type { Forge } from '../types.js';
import { GitHubForge, type GitHubForgeOptions } from './github.js';
import { GitLabForge, type GitLabForgeOptions } from './gitlab.js';

export type ForgeConfig =
  ({ platform: 'github' } & GitHubForgeOptions) | ({ platform: 'gitlab' } & GitLabForgeOptions);

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
