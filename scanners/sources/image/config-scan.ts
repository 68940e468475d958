/**
 * The image config holds secrets as often as the layers: `ENV API_KEY=...`, labels, and build commands
 * in `history[].created_by` (a `RUN curl -H "Authorization: ..."` stays there forever). Each field is
 * rendered as text under a pseudo path (`config:Env`), one entry per line, so findings point at the
 * entry by line number.
 */

export interface ConfigText {
  /** `config:Env`, `config:Labels`, `config:Cmd`, `config:Entrypoint`, `config:history`. */
  path: string;
  text: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The scannable texts of an image config; an unparsable config yields its raw text as `config`. */
export function configTexts(configBytes: Uint8Array): ConfigText[] {
  const raw = new TextDecoder().decode(configBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return [{ path: 'config', text: raw }];
  }
  if (!isRecord(doc)) return [{ path: 'config', text: raw }];
  // Docker writes the runtime config under `config`; old images also carry `container_config`.
  const runtime = isRecord(doc['config']) ? doc['config'] : {};
  const build = isRecord(doc['container_config']) ? doc['container_config'] : {};
  const texts: ConfigText[] = [];
  const add = (path: string, lines: string[]): void => {
    if (lines.length > 0) texts.push({ path, text: `${lines.join('\n')}\n` });
  };
  const env = [...strings(runtime['Env'])];
  for (const entry of strings(build['Env'])) if (!env.includes(entry)) env.push(entry);
  add('config:Env', env);
  const labels = isRecord(runtime['Labels']) ? runtime['Labels'] : {};
  add(
    'config:Labels',
    Object.entries(labels)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([key, value]) => `${key}=${value}`),
  );
  for (const field of ['Cmd', 'Entrypoint'] as const) {
    const args = strings(runtime[field]);
    if (args.length > 0) add(`config:${field}`, [args.join(' ')]);
  }
  const history = Array.isArray(doc['history']) ? doc['history'] : [];
  add(
    'config:history',
    history.map((step) =>
      isRecord(step) && typeof step['created_by'] === 'string' ? step['created_by'] : '',
    ),
  );
  return texts;
}
