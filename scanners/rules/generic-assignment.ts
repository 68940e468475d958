import { anyCase } from './assignment.js';
import { isPlaceholder } from '../engine/suppress.js';
import {
  decodeBase64Text,
  isIdentifierLike,
  isTrivialPassword,
  isNonValue,
  isPasswordLike,
  isReference,
  isTokenLike,
  looksLikeCode,
} from './value-shape.js';

/**
 * The grammar shared by the generic rules: a secret-named key, an assignment operator of some
 * language or format, and a literal value. Key names are matched in any letter case, but word
 * boundaries are case-aware so `dbPass` and `DB_PASS` match while `bypass` and `compass` do not.
 */

/** A short key word that must start a word: after a non-alphanumeric or at a camelCase hump. */
export function wordStart(word: string): string {
  const first = word.charAt(0);
  return String.raw`(?:(?<![A-Za-z0-9])[${first}${first.toUpperCase()}]|(?<=[a-z0-9])${first.toUpperCase()})${anyCase(word.slice(1))}`;
}

/**
 * After the key: an optional index digit, closing quote or bracket, then one of `=`, `:`, `=>`, `:=`,
 * `?=`, a typed declaration (`password: str = `, `password string = `), `, ` between two quoted
 * strings (`put("password", "...")`), or a space after an EDN keyword (`:password "..."`). Comparisons (`==`, `=~`) and `::` are not assignments.
 */
const OPERATOR = [
  String.raw`[ \t]{0,32}:[ \t]{0,4}[A-Za-z_][\w.<>\[\]?|]{0,40}[ \t]{1,4}=(?![=~])(?=\s)`,
  String.raw`[ \t]+(?:string|String|str)[ \t]{0,4}=(?![=~])`,
  String.raw`[ \t]{0,32}(?:=>|:=|\?=|=(?![=~])|:(?![:\w]))`,
  String.raw`(?<=["'\x60])[ \t]{0,4}(?<comma>,)(?=[ \t]{0,4}["'\x60])`,
  // Clojure/EDN keywords: `{:db-password "..."}`.
  String.raw`(?<=(?:^|[\s{(\[,]):[\w.*/-]{1,80})[ \t]+(?=["'])`,
].join('|');

/**
 * The value: quoted (any of `"'\``, optional Python/C# prefix) or bare up to a delimiter (including
 * `&next=` in a query string). Spaces end a value either way; a passphrase with spaces is not worth
 * the false positives of prose.
 */
const VALUE = String.raw`[ \t]{0,4}(?:[bBrR]{1,2}|@)?(?<q>["'\x60]?)(?<secret>[^\s"'\x60]{1,256}?)\k<q>(?:(?<=["'\x60])|(?=[\s,;)}\]"'\x60]|&\w{1,40}=|$))`;

/** Key names may end in a version or index: `password2`, `smtp_password_v4`. */
export function assignmentPattern(key: string): RegExp {
  return new RegExp(String.raw`(?:${key})(?:[_-]?v?\d{1,2})?["'\x60]?\]?(?:${OPERATOR})${VALUE}`, 'm');
}

/** What can come right after a key in `assignmentPattern`: a version or index, a closing quote or bracket, an operator. */
const KEY_FOLLOWERS = '_-v0123456789"\'`] \t:=?,';

/**
 * Keywords for the key words of an assignment rule: each word followed by every character that can
 * follow a key, so that `author`, `tokenizer` or `secrets.` open no window. The engine holds the
 * rule to this (its matches must all begin with one of them: anchor.ts, tested).
 */
export function followedKeywords(words: string[]): string[] {
  return words.flatMap((word) => [...KEY_FOLLOWERS].map((c) => word + c));
}

/** Window for single-line assignments: enough before the keyword for the boundary lookbehinds. */
export const ASSIGNMENT_WINDOW = { before: 40, after: 400 };

const SECRET_STORE =
  /^(?:ENC\[|!vault|vault:|ref\+|arn:aws:|sm:\/\/|op:\/\/|azure-keyvault|keyvault:|gcp:|awssm:|sops:)/i;
const FILE_PATH =
  /^(?:~|\.{1,2})?\/|^[A-Za-z]:[\\/]|\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|ini|conf|cfg|properties|toml|xml|gpg|asc)$/i;

/**
 * Values that cannot be a literal secret whatever the key: references and secret-store pointers,
 * code, types and keywords, numbers and versions, paths, URLs (the connection-string rules own
 * them), e-mail addresses, format strings and maven-style `{encrypted}` blobs.
 */
export function isNotALiteral(value: string): boolean {
  return (
    isReference(value) ||
    SECRET_STORE.test(value) ||
    looksLikeCode(value) ||
    isNonValue(value) ||
    isIdentifierLike(value) ||
    /^[@:&*!%$#][A-Za-z_][\w.]*$/.test(value) ||
    /^[\d.,:_-]+$/.test(value) ||
    // A command-line option named next to the keyword (`credentials: --credentials-action DIR`).
    /^--[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(value) ||
    FILE_PATH.test(value) ||
    value.includes('://') ||
    /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(value) ||
    /\{[\w.]*\}|%[sd]/.test(value) ||
    /^[([{]|\w\(/.test(value) ||
    isSlashPath(value) ||
    /^\{.*\}$/.test(value) ||
    /\.\.\.|…/.test(value) ||
    // Checksummed formats belong to their provider rule, which rejects values that fail the check.
    /^(?:gh[pousr]_|npm_)[A-Za-z0-9]{36}$/.test(value) ||
    // Publishable by design: Stripe and Mapbox public keys, PostHog project keys.
    /^(?:pk_(?:live|test)_|pk\.eyJ|phc_)/.test(value)
  );
}

/** `kadmin/passwd`, `secrets/db/password`: slash-separated words. */
function isSlashPath(value: string): boolean {
  return value.includes('/') && value.split('/').every((part) => part.length <= 3 || isIdentifierLike(part));
}

/**
 * `put("password", "...")` counts only when the key is a whole quoted string; otherwise any two
 * neighbouring strings in a list (`"kadmin/passwd", "kadmin/server"`) would pair up.
 */
export function commaPairIsKeyValue(match: RegExpExecArray): boolean {
  if (match.groups?.['comma'] === undefined) return true;
  return /["'\x60][\w.-]{0,40}$/.test(match.input.slice(Math.max(0, match.index - 41), match.index));
}

export type Family = 'password' | 'secret' | 'token';

/** Verdicts already reached: the same literals (`string`, `process.env.X`, ids) recur across files. */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 16384;

/** Passwords pass at human strength; keys and tokens must look machine-generated. */
export function isGenericSecret(value: string, family: Family): boolean {
  const key = `${family}\0${value}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(key, (verdict = judgeGenericSecret(value, family)));
  }
  return verdict;
}

function judgeGenericSecret(value: string, family: Family): boolean {
  if (isNotALiteral(value)) return false;
  // base64 `user:password` (basic auth material): judge the password inside.
  const decoded = decodeBase64Text(value);
  const pair = decoded?.match(/^(?<user>[^:\s]{1,128}):(?<password>\S{1,256})$/)?.groups;
  if (pair)
    return !isTrivialPassword(pair['password'] ?? '', pair['user']) && !isPlaceholder(pair['password'] ?? '');
  if (family === 'password') return isPasswordLike(value) || isTokenLike(value);
  if (family === 'secret') return isTokenLike(value) || (value.length >= 10 && isPasswordLike(value));
  return isTokenLike(value);
}
