/**
 * How the action gets its plan: the planning library (rotation/plan.ts) over the checked-out default
 * branch, with the forge's CI secrets as inventory. Injected into the step so it can be tested alone.
 */
import type { Forge, Plan } from '../../rotation/types.js';

export interface PlanRequest {
  /** Checked-out working tree of the default branch. */
  root: string;
  forge: Forge;
  /** Repository-relative ledger path. */
  ledger: string;
  maxAge: string;
  generate: string[];
  now: Date;
  warn: (message: string) => void;
}

export type Planner = (request: PlanRequest) => Promise<Plan>;
