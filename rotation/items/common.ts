import type { ItemKind } from '../types.js';

/** `src/config/App.ts` -> `src-config-app-ts`; at most `max` characters, never empty. */
export function slug(text: string, max = 40): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s || 'x';
}

export const BASE_LABELS = ['keyless', 'security'];

export function labelsFor(kind: ItemKind): string[] {
  return [...BASE_LABELS, `rotation:${kind}`];
}

/** Inline code that stays code whatever it holds. */
export function code(text: string): string {
  const ticks = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return ticks.length > 1 || text.startsWith('`') ? `${ticks} ${text} ${ticks}` : `\`${text}\``;
}

export function isoDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function list(items: string[], numbered = false): string {
  return items.map((item, i) => `${numbered ? `${i + 1}.` : '-'} ${item}`).join('\n');
}
