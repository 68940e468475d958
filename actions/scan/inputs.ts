import { SEVERITIES } from '../../scanners/engine/types.js';
import type { FailOn } from '../../cli/args.js';

export const SCAN_MODES = ['auto', 'diff', 'history', 'dir', 'image'] as const;
export type ScanMode = (typeof SCAN_MODES)[number];

/** The action's inputs as typed values (names and defaults documented in action.yml). */
export interface ActionInputs {
  scan: ScanMode;
  path: string;
  image?: string;
  failOn: FailOn;
  config?: string;
  baseline?: string;
  token: string;
  annotations: boolean;
  /** Keep one PR comment up to date (only pull request events have a PR to comment on). */
  comment: boolean;
  uploadSarif: boolean;
  sarifCategory?: string;
  fetchHistory: boolean;
}

export class InputError extends Error {}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`input ${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
}

/** YAML 1.2 core-schema booleans, like the toolkit's getBooleanInput, with a default when empty. */
function bool(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`input ${name}: expected true or false, got "${value}"`);
}

/** `read` returns an input's trimmed value, '' when unset (as the runner passes them). */
export function readInputs(read: (name: string) => string): ActionInputs {
  const get = (name: string): string => read(name).trim();
  const optional = (name: string): string | undefined => get(name) || undefined;
  const scan = oneOf('scan', get('scan') || 'auto', SCAN_MODES);
  const image = optional('image');
  if (scan === 'image' && image === undefined) {
    throw new InputError(
      'input image: required with scan: image (a registry reference such as ghcr.io/o/app:tag)',
    );
  }
  const config = optional('config');
  const baseline = optional('baseline');
  const sarifCategory = optional('sarif-category');
  return {
    scan,
    path: get('path') || '.',
    failOn: oneOf('fail-on', get('fail-on') || 'low', [...SEVERITIES, 'none'] as const),
    token: get('token'),
    annotations: bool('annotations', get('annotations'), true),
    comment: bool('comment', get('comment'), true),
    uploadSarif: bool('upload-sarif', get('upload-sarif'), false),
    fetchHistory: bool('fetch-history', get('fetch-history'), true),
    ...(image !== undefined ? { image } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(baseline !== undefined ? { baseline } : {}),
    ...(sarifCategory !== undefined ? { sarifCategory } : {}),
  };
}
