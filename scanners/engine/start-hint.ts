/**
 * A pattern's possible first characters, as a leading lookahead V8 can check cheaply.
 *
 * V8 skips quickly to where a match can start, unless the pattern can begin with a positive
 * lookbehind (`(?:(?<![a-z])p|(?<=[a-z])P)ass`, as in the generic rules): then the whole pattern
 * is tried at every position of a window, ~30 ns per character on a large pattern. Prefixed with
 * `(?=[pP])` it finds the same matches (every match starts with one of those characters) and each
 * failing position costs one character test. Where V8 scans well by itself the prefix only gets in
 * its way (2-5x slower, measured), so it is added only after a positive lookbehind at the start.
 *
 * The set is derived from the pattern's source by a conservative reading of its syntax: anything
 * not understood (unicode mode, unknown group kinds) leaves the pattern unchanged, backreferences
 * count as any character, and zero-width assertions only ever widen the set.
 */

/** Sorted, disjoint, non-adjacent inclusive ranges of UTF-16 code units, flattened [lo, hi, ...]. */
type Ranges = number[];

interface Node {
  first: Ranges;
  /** Can match without consuming a character. */
  nullable: boolean;
}

interface Analysis extends Node {
  /** A positive lookbehind can be the first thing the pattern checks. */
  lookbehindFirst: boolean;
}

const MAX_UNIT = 0xffff;
const ANY: Ranges = [0, MAX_UNIT];
/** Sets larger than this (after case folding) let too many positions through to be worth a hint. */
const MAX_HINT_CHARS = 96;

class Unsupported extends Error {}

function union(a: Ranges, b: Ranges): Ranges {
  const all: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) all.push([a[i] as number, a[i + 1] as number]);
  for (let i = 0; i < b.length; i += 2) all.push([b[i] as number, b[i + 1] as number]);
  all.sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [lo, hi] of all) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(a: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if ((a[i] as number) > next) out.push(next, (a[i] as number) - 1);
    next = (a[i + 1] as number) + 1;
  }
  if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
  return out;
}

function size(a: Ranges): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) n += (a[i + 1] as number) - (a[i] as number) + 1;
  return n;
}

const char = (c: number): Ranges => [c, c];
const DIGIT: Ranges = [48, 57];
const WORD: Ranges = union(union([48, 57], [65, 90]), union([95, 95], [97, 122]));
const SPACE: Ranges = [
  9, 13, 32, 32, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
];
const LINE_TERMINATORS: Ranges = [10, 10, 13, 13, 0x2028, 0x2029];

/** Canonicalize() of the ECMAScript spec for case-insensitive matching without the `u` flag. */
function canonical(c: number): number {
  const upper = String.fromCharCode(c).toUpperCase();
  if (upper.length !== 1) return c;
  const u = upper.charCodeAt(0);
  return c >= 128 && u < 128 ? c : u;
}

/** Every code unit that matches a member of `set` under the `i` flag. */
function caseClosure(set: Ranges): Ranges {
  let out = set;
  for (let i = 0; i < set.length; i += 2) {
    for (let c = set[i] as number; c <= (set[i + 1] as number); c++) {
      // Without `u`, no character from 128 up is canonically equal to an ASCII one.
      if (c < 128) {
        const folded = canonical(c);
        out = union(out, char(folded));
        if (folded >= 65 && folded <= 90) out = union(out, char(folded + 32));
        continue;
      }
      for (const member of canonicalClass(c)) out = union(out, char(member));
    }
  }
  return out;
}

let canonicalClasses: Map<number, number[]> | undefined;

function canonicalClass(c: number): number[] {
  if (!canonicalClasses) {
    canonicalClasses = new Map();
    for (let d = 128; d <= MAX_UNIT; d++) {
      const key = canonical(d);
      const members = canonicalClasses.get(key);
      if (members) members.push(d);
      else canonicalClasses.set(key, [d]);
    }
  }
  return canonicalClasses.get(canonical(c)) ?? [c];
}

