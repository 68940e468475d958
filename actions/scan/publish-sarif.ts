import { gzipSync } from 'node:zlib';

import type { GitHubApi } from '../runtime.js';
import type { Repository } from './publish-check.js';

/** Code scanning rejects uploads larger than 10 MB once gzipped. */
export const SARIF_UPLOAD_MAX = 10 * 1024 * 1024;

/**
 * Sets `automationDetails.id` on every run, which code scanning uses as the analysis category (so two
 * scans of one commit, e.g. the repository and an image, do not replace each other's alerts).
 */
export function withCategory(sarif: string, category: string | undefined): string {
  if (category === undefined) return sarif;
  const log = JSON.parse(sarif) as { runs?: Record<string, unknown>[] };
  const id = category.endsWith('/') ? category : `${category}/`;
  for (const run of log.runs ?? []) run['automationDetails'] = { id };
  return JSON.stringify(log, null, 2);
}

export interface SarifUpload {
  id?: string;
  url?: string;
}

export async function uploadSarif(
  api: GitHubApi,
  repository: Repository,
  sarif: string,
  target: { commitSha: string; ref: string; checkoutUri?: string },
): Promise<SarifUpload> {
  const packed = gzipSync(Buffer.from(sarif, 'utf8'));
  if (packed.length > SARIF_UPLOAD_MAX) {
    throw new Error(
      `the SARIF report is ${(packed.length / 1048576).toFixed(1)} MB gzipped; code scanning accepts at most 10 MB`,
    );
  }
  const response = await api.request('POST /repos/{owner}/{repo}/code-scanning/sarifs', {
    ...repository,
    commit_sha: target.commitSha,
    ref: target.ref,
    sarif: packed.toString('base64'),
    tool_name: 'keyless',
    ...(target.checkoutUri ? { checkout_uri: target.checkoutUri } : {}),
  });
  const data = response.data as { id?: string; url?: string };
  return { ...(data.id ? { id: data.id } : {}), ...(data.url ? { url: data.url } : {}) };
}
