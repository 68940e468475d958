import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';

import type { CloudProvider, StaticCredentialUse } from '../inventory/workflows.js';
import type { MigrationResult } from './workflow-oidc.js';

/** The id_token the credentials CLI reads by default on GitLab. */
export const GITLAB_TOKEN_VARIABLE = 'KEYLESS_ID_TOKEN';

/** Default audience per provider; one token serves every provider of the job, so the first one wins. */
export const GITLAB_AUDIENCE: Record<CloudProvider, string> = {
  aws: 'sts.amazonaws.com',
  gcp: '$KEYLESS_GCP_AUDIENCE',
  azure: 'api://AzureADTokenExchange',
  vault: '$VAULT_ADDR',
};

const REQUEST: Record<CloudProvider, Array<[string, string]>> = {
  aws: [
    ['KEYLESS_AWS_ROLE', '$AWS_ROLE_ARN'],
    ['KEYLESS_AWS_REGION', '$AWS_DEFAULT_REGION'],
  ],
  gcp: [
    ['KEYLESS_GCP_WORKLOAD_IDENTITY_PROVIDER', '$GCP_WORKLOAD_IDENTITY_PROVIDER'],
    ['KEYLESS_GCP_SERVICE_ACCOUNT', '$GCP_SERVICE_ACCOUNT'],
  ],
  azure: [
    ['KEYLESS_AZURE_TENANT_ID', '$AZURE_TENANT_ID'],
    ['KEYLESS_AZURE_CLIENT_ID', '$AZURE_CLIENT_ID'],
  ],
  vault: [
    ['KEYLESS_VAULT_URL', '$VAULT_ADDR'],
    ['KEYLESS_VAULT_ROLE', '$VAULT_ROLE'],
    ['KEYLESS_VAULT_SECRETS', '$KEYLESS_VAULT_SECRETS'],
    ['KEYLESS_VAULT_EXPORT_TOKEN', "'true'"],
  ],
};

export const GITLAB_EXCHANGE_LINE = '- eval "$(keyless credentials env)"';

const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : '');

/**
 * Rewrites one GitLab job from static cloud credentials (CI/CD variables) to its OIDC token: an
 * `id_tokens` entry, the credentials request as KEYLESS_* variables, and `keyless credentials env` at the
 * start of the script, which exports short-lived values under the names the script already reads.
 */
export function migrateGitlabJob(
  text: string,
  job: string,
  uses: StaticCredentialUse[],
): MigrationResult | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const jobMap = doc.contents.get(job, true);
  if (!isMap(jobMap) || jobMap.flow) return undefined;
  const script = jobMap.get('script', true);
  if (!isSeq(script) || script.flow || script.items.length === 0) return undefined;
  const mine = uses.filter((u) => u.job === job && u.platform === 'gitlab');
  if (mine.length === 0 || jobMap.has('id_tokens')) return undefined;

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = (offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
  const nextLine = (offset: number): number => {
    const i = text.indexOf('\n', offset);
    return i === -1 ? text.length : i + 1;
  };
  const contentEnd = (node: Node): number => {
    let end = (node.range as [number, number, number])[1];
    while (end > 0 && /\s/.test(text[end - 1] as string)) end--;
    return end;
  };
  const edits: Array<{ from: number; to: number; text: string }> = [];
  const providers = [...new Set(mine.map((u) => u.provider))];
  const firstKey = jobMap.items[0]?.key as Node | undefined;
  if (!firstKey?.range) return undefined;
  const pad = ' '.repeat(firstKey.range[0] - lineStart(firstKey.range[0]));
  const variables = new Set<string>();
  const request = providers.flatMap((p) => REQUEST[p]);
  for (const [, value] of request) if (value.startsWith('$')) variables.add(value.slice(1));
  const audience = GITLAB_AUDIENCE[providers[0] as CloudProvider];

  // Static keys set as job variables from other variables go; the exchange exports fresh ones.
  const vars = jobMap.items.find((p) => keyOf(p) === 'variables');
  const staticNames = new Set(mine.filter((u) => u.via === 'env').map((u) => u.key));
  const keep: Pair[] = [];
  if (vars && isMap(vars.value)) {
    for (const pair of vars.value.items) {
      if (!staticNames.has(keyOf(pair))) {
        keep.push(pair);
        continue;
      }
      const start = lineStart((pair.key as Node).range?.[0] ?? 0);
      edits.push({ from: start, to: nextLine(contentEnd(pair.value as Node)), text: '' });
    }
  }
  const requestLines = request.map(([k, v]) => `${pad}  ${k}: ${v}`);
  if (vars && isMap(vars.value) && !vars.value.flow && keep.length > 0) {
    const at = nextLine(contentEnd(vars.value));
    edits.push({ from: at, to: at, text: `${requestLines.join('\n')}\n` });
  } else if (vars && isMap(vars.value) && vars.value.flow) {
    return undefined;
  } else if (vars && isMap(vars.value)) {
    // Every entry was a static key: the block is rebuilt with the request.
    const start = lineStart((vars.key as Node).range?.[0] ?? 0);
    edits.push({
      from: start,
      to: nextLine(contentEnd(vars.value)),
      text: `${pad}variables:\n${requestLines.join('\n')}\n`,
    });
  }
  const head = [
    `${pad}id_tokens:`,
    `${pad}  ${GITLAB_TOKEN_VARIABLE}:`,
    `${pad}    aud: ${audience}`,
    ...(vars ? [] : [`${pad}variables:`, ...requestLines]),
  ];
  const start = lineStart(firstKey.range[0]);
  edits.push({ from: start, to: start, text: `${head.join('\n')}\n` });
  const first = script.items[0] as Node;
  const dash = lineStart(first.range?.[0] ?? 0);
  const dashCol = text.slice(dash, first.range?.[0] ?? 0).lastIndexOf('-');
  edits.push({ from: dash, to: dash, text: `${' '.repeat(dashCol)}${GITLAB_EXCHANGE_LINE}\n` });

  edits.sort((a, b) => b.from - a.from || b.to - a.to);
  let content = text;
  for (const e of edits)
    content = content.slice(0, e.from) + e.text.replace(/\r?\n/g, eol) + content.slice(e.to);
  if (providers.includes('gcp')) variables.add('KEYLESS_GCP_AUDIENCE');
  if (providers[0] === 'vault') variables.add('VAULT_ADDR');
  return {
    content,
    providers,
    variables: [...variables].sort(),
    notes: [
      'the job image needs the keyless CLI (`npm install --global keyless`), or extend `.keyless-credentials` from the credentials component, which installs it',
      ...(providers.includes('gcp')
        ? [
            'the exchange exports GOOGLE_OAUTH_ACCESS_TOKEN / CLOUDSDK_AUTH_ACCESS_TOKEN, not a key file: commands that read the old key variable must use the token',
          ]
        : []),
      ...(providers.includes('azure')
        ? [
            'the exchange exports AZURE_ACCESS_TOKEN, not a client secret: `az login` with a secret must give way to the token',
          ]
        : []),
      ...(providers.length > 1
        ? [`one id_token serves every provider: its aud (${audience}) must be accepted by all of them`]
        : []),
    ],
  };
}
