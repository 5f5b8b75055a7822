// The planner worker's wire types: what the page sends and what comes back.
// Plain, structured-clone-safe data only; nothing here holds a function.

import type { BuildOptions, BuildPlan } from '../../../core/src/index.ts';

/** One planning job: the Dockerfile text and the build options. */
export interface PlanRequest {
  dockerfile: string;
  options: BuildOptions;
}

/**
 * The answer to a `PlanRequest`. Problems in the input are diagnostics in
 * `plan`; `failure` is set only when the planner itself broke.
 */
export interface PlanResponse {
  plan?: BuildPlan;
  failure?: string;
  /** Milliseconds the planner took inside the worker. */
  elapsedMs: number;
}

/** The one API object the planner worker exposes. */
export interface PlannerApi {
  /** Plans a build and returns the plan with its diagnostics. */
  plan(request: PlanRequest): PlanResponse;
}
