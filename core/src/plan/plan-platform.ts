// The plan for one target platform: global args, the stage graph, every
// needed stage dispatched in file order, and each stage's built/skipped reason.

import type { CdiRegistry } from '../model/cdi.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { Dockerfile } from '../model/instructions.ts';
import type { ResolvedBuildOptions } from '../model/options.ts';
import type {
  ImageConfig,
  PlatformPlan,
  StageBase,
  StagePlan,
  Vertex,
} from '../model/plan.ts';
import { checkDefaultBaseNames } from '../checks/from-checks.ts';
import type { DeviceSupport } from './frontend.ts';
import type { Linter } from '../checks/linter.ts';
import type { Platform } from '../platform/platform.ts';
import { formatPlatformAll } from '../platform/platform.ts';
import { createPlatformArgs } from '../platform/platform-args.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import { dispatchStage, emptyImageConfig } from './dispatch-stage.ts';
import { findBaseImage } from './base-images.ts';
import type { EnvList } from './env-list.ts';
import { envGet } from './env-list.ts';
import { evaluateGlobalArgs } from './global-args.ts';
import type { StageGraph, StageNode } from './stage-graph.ts';
import { buildStageGraph } from './stage-graph.ts';
import type { VertexIdMemo } from './vertex-id-memo.ts';
import type { StageMemo, StageScope } from './stage-memo.ts';
import { dispatchRemembered } from './stage-memo.ts';

/** Everything planning one platform needs. */
export interface PlatformInput {
  dockerfile: Dockerfile;
  options: ResolvedBuildOptions;
  buildPlatform: Platform;
  targetPlatform: Platform;
  multiPlatform: boolean;
  /** How the build's frontend treats RUN --device. */
  devices: DeviceSupport;
  registry: CdiRegistry;
  vertices: Record<string, Vertex>;
  lint: Linter;
  /** Dispatch every stage (for `--check`), not only those the target needs. */
  allStages: boolean;
  /** Base image configs the caller resolved (see BuildOptions.baseImages). */
  baseImages?: Record<string, ImageConfig>;
  /** Vertex ids earlier plans hashed (see createPlanner). */
  idMemo?: VertexIdMemo;
  /** Stages earlier plans dispatched, with this build's inputs as a key. */
  stages?: {
    memo: StageMemo;
    key: string;
    linesOf: StageScope['linesOf'];
  };
}

/** Plans one target platform; returns no plan when the stage graph cannot be built. */
export function planPlatform(input: PlatformInput): {
  plan?: PlatformPlan;
  diagnostics: Diagnostic[];
} {
  const { dockerfile, options } = input;
  const lastStage = dockerfile.stages.at(-1);
  const targetStage = options.target ?? lastStage?.name;
  checkDefaultBaseNames(
    input.lint,
    dockerfile,
    createPlatformArgs(
      input.buildPlatform,
      input.targetPlatform,
      targetStage,
      options.buildArgs,
    ),
  );
  const global = evaluateGlobalArgs(
    dockerfile,
    input.buildPlatform,
    input.targetPlatform,
    targetStage,
    options.buildArgs,
  );
  const graphResult = buildStageGraph({
    dockerfile,
    globalArgs: global.args,
    target: options.target,
    lint: input.lint,
    imageTriggers: (node) =>
      findBaseImage(
        input.baseImages,
        node.baseName,
        formatPlatformAll(node.platform ?? input.targetPlatform),
      )?.onBuild ?? [],
  });
  const diagnostics = [...global.diagnostics, ...graphResult.diagnostics];
  const graph = graphResult.graph;
  if (!graph) return { diagnostics };

  const ctx: DispatchContext = {
    file: dockerfile.file,
    escapeToken: dockerfile.escapeToken,
    options,
    globalArgs: global.args,
    buildPlatform: input.buildPlatform,
    targetPlatform: input.targetPlatform,
    multiPlatform: input.multiPlatform,
    devices: input.devices,
    registry: input.registry,
    vertices: input.vertices,
    states: new Map(),
    diagnostics,
    lint: input.lint,
  };
  if (input.baseImages) ctx.baseImages = input.baseImages;
  if (input.idMemo) ctx.idMemo = input.idMemo;
  // Sources added by --from or mounts resolve before any stage runs.
  const needed = (node: StageNode) => graph.reachable.has(node);
  const scope = input.stages && stageScope(input, global.args);
  const dispatch = (node: StageNode) => {
    if (scope) dispatchRemembered(ctx, node, scope);
    else dispatchStage(ctx, node);
  };
  for (const node of graph.nodes) {
    if (node.added && needed(node)) dispatch(node);
  }
  const order: number[] = [];
  for (const node of graph.nodes) {
    if (node.added || !needed(node)) continue;
    dispatch(node);
    order.push(node.index);
  }
  if (input.allStages) lintUnneededStages(ctx, graph);

  const reasons = explainStages(graph);
  const stages = graph.nodes
    .filter((node) => !node.added)
    .map((node) => stagePlan(ctx, node, graph, reasons));
  const plan: PlatformPlan = {
    platform: formatPlatformAll(input.targetPlatform),
    target: graph.target.index,
    stages,
    order,
  };
  return { plan, diagnostics };
}

