/**
 * Pattern builders for secrets that carry no prefix of their own and are recognised only by the
 * name they are assigned to (`TWILIO_AUTH_TOKEN=…`, `"datadogApiKey": "…"`).
 *
 * The name is matched in any letter case while the value keeps its exact alphabet: a case-insensitive
 * flag would also widen `[a-f0-9]` to upper-case hex and `[A-Z0-9]` to lower case, which costs precision.
 */

/** Rewrites every literal letter of a regex source as `[xX]`, leaving escapes and character classes alone. */
export function anyCase(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === '\\') {
      out += ch + source.charAt(i + 1);
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      continue;
    }
    // Group syntax such as `(?:` or `(?<!` has no letters; named groups are not allowed in names.
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    out += lower !== upper ? `[${lower}${upper}]` : ch;
  }
  return out;
}

/**
 * What may sit between a name and its value: the rest of the identifier, a closing quote or bracket,
 * and one of `=`, `:`, `:=`, `=>`, `?=`, `,` (function arguments), `>` (XML) or plain whitespace (CLI flags).
 */
const SEPARATOR = String.raw`[\w.-]{0,24}?["'\x60\]]?\s{0,3}(?:=>|:=|\?=|[:=,>]|\s)\s{0,3}["'\x60]?`;

/** A value must not run on into more token characters. */
const VALUE_END = String.raw`(?![A-Za-z0-9_+/=-])`;

/**
 * Matches `value` assigned to a name matching `name` (a case-insensitive regex source). `lead` is an
 * optional alternative introducer (an HTTP header scheme such as `GenieKey `) written case-sensitively.
 * The value is the `secret` group; `flags` may add `m` for line-anchored leads.
 */
export function assignment(name: string, value: string, lead?: string, flags = ''): RegExp {
  const named = `(?:${anyCase(name)})${SEPARATOR}`;
  const intro = lead === undefined ? named : `(?:${named}|${lead})`;
  return new RegExp(`${intro}(?<secret>${value})${VALUE_END}`, flags);
}

/**
 * Gap between a provider word and the secret's role word inside one name: `TWILIO_AUTH_TOKEN`,
 * `twilio.authToken`, or an SDK call such as `cohere.Client(api_key=`.
 */
export const GAP = String.raw`[\w.(-]{0,30}?`;

/** Default search window for assignment rules: the name precedes the value on the same line. */
export const ASSIGNMENT_WINDOW = { before: 64, after: 256 };

/** RFC 4122-shaped identifier in lower- or upper-case hex. */
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
