/** One problem in a user-supplied file (config or baseline), located as precisely as the source allows. */
export interface ConfigIssue {
  file: string;
  /** 1-based; absent when the problem is about the file as a whole. */
  line?: number;
  column?: number;
  /** Field path in the file's own notation: `rules.custom[0].severity` or `/entries/2/reason`. */
  path?: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  return issue.path === undefined
    ? `${where}: ${issue.message}`
    : `${where}: ${issue.path}: ${issue.message}`;
}

/**
 * A config or baseline file that cannot be used. The message is ready to print (one line per issue, in
 * file order); `issues` keeps the structured form for callers that render annotations.
 * Messages never contain secret values: they quote keys, ids and short scalars of config files only.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const sorted = [...issues].sort(
      (a, b) =>
        a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    super(sorted.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = sorted;
  }
}
