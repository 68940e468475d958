/** Character sets as sorted code-unit ranges, and the classes and case folding regexes use. */

/** Sorted, disjoint, non-adjacent inclusive ranges of UTF-16 code units, flattened [lo, hi, ...]. */
export type Ranges = number[];

export const MAX_UNIT = 0xffff;
export const ANY: Ranges = [0, MAX_UNIT];

export function union(a: Ranges, b: Ranges): Ranges {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  // Both are sorted: merge them, joining ranges that overlap or touch.
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let lo: number;
    let hi: number;
    if (j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number))) {
      lo = a[i] as number;
      hi = a[i + 1] as number;
      i += 2;
    } else {
      lo = b[j] as number;
      hi = b[j + 1] as number;
      j += 2;
    }
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

export function complement(a: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if ((a[i] as number) > next) out.push(next, (a[i] as number) - 1);
    next = (a[i + 1] as number) + 1;
  }
  if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
  return out;
}

export function size(a: Ranges): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) n += (a[i + 1] as number) - (a[i] as number) + 1;
  return n;
}

export const char = (c: number): Ranges => [c, c];
export const DIGIT: Ranges = [48, 57];
export const WORD: Ranges = union(union([48, 57], [65, 90]), union([95, 95], [97, 122]));
export const SPACE: Ranges = [
  9, 13, 32, 32, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
];
export const LINE_TERMINATORS: Ranges = [10, 10, 13, 13, 0x2028, 0x2029];

/** Canonicalize() of the ECMAScript spec for case-insensitive matching without the `u` flag. */
function canonical(c: number): number {
  const upper = String.fromCharCode(c).toUpperCase();
  if (upper.length !== 1) return c;
  const u = upper.charCodeAt(0);
  return c >= 128 && u < 128 ? c : u;
}

/** Every code unit that matches a member of `set` under the `i` flag. */
export function caseClosure(set: Ranges): Ranges {
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

/** `set` with the other case of each ASCII letter in it: what it matches under `i`, as far as ASCII goes. */
export function asciiClosure(set: Ranges): Ranges {
  let out = set;
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i] as number;
    const hi = Math.min(set[i + 1] as number, 127);
    for (let c = lo; c <= hi; c++) {
      if (c >= 65 && c <= 90) out = union(out, char(c + 32));
      else if (c >= 97 && c <= 122) out = union(out, char(c - 32));
    }
  }
  return out;
}
