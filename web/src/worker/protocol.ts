// The planner worker's wire types: what the page sends and what comes back.
// Plain, structured-clone-safe data only; nothing here holds a function.

import type {
  BuildOptions,
  BuildPlan,
  Diagnostic,
  RegisteredDevice,
} from '../../../core/src/index.ts';

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
  /** The CDI registry built from the request's spec files. */
  registry?: RegistrySummary;
  failure?: string;
  /** Milliseconds the planner took inside the worker. */
  elapsedMs: number;
}

/** The devices the spec files define and every problem in those files. */
export interface RegistrySummary {
  devices: RegisteredDevice[];
  diagnostics: Diagnostic[];
}

/** The one API object the planner worker exposes. */
export interface PlannerApi {
  /** Plans a build and returns the plan with its diagnostics. */
  plan(request: PlanRequest): PlanResponse;
}