/** Recursive-descent reader of a pattern in non-unicode (Annex B) syntax. */
class Reader {
  private pos = 0;
  lookbehindFirst = false;

  constructor(
    private readonly src: string,
    private readonly dotAll: boolean,
  ) {}

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
    while (this.peek() === '|') {
      this.pos++;
      const next = this.alternative(atStart);
      node = { first: union(node.first, next.first), nullable: node.nullable || next.nullable };
    }
    return node;
  }

  private alternative(atStart: boolean): Node {
    let first: Ranges = [];
    let nullable = true;
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const term = this.quantified(this.term(atStart && nullable));
      if (nullable) first = union(first, term.first);
      nullable = nullable && term.nullable;
    }
    return { first, nullable };
  }

  private quantified(node: Node): Node {
    const c = this.peek();
    let min: number;
    if (c === '*' || c === '?') min = 0;
    else if (c === '+') min = 1;
    else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.pos));
      if (!m) return node;
      min = Number(m[1]);
      this.pos += m[0].length - 1;
    } else return node;
    this.pos++;
    if (this.peek() === '?') this.pos++;
    return { first: node.first, nullable: node.nullable || min === 0 };
  }

  private term(atStart: boolean): Node {
    const c = this.peek() as string;
    this.pos++;
    switch (c) {
      case '^':
      case '$':
        return { first: [], nullable: true };
      case '.':
        return { first: this.dotAll ? ANY : complement(LINE_TERMINATORS), nullable: false };
      case '(':
        return this.group(atStart);
      case '[':
        return { first: this.characterClass(), nullable: false };
      case '\\':
        return this.atomEscape();
      case '*':
      case '+':
      case '?':
        throw new Unsupported('nothing to repeat');
      default:
        return { first: char(c.charCodeAt(0)), nullable: false };
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
    return zeroWidth ? { first: [], nullable: true } : inner;
  }

  private atomEscape(): Node {
    const c = this.peek();
    if (c === undefined) throw new Unsupported('trailing backslash');
    if (c === 'b' || c === 'B') {
      this.pos++;
      return { first: [], nullable: true };
    }
    // Backreferences (or Annex B octal escapes) could match anything, or nothing. What follows
    // the escape's first character is read as literals, which only widens the set.
    if (/[1-9]/.test(c) || c === 'k' || (c === '0' && /[0-9]/.test(this.peek(1) ?? ''))) {
      this.pos++;
      return { first: ANY, nullable: true };
    }
    return { first: this.characterEscape(), nullable: false };
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

function toClass(set: Ranges): string {
  const hex = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;
  let out = '';
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i] as number;
    const hi = set[i + 1] as number;
    out += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
  }
  return `[${out}]`;
}

function analyse(source: string, flags: string): Analysis | undefined {
  if (/[uv]/.test(flags)) return undefined;
  const reader = new Reader(source, flags.includes('s'));
  try {
    return { ...reader.pattern(), lookbehindFirst: reader.lookbehindFirst };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** The characters every match of the pattern starts with, or undefined when that is not known. */
export function firstCharacters(source: string, flags: string): Ranges | undefined {
  const node = analyse(source, flags);
  if (!node || node.nullable || size(node.first) > MAX_HINT_CHARS) return undefined;
  return flags.includes('i') ? caseClosure(node.first) : node.first;
}

/**
 * The pattern source, with a leading lookahead for its first characters when the pattern can
 * begin with a positive lookbehind and those characters are known and few. `always` adds it
 * whenever the characters are known (for tests).
 */
export function withStartHint(source: string, flags: string, always = false): string {
  // Most patterns have no positive lookbehind at all; they need no analysis.
  if (!always && (!source.includes('(?<=') || !analyse(source, flags)?.lookbehindFirst)) return source;
  const first = firstCharacters(source, flags);
  if (!first || first.length === 0 || size(first) > MAX_HINT_CHARS) return source;
  return `(?=${toClass(first)})(?:${source})`;
}
