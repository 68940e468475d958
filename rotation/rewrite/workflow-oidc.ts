import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';

import type { CloudProvider, StaticCredentialUse } from '../inventory/workflows.js';

/** Default reference of the credentials action the migration writes. */
export const CREDENTIALS_ACTION = 'keyless-dev/keyless/actions/credentials@v1';

export interface MigrationResult {
  content: string;
  providers: CloudProvider[];
  /** Repository variables (`vars.X`) the new step reads and someone must create. */
  variables: string[];
  /** Things the reviewer should know about the rewrite. */
  notes: string[];
  /** The Vault address when the workflow names it: the credentials action's default audience for Vault. */
  vaultAddress?: string;
}

interface Edit {
  from: number;
  to: number;
  text: string;
}

type Inputs = Array<[string, string]>;

const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : '');

/** Rewrites one GitHub job from static cloud credentials to the credentials action (OIDC). */
export function migrateGithubJob(
  text: string,
  job: string,
  uses: StaticCredentialUse[],
  action = CREDENTIALS_ACTION,
): MigrationResult | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const jobs = doc.contents.get('jobs', true);
  const jobMap = isMap(jobs) ? jobs.get(job, true) : undefined;
  if (!isMap(jobMap)) return undefined;
  const steps = jobMap.get('steps', true);
  if (!isSeq(steps)) return undefined;
  const mine = uses.filter((u) => u.job === job && u.platform === 'github' && u.level !== 'workflow');
  if (mine.length === 0) return undefined;

  const src = (node: unknown): string | undefined => {
    const n = node as Node | undefined;
    return n?.range ? text.slice(n.range[0], n.range[1]).trimEnd() : undefined;
  };
  const lineStart = (offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
  // Line ends are kept as the file has them (CRLF files stay CRLF).
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineEnd = (offset: number): number => {
    const i = text.indexOf('\n', offset);
    if (i === -1) return text.length;
    return text[i - 1] === '\r' ? i - 1 : i;
  };
  const nextLine = (offset: number): number => {
    const i = text.indexOf('\n', offset);
    return i === -1 ? text.length : i + 1;
  };
  const column = (offset: number): number => offset - lineStart(offset);
  const contentEnd = (node: Node): number => {
    let end = (node.range as [number, number, number])[1];
    while (end > 0 && /\s/.test(text[end - 1] as string)) end--;
    return end;
  };
  const variables = new Set<string>();
  let vaultAddress: string | undefined;
  const vaultUrl = (value: string): string => {
    const plain = value.replace(/^(['"])(.*)\1$/, '$2');
    if (/^https?:\/\/[^\s$]+$/.test(plain)) vaultAddress = plain;
    return value;
  };
  const notes: string[] = [];
  const edits: Edit[] = [];
  const v = (name: string): string => {
    variables.add(name);
    return `\${{ vars.${name} }}`;
  };
  const envValue = (name: string): string | undefined => {
    for (const env of [jobMap.get('env', true), doc.contents && (doc.contents as YAMLMap).get('env', true)]) {
      const value = isMap(env) ? env.get(name, true) : undefined;
      if (isScalar(value) && value.value !== null && !String(value.value).includes('secrets.'))
        return src(value);
    }
    return undefined;
  };
  const inputsFor = (provider: CloudProvider, from?: YAMLMap): Inputs => {
    const given = (name: string): string | undefined => (from ? src(from.get(name, true)) : undefined);
    switch (provider) {
      case 'aws':
        return [
          ['aws-role', given('role-to-assume') ?? v('AWS_ROLE_ARN')],
          [
            'aws-region',
            given('aws-region') ??
              envValue('AWS_REGION') ??
              envValue('AWS_DEFAULT_REGION') ??
              v('AWS_REGION'),
          ],
          ...(given('role-session-name')
            ? [['aws-session-name', given('role-session-name') as string] as [string, string]]
            : []),
          ...(given('role-duration-seconds')
            ? [['aws-duration', given('role-duration-seconds') as string] as [string, string]]
            : []),
        ];
      case 'gcp':
        return [
          [
            'gcp-workload-identity-provider',
            given('workload_identity_provider') ?? v('GCP_WORKLOAD_IDENTITY_PROVIDER'),
          ],
          ['gcp-service-account', given('service_account') ?? v('GCP_SERVICE_ACCOUNT')],
          ...(given('project_id')
            ? [['gcp-project-id', given('project_id') as string] as [string, string]]
            : []),
        ];
      case 'azure':
        return [
          ['azure-tenant-id', v('AZURE_TENANT_ID')],
          ['azure-client-id', v('AZURE_CLIENT_ID')],
          ['azure-subscription-id', v('AZURE_SUBSCRIPTION_ID')],
        ];
      case 'vault': {
        const secrets = from ? from.get('secrets', true) : undefined;
        const lines = isScalar(secrets) && secrets.value !== null ? String(secrets.value).trim() : undefined;
        return [
          ['vault-url', vaultUrl(given('url') ?? envValue('VAULT_ADDR') ?? v('VAULT_ADDR'))],
          ['vault-role', given('role') ?? v('VAULT_ROLE')],
          ...(given('namespace')
            ? [['vault-namespace', given('namespace') as string] as [string, string]]
            : []),
          ...(given('path') ? [['vault-mount', given('path') as string] as [string, string]] : []),
          ['vault-secrets', lines !== undefined && lines !== '' ? `|\n${lines}` : v('KEYLESS_VAULT_SECRETS')],
          ...(from ? [] : [['vault-export-token', "'true'"] as [string, string]]),
        ];
      }
    }
  };
  const renderStep = (indent: number, head: Inputs, inputs: Inputs): string[] => {
    const pad = ' '.repeat(indent);
    const lines = head.map(([k, val]) => `${k}: ${val}`);
    lines.push(`uses: ${action}`, 'with:');
    for (const [k, val] of inputs) {
      if (val.startsWith('|\n')) {
        lines.push(`  ${k}: |`);
        for (const l of val.slice(2).split('\n')) lines.push(`    ${l.trim()}`);
      } else lines.push(`  ${k}: ${val}`);
    }
    return lines.map((l, i) => (i === 0 ? l : `${pad}${l}`));
  };

  // 1. Login steps fed with static keys become credentials steps, in place.
  const replaced = new Set<number>();
  for (const use of mine.filter((u) => u.via === 'action')) {
    const step = steps.items[use.step ?? -1];
    if (!isMap(step) || !step.range || replaced.has(use.step as number)) continue;
    replaced.add(use.step as number);
    const withMap = step.get('with', true);
    const head: Inputs = [];
    for (const key of ['name', 'id', 'if']) {
      const value = src(step.get(key, true));
      if (value !== undefined) head.push([key, value]);
    }
    if (!head.some(([k]) => k === 'name')) head.unshift(['name', 'Keyless credentials (OIDC)']);
    const from = step.range[0];
    edits.push({
      from,
      to: lineEnd(contentEnd(step)),
      text: renderStep(
        column(from),
        head,
        inputsFor(use.provider, isMap(withMap) ? withMap : undefined),
      ).join('\n'),
    });
  }

  // 2. Static keys in env: remove the entries, add one credentials step where they were first needed.
  const envUses = mine.filter((u) => u.via === 'env' && !(u.level === 'step' && replaced.has(u.step ?? -1)));
  const removeEnv = (owner: YAMLMap, names: Set<string>): void => {
    const envPair = owner.items.find((p) => keyOf(p) === 'env');
    if (!envPair || !isMap(envPair.value)) return;
    const env = envPair.value;
    const gone = env.items.filter((p) => names.has(keyOf(p)));
    if (gone.length === env.items.length) {
      const start = lineStart((envPair.key as Node).range?.[0] ?? 0);
      edits.push({ from: start, to: nextLine(contentEnd(env)), text: '' });
      return;
    }
    for (const pair of gone) {
      const start = lineStart((pair.key as Node).range?.[0] ?? 0);
      edits.push({
        from: start,
        to: nextLine(contentEnd(pair.value as Node)),
        text: '',
      });
    }
  };
  const byStep = new Map<number, Set<CloudProvider>>();
  const jobEnvNames = new Set(envUses.filter((u) => u.level === 'job').map((u) => u.key));
  if (jobEnvNames.size > 0) removeEnv(jobMap, jobEnvNames);
  for (const use of envUses) {
    const at = use.level === 'job' ? 0 : (use.step ?? 0);
    byStep.set(at, (byStep.get(at) ?? new Set()).add(use.provider));
  }
  const stepEnv = new Map<number, Set<string>>();
  for (const use of envUses.filter((u) => u.level === 'step'))
    stepEnv.set(use.step as number, (stepEnv.get(use.step as number) ?? new Set()).add(use.key));
  for (const [index, names] of stepEnv) {
    const step = steps.items[index];
    if (isMap(step)) removeEnv(step, names);
  }
  for (const [index, providers] of byStep) {
    const step = steps.items[index] as Node | undefined;
    if (!step?.range) continue;
    const itemCol = column(step.range[0]);
    const dashLine = lineStart(step.range[0]);
    const dashCol = text.slice(dashLine, step.range[0]).lastIndexOf('-');
    const inputs = [...providers].flatMap((p) => inputsFor(p));
    const body = renderStep(itemCol, [['name', 'Keyless credentials (OIDC)']], inputs);
    edits.push({ from: dashLine, to: dashLine, text: `${' '.repeat(dashCol)}- ${body.join('\n')}\n` });
  }

  // 3. The job may now request an id-token.
  permissionEdit(text, doc.contents as YAMLMap, jobMap, edits, notes, {
    src,
    lineStart,
    lineEnd,
    column,
    contentEnd,
  });

  edits.sort((a, b) => b.from - a.from || b.to - a.to);
  let content = text;
  for (const e of edits)
    content = content.slice(0, e.from) + e.text.replace(/\r?\n/g, eol) + content.slice(e.to);
  return {
    content,
    providers: [...new Set(mine.map((u) => u.provider))],
    variables: [...variables].sort(),
    notes,
    ...(vaultAddress ? { vaultAddress } : {}),
  };
}

interface TextTools {
  src: (node: unknown) => string | undefined;
  lineStart: (offset: number) => number;
  lineEnd: (offset: number) => number;
  column: (offset: number) => number;
  contentEnd: (node: Node) => number;
}

function permissionEdit(
  text: string,
  root: YAMLMap,
  jobMap: YAMLMap,
  edits: Edit[],
  notes: string[],
  t: TextTools,
): void {
  const perms = jobMap.get('permissions', true) as Node | undefined;
  if (isMap(perms) && !perms.flow && perms.items.length > 0) {
    const first = perms.items[0]?.key as Node;
    const indent = ' '.repeat(t.column(first.range?.[0] ?? 0));
    const idToken = perms.items.find((p) => keyOf(p) === 'id-token');
    if (idToken && isScalar(idToken.value) && idToken.value.range) {
      if (idToken.value.value !== 'write')
        edits.push({ from: idToken.value.range[0], to: idToken.value.range[1], text: 'write' });
    }
    const add = [
      ...(idToken ? [] : ['id-token: write']),
      ...(perms.has('contents') ? [] : ['contents: read']),
    ];
    if (add.length > 0) {
      const at = t.lineEnd(t.contentEnd(perms));
      edits.push({ from: at, to: at, text: add.map((l) => `\n${indent}${l}`).join('') });
    }
    return;
  }
  const merged: Array<[string, string]> = [];
  const copy = (map: unknown): void => {
    if (!isMap(map)) return;
    for (const p of map.items) if (isScalar(p.value)) merged.push([keyOf(p), String(p.value.value)]);
  };
  if (perms !== undefined) {
    if (isScalar(perms) && perms.value === 'write-all') return;
    copy(perms);
    if (isScalar(perms))
      notes.push(
        `the job's \`permissions: ${String(perms.value)}\` became an explicit list: review the other scopes it needs`,
      );
  } else {
    const workflow = root.get('permissions', true);
    if (isScalar(workflow) && workflow.value === 'write-all') return;
    // Job permissions replace the workflow's: carry those over so the job keeps what it had.
    copy(workflow);
    if (isScalar(workflow))
      notes.push(
        `the workflow's \`permissions: ${String(workflow.value)}\` no longer applies to this job: review the scopes it needs`,
      );
  }
  const set = (k: string, val: string): void => {
    const found = merged.find(([key]) => key === k);
    if (found) found[1] = k === 'contents' ? found[1] : val;
    else merged.push([k, val]);
  };
  set('id-token', 'write');
  set('contents', 'read');
  if (perms !== undefined && perms.range) {
    edits.push({
      from: perms.range[0],
      to: t.lineEnd(t.contentEnd(perms)),
      text: `{ ${merged.map(([k, val]) => `${k}: ${val}`).join(', ')} }`,
    });
    return;
  }
  const firstKey = jobMap.items[0]?.key as Node | undefined;
  if (!firstKey?.range) return;
  const col = t.column(firstKey.range[0]);
  const pad = ' '.repeat(col);
  const start = t.lineStart(firstKey.range[0]);
  // The first key may sit on the job's own line in flow-ish layouts; only block jobs are edited line-wise.
  if (text.slice(start, firstKey.range[0]).trim() !== '') return;
  edits.push({
    from: start,
    to: start,
    text: `${pad}permissions:\n${merged.map(([k, val]) => `${pad}  ${k}: ${val}\n`).join('')}`,
  });
}
