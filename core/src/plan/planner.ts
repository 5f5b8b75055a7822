// A planner for re-planning as someone types: each plan is exactly what
// planBuild returns, but work that an edit did not touch is remembered.

import type { BuildOptions } from '../model/options.ts';
import type { BuildPlan } from '../model/plan.ts';
import type { ParseMemo } from '../parse/parse-dockerfile.ts';
import { planDockerfile } from './plan-build.ts';
import { StageMemo } from './stage-memo.ts';
import { VertexIdMemo } from './vertex-id-memo.ts';

/** Plans builds one after another, reusing what earlier plans computed. */
export interface Planner {
  /** Plans a build; the result equals `planBuild(text, options)`. */
  plan(text: string, options?: BuildOptions): BuildPlan;
}

/**
 * Creates a planner that remembers the instruction lines it has read, the
 * stages it has dispatched and the vertex ids it has hashed, so after an
 * edit only the lines, stages and steps the edit changed are done again.
 * Plans share what did not change (vertices, stage configs) with earlier
 * plans: treat them as read-only.
 */
export function createPlanner(): Planner {
  const parseMemo: ParseMemo = new Map();
  const idMemo = new VertexIdMemo();
  const stageMemo = new StageMemo();
  return {
    plan(text, options = {}) {
      const mode = { allStages: false, parseMemo, idMemo, stageMemo };
      return planDockerfile(text, options, mode);
    },
  };
}
