/**
 * Facts about a rule's pattern read from its source, for the engine's shortcuts: the characters a
 * match can start with, whether a positive lookbehind can come first, and characters every match
 * contains. The reading is conservative: anything not understood (unicode mode, unknown group
 * kinds) gives no facts; backreferences count as any character or none; zero-width assertions
 * only ever widen the first-character set and never make a character required.
 */

import {
  ANY,
  DIGIT,
  LINE_TERMINATORS,
  SPACE,
  WORD,
  asciiClosure,
  caseClosure,
  char,
  complement,
  size,
  union,
  type Ranges,
} from './ranges.js';
import type { Shape } from './prefix-paths.js';

interface Node {
  first: Ranges;
  /** Can match without consuming a character. */
  nullable: boolean;
  /** Code units every match contains (sorted). */
  must: number[];
  /** The consuming structure, for prefix-paths.ts. */
  shape: Shape;
}

/** First-character sets are closed under case folding only up to this size; larger ones are of no use. */
const MAX_FIRST_CHARS = 96;

class Unsupported extends Error {}

function intersect(a: number[], b: number[]): number[] {
  return a.filter((c) => b.includes(c));
}

function merge(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/** Zero-width: assertions and anchors. */
const EMPTY: Node = { first: [], nullable: true, must: [], shape: { kind: 'empty' } };
/** A backreference: may match anything, or nothing. */
const UNKNOWN: Node = { first: ANY, nullable: true, must: [], shape: { kind: 'unknown' } };

/** Recursive-descent reader of a pattern in non-unicode (Annex B) syntax. */
class Reader {
  private pos = 0;
  lookbehindFirst = false;

  constructor(
    private readonly src: string,
    private readonly dotAll: boolean,
    private readonly ignoreCase: boolean,
  ) {}

  /** A node consuming one character of `set`. */
  private one(set: Ranges): Node {
    let must: number[] = [];
    if (set.length === 2 && set[0] === set[1]) {
      // With `i` a letter matches its other case too: then no single character is certain.
      const folded = this.ignoreCase ? caseClosure(set) : set;
      if (folded.length === 2 && folded[0] === folded[1]) must = [set[0] as number];
    }
    // Under `i` a set matches the other case of its letters too (beyond ASCII nothing matters there).
    return {
      first: set,
      nullable: false,
      must,
      shape: { kind: 'set', set: this.ignoreCase ? asciiClosure(set) : set },
    };
  }

  pattern(): Node {
    const node = this.disjunction(true);
    if (this.pos !== this.src.length) throw new Unsupported('trailing input');
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  /** `atStart`: nothing before this part of the pattern needs to consume a character. */
  private disjunction(atStart: boolean): Node {
    let node = this.alternative(atStart);
    const shapes = [node.shape];
    while (this.peek() === '|') {
      this.pos++;
      const next = this.alternative(atStart);
      node = {
        first: union(node.first, next.first),
        nullable: node.nullable || next.nullable,
        must: intersect(node.must, next.must),
        shape: node.shape,
      };
      shapes.push(next.shape);
    }
    return shapes.length === 1 ? node : { ...node, shape: { kind: 'alt', items: shapes } };
  }

  private alternative(atStart: boolean): Node {
    let first: Ranges = [];
    let nullable = true;
    let must: number[] = [];
    const shapes: Shape[] = [];
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const term = this.quantified(this.term(atStart && nullable));
      if (nullable) first = union(first, term.first);
      nullable = nullable && term.nullable;
      must = merge(must, term.must);
      shapes.push(term.shape);
    }
    return { first, nullable, must, shape: { kind: 'seq', items: shapes } };
  }

  private quantified(node: Node): Node {
    const c = this.peek();
    let min: number;
    let max = Infinity;
    if (c === '*' || c === '?') {
      min = 0;
      if (c === '?') max = 1;
    } else if (c === '+') min = 1;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return node;
      min = Number(m[1]);
      if (m[2] === undefined) max = min;
      else if (m[3]) max = Number(m[3]);
      this.pos += m[0].length - 1;
    } else return node;
    this.pos++;
    if (this.peek() === '?') this.pos++;
    const shape: Shape = { kind: 'repeat', item: node.shape, min, max };
    return min === 0 ? { first: node.first, nullable: true, must: [], shape } : { ...node, shape };
  }

  private term(atStart: boolean): Node {
    const c = this.peek() as string;
    this.pos++;
    switch (c) {
      case '^':
      case '$':
        return EMPTY;
      case '.':
        return this.one(this.dotAll ? ANY : complement(LINE_TERMINATORS));
      case '(':
        return this.group(atStart);
      case '[':
        return this.one(this.characterClass());
      case '\\':
        return this.atomEscape();
      case '*':
      case '+':
      case '?':
        throw new Unsupported('nothing to repeat');
      default:
        return this.one(char(c.charCodeAt(0)));
    }
  }

  private group(atStart: boolean): Node {
    let zeroWidth = false;
    if (this.peek() === '?') {
      const kind = this.src.slice(this.pos, this.pos + 3);
      if (kind.startsWith('?:')) this.pos += 2;
      else if (kind.startsWith('?=') || kind.startsWith('?!')) {
        this.pos += 2;
        zeroWidth = true;
      } else if (kind === '?<=' || kind === '?<!') {
        if (kind === '?<=' && atStart) this.lookbehindFirst = true;
        this.pos += 3;
        zeroWidth = true;
      } else {
        const named = /^\?<[A-Za-z_$][\w$]*>/.exec(this.src.slice(this.pos));
        if (!named) throw new Unsupported('group kind');
        this.pos += named[0].length;
      }
    }
    const inner = this.disjunction(atStart && !zeroWidth);
    if (this.peek() !== ')') throw new Unsupported('unclosed group');
    this.pos++;
    // Assertions consume nothing: whatever follows them supplies the first character.
    return zeroWidth ? EMPTY : inner;
  }

  private atomEscape(): Node {
    const c = this.peek();
    if (c === undefined) throw new Unsupported('trailing backslash');
    if (c === 'b' || c === 'B') {
      this.pos++;
      return EMPTY;
    }
    // Backreferences (or Annex B octal escapes) could match anything, or nothing.
    const reference = /^(?:k<[^>]*>|[1-9][0-9]*|0[0-9]+)/.exec(this.src.slice(this.pos));
    if (reference) {
      this.pos += reference[0].length;
      return UNKNOWN;
    }
    return this.one(this.characterEscape());
  }

  /**
   * After a backslash, in or out of a class: the characters the escape stands for. Rare forms
   * (control and octal escapes, malformed hex) count as any character.
   */
  private characterEscape(): Ranges {
    const c = this.peek() as string;
    this.pos++;
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 't':
        return char(9);
      case 'n':
        return char(10);
      case 'v':
        return char(11);
      case 'f':
        return char(12);
      case 'r':
        return char(13);
      case '0':
        return /[0-9]/.test(this.peek() ?? '') ? ANY : char(0);
      case 'x':
      case 'u': {
        const digits = c === 'x' ? 2 : 4;
        const hex = this.src.slice(this.pos, this.pos + digits);
        if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return ANY;
        this.pos += digits;
        return char(parseInt(hex, 16));
      }
      case 'c':
      case 'k':
        return ANY;
      default:
        return /[0-9]/.test(c) ? ANY : char(c.charCodeAt(0));
    }
  }

  private characterClass(): Ranges {
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    let set: Ranges = [];
    while (this.peek() !== ']') {
      if (this.peek() === undefined) throw new Unsupported('unclosed class');
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const to = this.classAtom();
        const single = (r: Ranges): boolean => r.length === 2 && r[0] === r[1];
        if (single(from) && single(to)) {
          if ((from[0] as number) > (to[0] as number)) throw new Unsupported('range out of order');
          set = union(set, [from[0] as number, to[0] as number]);
        } else {
          // Annex B: a class escape next to '-' makes the '-' literal.
          set = union(union(set, from), union(char(45), to));
        }
      } else {
        set = union(set, from);
      }
    }
    this.pos++;
    return negated ? complement(set) : set;
  }

  private classAtom(): Ranges {
    const c = this.peek() as string;
    this.pos++;
    if (c !== '\\') return char(c.charCodeAt(0));
    const e = this.peek();
    if (e === 'b') {
      this.pos++;
      return char(8);
    }
    if (e === '-') {
      this.pos++;
      return char(45);
    }
    return this.characterEscape();
  }
}

export interface PatternFacts {
  /** What a match can start with (closed under case folding with `i`); undefined when that is too broad. */
  first: Ranges | undefined;
  /** Can match the empty string. */
  nullable: boolean;
  /** A positive lookbehind can be the first thing the pattern checks. */
  lookbehindFirst: boolean;
  /** Code units every match contains, as one-character strings. */
  required: string[];
  /** The consuming structure of the pattern (see prefix-paths.ts). */
  shape: Shape;
}

export function patternFacts(source: string, flags: string): PatternFacts | undefined {
  if (/[uv]/.test(flags)) return undefined;
  const ignoreCase = flags.includes('i');
  const reader = new Reader(source, flags.includes('s'), ignoreCase);
  let node: Node;
  try {
    node = reader.pattern();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const narrow = size(node.first) <= MAX_FIRST_CHARS;
  return {
    first: narrow ? (ignoreCase ? caseClosure(node.first) : node.first) : undefined,
    nullable: node.nullable,
    lookbehindFirst: reader.lookbehindFirst,
    required: node.must.map((c) => String.fromCharCode(c)),
    shape: node.shape,
  };
}
