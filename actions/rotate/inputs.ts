import { durationDays } from '../../rotation/ledger.js';

/** The rotate action's inputs as typed values (names, defaults and meaning documented in action.yml). */
export const MODES = ['publish', 'promote'] as const;
export type Mode = (typeof MODES)[number];

export interface RotateInputs {
  mode: Mode;
  token: string;
  dryRun: boolean;
  ledger: string;
  /** Secrets to rotate now with a generated value: `NAME` or `NAME@environment:ENV`. */
  generate: string[];
  /** Added to every item's own labels. */
  labels: string[];
  maxAge: string;
  path: string;
  /** Staged values for `mode: promote` by `<NAME>_NEXT` (the JSON of `${{ toJSON(secrets) }}`). */
  stagedSecrets: Record<string, string>;
}

export class InputError extends Error {}

function bool(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`input ${name}: expected true or false, got "${value}"`);
}

function list(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Never echoes the text: it holds secret values. */
function stagedValues(text: string): Record<string, string> {
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError(
      'input staged-secrets: expected a JSON object of NAME_NEXT: value (e.g. ${{ toJSON(secrets) }})',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputError('input staged-secrets: expected a JSON object of NAME_NEXT: value');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') out[name] = value;
  return out;
}

export function readRotateInputs(read: (name: string) => string): RotateInputs {
  const get = (name: string): string => read(name).trim();
  const mode = get('mode') || 'publish';
  if (!(MODES as readonly string[]).includes(mode))
    throw new InputError(`input mode: expected one of ${MODES.join(', ')}, got "${mode}"`);
  const maxAge = get('max-age') || '90d';
  if (durationDays(maxAge) === undefined)
    throw new InputError(`input max-age: expected a duration such as 90d, 12w or 1y, got "${maxAge}"`);
  return {
    mode: mode as Mode,
    token: get('token'),
    dryRun: bool('dry-run', get('dry-run'), false),
    ledger: get('ledger') || '.keyless/rotation.yml',
    generate: list(get('generate')),
    labels: list(get('labels') || 'keyless,rotation'),
    maxAge,
    path: get('path') || '.',
    stagedSecrets: stagedValues(read('staged-secrets')),
  };
}
