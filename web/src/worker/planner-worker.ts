// The planner worker: runs core's planner off the page's main thread and
// exposes a single API object through comlink.

import * as Comlink from 'comlink';
import { planBuild } from '../../../core/src/index.ts';
import type { PlannerApi, PlanRequest, PlanResponse } from './protocol.ts';

const api: PlannerApi = {
  plan(request: PlanRequest): PlanResponse {
    const started = performance.now();
    try {
      const plan = planBuild(request.dockerfile, request.options);
      return { plan, elapsedMs: performance.now() - started };
    } catch (error) {
      // The planner reports bad input as diagnostics; a throw is our bug.
      const failure = error instanceof Error ? error.message : String(error);
      return { failure, elapsedMs: performance.now() - started };
    }
  },
};

Comlink.expose(api);
