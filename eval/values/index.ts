import { cloud } from './cloud.js';
import { generic } from './generic.js';
import { negatives } from './negatives.js';
import { privateKeys } from './pem.js';
import { saas } from './saas.js';
import { sourceControl } from './source-control.js';
import type { NegativeMaker, PositiveSpec } from './spec.js';

function merge(...tables: Record<string, PositiveSpec>[]): Record<string, PositiveSpec> {
  const out: Record<string, PositiveSpec> = {};
  for (const table of tables) {
    for (const [name, spec] of Object.entries(table)) {
      if (out[name]) throw new Error(`duplicate generator name ${name}`);
      out[name] = spec;
    }
  }
  return out;
}

export const positives: Record<string, PositiveSpec> = merge(
  sourceControl,
  cloud,
  saas,
  generic,
  privateKeys,
);
export const negativeMakers: Record<string, NegativeMaker> = negatives;
export type { NegativeMaker, PositiveSpec };
