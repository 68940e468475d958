/** A fabricated value in one provider's documented shape. */
export interface PositiveSpec {
  /** Label kind written to labels.json (provider first, kebab-case). */
  kind: string;
  /** Human description used as the label's note. */
  title: string;
  /** `arg` is the text after `:` in the marker, if any (length, charset, output form...). */
  make: (arg: string | undefined) => string;
}

/** A look-alike that must not be reported; never labelled. */
export type NegativeMaker = (arg: string | undefined) => string;

export function intArg(arg: string | undefined, fallback: number): number {
  if (arg === undefined || arg === '') return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer argument, got "${arg}"`);
  return n;
}
