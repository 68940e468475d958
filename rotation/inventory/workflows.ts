import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';

export type CloudProvider = 'aws' | 'gcp' | 'azure' | 'vault';

/** One place a CI job is handed a long-lived cloud credential. */
export interface StaticCredentialUse {
  file: string;
  platform: 'github' | 'gitlab';
  job: string;
  provider: CloudProvider;
  /** 1-based line of the step, env entry or variable. */
  line: number;
  /** `action`: a login action's input; `env`: an environment variable (step, job or workflow level). */
  via: 'action' | 'env' | 'script';
  /** GitHub: index of the step in the job's steps (action inputs and step env). */
  step?: number;
  /** `step`, `job` or `workflow` env; workflow-level env cannot be migrated one job at a time. */
  level?: 'step' | 'job' | 'workflow';
  /** Env variable or input name that carries the credential (`AWS_ACCESS_KEY_ID`, `credentials_json`). */
  key: string;
  /** CI secret/variable names referenced (`secrets.AWS_KEY` -> `AWS_KEY`). */
  secrets: string[];
  /** The job's deployment environment, if it names a literal one. */
  environment?: string;
}

const ACTIONS: Array<{ uses: RegExp; provider: CloudProvider; inputs: string[] }> = [
  {
    uses: /^aws-actions\/configure-aws-credentials@/i,
    provider: 'aws',
    inputs: ['aws-access-key-id', 'aws-secret-access-key'],
  },
  { uses: /^google-github-actions\/auth@/i, provider: 'gcp', inputs: ['credentials_json'] },
  { uses: /^azure\/login@/i, provider: 'azure', inputs: ['creds'] },
  { uses: /^hashicorp\/vault-action@/i, provider: 'vault', inputs: ['token'] },
];

/** Environment variables that hold a static cloud credential. */
export const STATIC_ENV: Record<string, CloudProvider> = {
  AWS_ACCESS_KEY_ID: 'aws',
  AWS_SECRET_ACCESS_KEY: 'aws',
  GOOGLE_CREDENTIALS: 'gcp',
  GOOGLE_APPLICATION_CREDENTIALS_JSON: 'gcp',
  GCP_SA_KEY: 'gcp',
  AZURE_CREDENTIALS: 'azure',
  AZURE_CLIENT_SECRET: 'azure',
  ARM_CLIENT_SECRET: 'azure',
  VAULT_TOKEN: 'vault',
};

function secretNames(text: string): string[] {
  return [...text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
}

const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : '');
const scalarText = (node: unknown): string | undefined =>
  isScalar(node) && node.value !== null ? String(node.value) : undefined;

/** GitHub workflow: static credentials passed to login actions or set as env from secrets. */
export function githubWorkflowUses(file: string, text: string): StaticCredentialUse[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return [];
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? counter.linePos(node.range[0]).line : 1;
  const jobs = doc.contents.get('jobs', true);
  if (!isMap(jobs)) return [];
  const uses: StaticCredentialUse[] = [];
  const fromEnv = (
    env: unknown,
    base: Omit<StaticCredentialUse, 'provider' | 'line' | 'key' | 'secrets' | 'via'>,
  ): void => {
    if (!isMap(env)) return;
    for (const pair of env.items) {
      const provider = STATIC_ENV[keyOf(pair)];
      const value = scalarText(pair.value);
      // Only values that come from CI secrets: a literal here is the scanner's business.
      if (!provider || value === undefined || secretNames(value).length === 0) continue;
      uses.push({
        ...base,
        provider,
        via: 'env',
        key: keyOf(pair),
        line: lineOf(pair.key as Node),
        secrets: secretNames(value),
      });
    }
  };
  for (const jobPair of jobs.items) {
    const job = keyOf(jobPair);
    if (!isMap(jobPair.value)) continue;
    const jobMap = jobPair.value as YAMLMap;
    const envNode = jobMap.get('environment', true);
    const environment = scalarText(isMap(envNode) ? envNode.get('name', true) : envNode);
    const base = {
      file,
      platform: 'github' as const,
      job,
      ...(environment && !environment.includes('${{') ? { environment } : {}),
    };
    fromEnv(doc.contents.get('env', true), { ...base, level: 'workflow' });
    fromEnv(jobMap.get('env', true), { ...base, level: 'job' });
    const steps = jobMap.get('steps', true);
    if (!isSeq(steps)) continue;
    steps.items.forEach((step, index) => {
      if (!isMap(step)) return;
      fromEnv(step.get('env', true), { ...base, level: 'step', step: index });
      const action = scalarText(step.get('uses', true));
      const known = action ? ACTIONS.find((a) => a.uses.test(action)) : undefined;
      const inputs = step.get('with', true);
      if (!known || !isMap(inputs)) return;
      const found = known.inputs.filter((name) => inputs.has(name));
      if (found.length === 0) return;
      const referenced = found.flatMap((name) => secretNames(scalarText(inputs.get(name, true)) ?? ''));
      uses.push({
        ...base,
        provider: known.provider,
        via: 'action',
        step: index,
        key: found.join(', '),
        line: lineOf(step),
        secrets: referenced,
      });
    });
  }
  return uses;
}