// The platforms, the global ARGs' values and the frontend's RUN --device
// support join the build's inputs in the key of every stage.
function stageScope(input: PlatformInput, globalArgs: EnvList): StageScope {
  const stages = input.stages!;
  const key = JSON.stringify([
    stages.key,
    input.buildPlatform,
    input.targetPlatform,
    input.multiPlatform,
    input.devices,
    globalArgs,
  ]);
  return {
    memo: stages.memo,
    entries: stages.memo.entriesFor(key),
    serials: new Map(),
    linesOf: stages.linesOf,
  };
}

// `--check` lints the stages the target does not need too. They are
// dispatched on a copy of the context, so the plan itself stays as it is.
function lintUnneededStages(ctx: DispatchContext, graph: StageGraph) {
  const copy: DispatchContext = {
    ...ctx,
    states: new Map(ctx.states),
    vertices: {},
  };
  for (const node of graph.nodes) {
    if (node.added && !graph.reachable.has(node)) dispatchStage(copy, node);
  }
  for (const node of graph.nodes) {
    if (!node.added && !graph.reachable.has(node)) dispatchStage(copy, node);
  }
}

function stagePlan(
  ctx: DispatchContext,
  node: StageNode,
  graph: StageGraph,
  reasons: Map<StageNode, string>,
): StagePlan {
  const state = ctx.states.get(node);
  const built = state !== undefined;
  const plan: StagePlan = {
    index: node.index,
    id: stageId(node),
    built,
    reason: built
      ? (reasons.get(node) ?? 'target')
      : `not needed for target ${stageId(graph.target)}`,
    platform: formatPlatformAll(
      state?.platform ?? node.platform ?? ctx.targetPlatform,
    ),
    base: stageBase(node, state, ctx),
    args: state ? visibleArgs(state) : {},
    config: state?.config ?? emptyImageConfig(),
    baseConfigKnown: state?.baseConfigKnown ?? false,
    history: state?.history ?? [],
    vertices: state?.vertices ?? [],
  };
  if (node.name) plan.name = node.name;
  if (state?.result) plan.result = state.result;
  if (node.location) plan.location = node.location;
  return plan;
}

function stageBase(
  node: StageNode,
  state: StageState | undefined,
  ctx: DispatchContext,
): StageBase {
  if (node.base) return { kind: 'stage', stage: node.base.index };
  if (node.baseName === 'scratch') return { kind: 'scratch' };
  const platform = state?.platform ?? node.platform ?? ctx.targetPlatform;
  return {
    kind: 'image',
    ref: node.baseName,
    platform: formatPlatformAll(platform),
  };
}

/** Returns the build args RUN sees at the end of a stage, by name. */
function visibleArgs(state: StageState): Record<string, string> {
  const args: Record<string, string> = {};
  for (const arg of state.buildArgs) {
    const value = envGet(state.env, arg.key) ?? arg.value;
    if (value !== undefined) args[arg.key] = value;
  }
  return args;
}

/** Returns how cases and --target refer to a stage: its name, else its index. */
export function stageId(node: StageNode): string {
  return node.name ?? String(node.index);
}

/** Says for each needed stage which stage needs it and through what. */
function explainStages(graph: StageGraph): Map<StageNode, string> {
  const reasons = new Map<StageNode, string>([[graph.target, 'target']]);
  const queue = [graph.target];
  while (queue.length > 0) {
    const node = queue.shift()!;
    const edges = [
      ...(node.base ? [{ node: node.base, via: `FROM ${node.baseName}` }] : []),
      ...node.deps,
    ];
    for (const edge of edges) {
      if (reasons.has(edge.node)) continue;
      reasons.set(edge.node, `needed by stage ${stageId(node)} (${edge.via})`);
      queue.push(edge.node);
    }
  }
  return reasons;
}
