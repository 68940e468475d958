import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

import { ConfigError, type ConfigIssue } from './errors.js';
import { didYouMean } from './suggest.js';

export type PathSegment = string | number;

/** A value in the document together with where it sits, so every complaint can name a line. */
export interface FieldRef {
  node: unknown;
  path: PathSegment[];
  /** Character offset used for the error position; for empty values, the offset of their key. */
  offset: number;
}

export interface SourcePosition {
  line: number;
  column: number;
}

/** `rules.custom[0].severity`; the config file's notation. */
export function dottedPath(path: PathSegment[]): string {
  if (path.length === 0) return '(root)';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** `/entries/0/reason`; JSON pointer (RFC 6901) for JSON files. */
export function jsonPointer(path: PathSegment[]): string {
  if (path.length === 0) return '(root)';
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Typed, position-aware reads over a parsed YAML (or JSON) document. Every read that fails records an
 * issue and returns undefined, so one pass reports all problems instead of stopping at the first.
 */
export class FieldReader {
  readonly issues: ConfigIssue[] = [];
  /** Position of every field read, keyed by its formatted path; plain data, safe to send to workers. */
  readonly positions: Record<string, SourcePosition> = {};

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly file: string,
    readonly formatPath: (path: PathSegment[]) => string,
  ) {}

  root(): FieldRef {
    return { node: this.doc.contents, path: [], offset: this.doc.contents?.range?.[0] ?? 0 };
  }

  position(ref: FieldRef): SourcePosition {
    const { line, col } = this.lines.linePos(ref.offset);
    return { line, column: col };
  }

  fail(ref: FieldRef, message: string): undefined {
    this.issues.push({ file: this.file, ...this.position(ref), path: this.formatPath(ref.path), message });
    return undefined;
  }

  describe(ref: FieldRef): string {
    const node = this.resolve(ref.node);
    if (isEmpty(node)) return 'an empty value';
    if (isMap(node)) return 'a mapping';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) {
      const value = node.value;
      if (typeof value === 'string') return JSON.stringify(truncate(value));
      if (typeof value === 'number') return `the number ${value}`;
      return String(value);
    }
    return 'an unsupported value';
  }

  isEmpty(ref: FieldRef): boolean {
    return isEmpty(this.resolve(ref.node));
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private mark(ref: FieldRef): void {
    this.positions[this.formatPath(ref.path)] = this.position(ref);
  }

  /**
   * The fields of a mapping. Unknown keys are errors: a misspelt key must not silently turn a
   * protection off. Missing required keys are reported at the mapping itself.
   */
  map(
    ref: FieldRef,
    allowed: readonly string[],
    required: readonly string[] = [],
  ): Map<string, FieldRef> | undefined {
    const node = this.resolve(ref.node);
    if (!isMap(node)) return this.fail(ref, `expected a mapping, got ${this.describe(ref)}`);
    this.mark(ref);
    const fields = new Map<string, FieldRef>();
    for (const pair of node.items) {
      const keyNode = pair.key;
      const keyOffset =
        (isScalar(keyNode) || isMap(keyNode) || isSeq(keyNode) ? keyNode.range?.[0] : undefined) ??
        ref.offset;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.fail({ node: keyNode, path: ref.path, offset: keyOffset }, 'keys must be plain words');
        continue;
      }
      const key = String(keyNode.value);
      const path = [...ref.path, key];
      if (!allowed.includes(key)) {
        const known = allowed.length > 0 ? `; allowed keys: ${allowed.join(', ')}` : '';
        this.fail(
          { node: keyNode, path, offset: keyOffset },
          `unknown key "${key}"${didYouMean(key, allowed)}${known}`,
        );
        continue;
      }
      const value = pair.value;
      const valueOffset = isEmpty(value)
        ? keyOffset
        : ((value as { range?: [number] }).range?.[0] ?? keyOffset);
      fields.set(key, { node: value, path, offset: valueOffset });
    }
    for (const key of required) {
      if (!fields.has(key)) this.fail(ref, `missing required key "${key}"`);
    }
    return fields;
  }

  list(ref: FieldRef): FieldRef[] | undefined {
    const node = this.resolve(ref.node);
    if (!isSeq(node)) return this.fail(ref, `expected a list, got ${this.describe(ref)}`);
    this.mark(ref);
    return node.items.map((item, index) => ({
      node: item,
      path: [...ref.path, index],
      offset: (item as { range?: [number] } | null)?.range?.[0] ?? ref.offset,
    }));
  }

  private scalar(ref: FieldRef): unknown {
    const node = this.resolve(ref.node);
    return isScalar(node) ? node.value : undefined;
  }

  string(ref: FieldRef, options: { nonEmpty?: boolean } = {}): string | undefined {
    const value = this.scalar(ref);
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' || typeof value === 'boolean' ? ' (quote it)' : '';
      return this.fail(ref, `expected a string, got ${this.describe(ref)}${hint}`);
    }
    if (options.nonEmpty === true && value.trim() === '') return this.fail(ref, 'must not be empty');
    this.mark(ref);
    return value;
  }

  number(ref: FieldRef): number | undefined {
    const value = this.scalar(ref);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return this.fail(ref, `expected a number, got ${this.describe(ref)}`);
    }
    this.mark(ref);
    return value;
  }

  boolean(ref: FieldRef): boolean | undefined {
    const value = this.scalar(ref);
    if (typeof value !== 'boolean')
      return this.fail(ref, `expected true or false, got ${this.describe(ref)}`);
    this.mark(ref);
    return value;
  }

  /** Throws the collected issues, if any. */
  throwIfIssues(): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues);
  }
}

/** First line of a yaml library message, without its own "at line X, column Y" suffix and excerpt. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Parses YAML (JSON is a subset) keeping source positions. Syntax errors are thrown as a ConfigError
 * naming file, line and column; structural checks are left to the returned reader.
 */
export function readYaml(
  text: string,
  file: string,
  formatPath: (path: PathSegment[]) => string,
  syntaxLabel = 'YAML syntax error',
): FieldReader {
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, keepSourceTokens: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        const issue: ConfigIssue = { file, message: `${syntaxLabel}: ${yamlMessage(error.message)}` };
        if (pos !== undefined) {
          issue.line = pos.line;
          issue.column = pos.col;
        }
        return issue;
      }),
    );
  }
  return new FieldReader(doc, lines, file, formatPath);
}