/** `AWS_ACCESS_KEY_ID: $PROD_KEY` -> `PROD_KEY` (the CI/CD variable that holds the key). */
function variableRefs(job: YAMLMap, name: string): string[] {
  const vars = job.get('variables', true);
  const value = isMap(vars) ? scalarText(vars.get(name, true)) : undefined;
  const refs = [...(value ?? '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
  return refs.length > 0 ? refs : [name];
}

const GITLAB_RESERVED = new Set([
  'stages',
  'variables',
  'include',
  'default',
  'workflow',
  'image',
  'services',
  'before_script',
  'after_script',
  'cache',
]);

/**
 * GitLab CI: jobs that read static cloud credentials from CI/CD variables (`$AWS_ACCESS_KEY_ID` in a
 * script, or a job variable set from another variable). GitLab moves to OIDC through `id_tokens`.
 */
export function gitlabCiUses(file: string, text: string): StaticCredentialUse[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return [];
  const uses: StaticCredentialUse[] = [];
  const names = Object.keys(STATIC_ENV);
  for (const jobPair of doc.contents.items) {
    const job = keyOf(jobPair);
    if (GITLAB_RESERVED.has(job) || !isMap(jobPair.value)) continue;
    const jobMap = jobPair.value as YAMLMap;
    const envNode = jobMap.get('environment', true);
    const environment = scalarText(isMap(envNode) ? envNode.get('name', true) : envNode);
    const seen = new Set<string>();
    for (const section of ['variables', 'before_script', 'script', 'after_script']) {
      const node = jobMap.get(section, true) as Node | undefined;
      if (!node?.range) continue;
      const body = text.slice(node.range[0], node.range[1]);
      for (const name of names) {
        if (seen.has(name) || !new RegExp(`\\$\\{?${name}\\b|\\b${name}\\s*:`).test(body)) continue;
        seen.add(name);
        uses.push({
          file,
          platform: 'gitlab',
          job,
          provider: STATIC_ENV[name] as CloudProvider,
          via: section === 'variables' ? 'env' : 'script',
          key: name,
          line: counter.linePos(node.range[0]).line,
          secrets: section === 'variables' ? variableRefs(jobMap, name) : [name],
          ...(environment && !environment.includes('$') ? { environment } : {}),
        });
      }
    }
  }
  return uses;
}

export interface WorkflowFile {
  path: string;
  text: string;
}

/** Every static-credential use in the repository's CI files. */
export function staticCredentialUses(files: WorkflowFile[]): StaticCredentialUse[] {
  return files.flatMap(({ path, text }) =>
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)
      ? githubWorkflowUses(path, text)
      : path === '.gitlab-ci.yml'
        ? gitlabCiUses(path, text)
        : [],
  );
}
