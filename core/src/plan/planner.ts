// A planner for re-planning as someone types: each plan is exactly what
// planBuild returns, but work that an edit did not touch is remembered.

import type { BuildOptions } from '../model/options.ts';
import type { BuildPlan } from '../model/plan.ts';
import type { ParseMemo } from '../parse/parse-dockerfile.ts';
import type { HashMemo } from './content-hash.ts';
import { planDockerfile } from './plan-build.ts';

/** Plans builds one after another, reusing what earlier plans computed. */
export interface Planner {
  /** Plans a build; the result equals `planBuild(text, options)`. */
  plan(text: string, options?: BuildOptions): BuildPlan;
}

/**
 * Creates a planner that remembers the instruction lines it has read and
 * the content digests of earlier vertices, so after an edit only the lines
 * and steps the edit changed are read and hashed again.
 */
export function createPlanner(): Planner {
  const hashMemo: HashMemo = new Map();
  const parseMemo: ParseMemo = new Map();
  return {
    plan(text, options = {}) {
      const mode = { allStages: false, hashMemo, parseMemo };
      return planDockerfile(text, options, mode);
    },
  };
}
