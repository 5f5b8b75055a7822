// Starts the planner worker and wraps its API for the page.

import * as Comlink from 'comlink';
import type { PlannerApi } from './worker/protocol.ts';

/** A handle on the planner worker: its remote API and a way to stop it. */
export interface PlannerClient {
  api: Comlink.Remote<PlannerApi>;
  dispose(): void;
}

/** Starts a planner worker and returns its comlink-wrapped API. */
export function createPlannerClient(): PlannerClient {
  const worker = new Worker(
    new URL('./worker/planner-worker.ts', import.meta.url),
    { type: 'module' },
  );
  const api = Comlink.wrap<PlannerApi>(worker);
  return {
    api,
    dispose() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
