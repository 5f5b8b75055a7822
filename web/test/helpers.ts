// Shared test helpers: read examples from the test server, plan them
// through the real planner worker, and build without a guest.

import type { BuildPlan, RunVertex } from '../../core/src/index.ts';
import {
  loadExample,
  type Example,
  type FileLoaders,
} from '../src/examples.ts';
import { toBuildOptions, type OptionsDraft } from '../src/options-draft.ts';
import { createPlannerClient } from '../src/planner-client.ts';
import { BrowserExecutor } from '../src/v86/browser-executor.ts';
import type { DirNode } from '../src/v86/file-tree.ts';
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

/** Returns loaders for `examples/index.json` and every file it lists. */
export async function fetchExampleFiles(): Promise<FileLoaders> {
  const indexPath = '/examples/index.json';
  const index = JSON.parse(await fetchText(indexPath));
  const loaders: FileLoaders = { [indexPath]: () => fetchText(indexPath) };
  for (const entry of index.examples as { id: string; files: string[] }[]) {
    for (const file of entry.files) {
      const path = `/examples/${entry.id}/${file}`;
      loaders[path] = () => fetchText(path);
    }
  }
  return loaders;
}

/** Polls until `check` returns a value other than undefined, null or false. */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Follows selectors through nested shadow roots. */
export function deep(root: Element, ...selectors: string[]): Element | null {
  let node: Element | null = root;
  for (const selector of selectors) {
    node = node?.shadowRoot?.querySelector(selector) ?? null;
  }
  return node;
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

/**
 * Plans `dockerfile` for linux/386 and builds it in the page's executor with
 * no guest (so it may have no RUN), from `database`'s image store.
 */
export async function buildWithoutGuest(
  dockerfile: string,
  database: string,
  context?: DirNode,
) {
  const planner = createPlannerClient();
  let plan: BuildPlan | undefined;
  try {
    plan = (
      await planner.api.plan({
        dockerfile,
        options: { platforms: ['linux/386'] },
      })
    ).plan;
  } finally {
    planner.dispose();
  }
  const executor = new BrowserExecutor({
    machine: () => Promise.reject(new Error('no guest in this test')),
    imagesUrl: '/public/images/',
    imageDatabase: database,
  });
  return executor.build(plan!, { onEvent: () => undefined, context });
}
