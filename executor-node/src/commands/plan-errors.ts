// The errors that stop a planned build: error diagnostics, and device requests
// that failed in a stage the target needs.

import type { BuildPlan, RunVertex } from '../../../core/src/index.ts';

/**
 * Lists the plan's error messages: error diagnostics and failed device
 * requests in built stages.
 */
export function planErrors(plan: BuildPlan): string[] {
  const messages = plan.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);
  for (const vertex of builtRunVertices(plan)) {
    for (const device of vertex.devices) {
      if (device.error && !messages.includes(device.error)) {
        messages.push(device.error);
      }
    }
  }
  return messages;
}

/** Lists the RUN vertices of every built stage, each once. */
export function builtRunVertices(plan: BuildPlan): RunVertex[] {
  const ids = new Set<string>();
  for (const platformPlan of plan.platforms) {
    for (const stage of platformPlan.stages) {
      if (stage.built) for (const id of stage.vertices) ids.add(id);
    }
  }
  return [...ids]
    .map((id) => plan.vertices[id])
    .filter((v): v is RunVertex => v !== undefined && v.kind === 'run');
}
