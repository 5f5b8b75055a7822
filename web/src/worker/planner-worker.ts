// The planner worker: runs core's planner off the page's main thread and
// exposes a single API object through comlink.

import * as Comlink from 'comlink';
import type { CdiSpecFile } from '../../../core/src/index.ts';
import {
  createCdiRegistry,
  createPlanner,
  lintCdiSpec,
} from '../../../core/src/index.ts';
import type {
  PlannerApi,
  PlanRequest,
  PlanResponse,
  RegistrySummary,
} from './protocol.ts';

// One planner for the worker's life: each keystroke's re-plan reuses what
// the previous plans read and hashed.
const planner = createPlanner();

const api: PlannerApi = {
  plan(request: PlanRequest): PlanResponse {
    const started = performance.now();
    try {
      const plan = planner.plan(request.dockerfile, request.options);
      const registry = summarizeRegistry(request.options.cdiSpecs ?? []);
      return { plan, registry, elapsedMs: performance.now() - started };
    } catch (error) {
      // The planner reports bad input as diagnostics; a throw is our bug.
      const failure = error instanceof Error ? error.message : String(error);
      return { failure, elapsedMs: performance.now() - started };
    }
  },
};

// Every problem of each spec file (not only the first, which stops a load),
// then devices that two files of one directory define.
function summarizeRegistry(files: CdiSpecFile[]): RegistrySummary {
  const registry = createCdiRegistry(files);
  const diagnostics = [
    ...files.flatMap((f) => lintCdiSpec(f.text, f.path).diagnostics),
    ...registry.diagnostics.filter((d) => d.code === 'cdi-device-conflict'),
  ];
  return { devices: registry.devices, diagnostics };
}

Comlink.expose(api);
