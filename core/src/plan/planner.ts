// A planner for re-planning as someone types: each plan is exactly what
// planBuild returns, but work that an edit did not touch is remembered.

import type { BuildOptions } from '../model/options.ts';
import type { BuildPlan } from '../model/plan.ts';
import type { ParseMemo } from '../parse/parse-dockerfile.ts';
import { planDockerfile } from './plan-build.ts';
import { VertexIdMemo } from './vertex-id-memo.ts';

/** Plans builds one after another, reusing what earlier plans computed. */
export interface Planner {
  /** Plans a build; the result equals `planBuild(text, options)`. */
  plan(text: string, options?: BuildOptions): BuildPlan;
}

/**
 * Creates a planner that remembers the instruction lines it has read and
 * the vertex ids it has hashed, so after an edit only the lines the edit
 * changed are read again and only the steps it changed are hashed.
 */
export function createPlanner(): Planner {
  const parseMemo: ParseMemo = new Map();
  const idMemo = new VertexIdMemo();
  return {
    plan(text, options = {}) {
      const mode = { allStages: false, parseMemo, idMemo };
      return planDockerfile(text, options, mode);
    },
  };
}
