// Shared test helpers: read examples from the test server and plan them
// through the real planner worker.

import type { BuildPlan, RunVertex } from '../../core/src/index.ts';
import {
  loadExample,
  type Example,
  type FileLoaders,
} from '../src/examples.ts';
import { toBuildOptions, type OptionsDraft } from '../src/options-draft.ts';
import { createPlannerClient } from '../src/planner-client.ts';
import type { PlanResponse } from '../src/worker/protocol.ts';

/** Loads an example the way the page does, fetching its listed files. */
export async function fetchExample(id: string): Promise<Example> {
  const indexText = await fetchText('/examples/index.json');
  const entry = JSON.parse(indexText).examples.find(
    (e: { id: string }) => e.id === id,
  );
  if (!entry) throw new Error(`example "${id}" is not in examples/index.json`);

  const loaders: FileLoaders = {};
  for (const file of entry.files as string[]) {
    const path = `/examples/${id}/${file}`;
    loaders[path] = () => fetchText(path);
  }
  const example = await loadExample(id, indexText, loaders);
  if (!example) throw new Error(`example "${id}" did not load`);
  return example;
}

/** Plans an example in a fresh planner worker, with optional option changes. */
export async function planExample(
  example: Example,
  changes: Partial<OptionsDraft> = {},
): Promise<PlanResponse> {
  const client = createPlannerClient();
  try {
    return await client.api.plan({
      dockerfile: example.dockerfile,
      options: toBuildOptions(
        { ...example.draft, ...changes },
        example.cdiSpecs,
      ),
    });
  } finally {
    client.dispose();
  }
}

/** Returns the RUN steps of a platform's target stage, in order. */
export function targetRuns(plan: BuildPlan, platform = 0): RunVertex[] {
  const p = plan.platforms[platform]!;
  const stage = p.stages.find((s) => s.index === p.target)!;
  return stage.vertices
    .map((id) => plan.vertices[id]!)
    .filter((v): v is RunVertex => v.kind === 'run');
}

async function fetchText(path: string): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return response.text();
}
