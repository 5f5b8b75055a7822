// The state a stage carries while its instructions are planned, and the
// helpers every instruction planner shares: errors, expansion, names, vertices.

import type { Linter } from '../checks/linter.ts';
import type { DeviceSupport } from './frontend.ts';
import type { CdiRegistry } from '../model/cdi.ts';
import type { Diagnostic, Range } from '../model/diagnostic.ts';
import type { ResolvedBuildOptions } from '../model/options.ts';
import type { HistoryRow, ImageConfig, Vertex } from '../model/plan.ts';
import type { LexOptions } from '../expand/shell-lexer.ts';
import { checkUndefinedVars } from '../checks/dispatch-checks.ts';
import { expandWord } from '../expand/expand-word.ts';
import type { Platform } from '../platform/platform.ts';
import { formatPlatformAll } from '../platform/platform.ts';
import { formatStepName } from '../progress/step-name.ts';
import type { EnvList } from './env-list.ts';
import { envLookup } from './env-list.ts';
import type { StageNode } from './stage-graph.ts';
import { targetSuffix } from './target-suffix.ts';
import type { VertexIdMemo } from './vertex-id-memo.ts';

/** A stage's build state after each instruction. */
export interface StageState {
  node: StageNode;
  platform: Platform;
  config: ImageConfig;
  /** The environment RUN sees: image env, ENV and ARG values. */
  env: EnvList;
  dir: string;
  user: string;
  /** ARGs declared in the stage or inherited from its base stage. */
  buildArgs: { key: string; value?: string }[];
  /** The vertex whose filesystem is the stage so far. */
  result?: string;
  vertices: string[];
  /** Image history rows since the base image, base stages' rows included. */
  history: HistoryRow[];
  cmdIndex: number;
  cmdTotal: number;
  /** Whether CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  /** Whether the current instruction came from an ONBUILD trigger. */
  onbuild: boolean;
  /** Whether a WORKDIR ran in this stage or a base stage (for the relative-path check). */
  workdirSet: boolean;
  /** Whether the base config was known (scratch, given, or a known stage). */
  baseConfigKnown: boolean;
  /** Where this stage last set CMD, ENTRYPOINT and HEALTHCHECK. */
  lastSet: Partial<Record<'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK', Range>>;
}

/** What every instruction planner can read and write for one target platform. */
export interface DispatchContext {
  file: string;
  escapeToken: string;
  options: ResolvedBuildOptions;
  globalArgs: EnvList;
  buildPlatform: Platform;
  targetPlatform: Platform;
  multiPlatform: boolean;
  /** How the build's frontend treats RUN --device. */
  devices: DeviceSupport;
  registry: CdiRegistry;
  vertices: Record<string, Vertex>;
  states: Map<StageNode, StageState>;
  diagnostics: Diagnostic[];
  /** Build checks that run while instructions are dispatched. */
  lint: Linter;
  /** Base image configs the caller resolved (see BuildOptions.baseImages). */
  baseImages?: Record<string, ImageConfig>;
  /** Vertex ids earlier plans hashed (see createPlanner). */
  idMemo?: VertexIdMemo;
  /** Collects every vertex a stage adds, new or not (see StageMemo). */
  added?: Vertex[];
}

const platformNames = new WeakMap<Platform, string>();

/**
 * Returns `formatPlatformAll(platform)`, made once per platform object, so
 * the vertices of a platform share one string. Planning never changes a
 * platform object once made.
 */
export function platformName(platform: Platform): string {
  let name = platformNames.get(platform);
  if (name === undefined) {
    name = formatPlatformAll(platform);
    platformNames.set(platform, name);
  }
  return name;
}

/** Records an error diagnostic at a range of the Dockerfile. */
export function reportError(
  ctx: DispatchContext,
  code: string,
  message: string,
  range: Range | undefined,
) {
  ctx.diagnostics.push({
    code,
    severity: 'error',
    message,
    ...(range ? { location: { file: ctx.file, range } } : {}),
  });
}

/** Expands a word with the stage's environment; reports and returns undefined on error. */
export function expandIn(
  ctx: DispatchContext,
  state: StageState,
  word: string,
  range: Range,
  options?: LexOptions,
): string | undefined {
  const escape = options?.skipProcessQuotes ? '\\' : ctx.escapeToken;
  const result = expandWord(word, envLookup(state.env), escape, options);
  if (result.unmatched.length > 0) {
    const keys = state.env.map(([key]) => key);
    checkUndefinedVars(
      ctx.lint,
      result.unmatched,
      state.buildArgs,
      keys,
      range,
    );
  }
  if (result.error !== undefined) {
    reportError(ctx, 'expansion-error', result.error, range);
    return undefined;
  }
  return result.value;
}

/**
 * Builds a step's progress name and takes the next step number, as
 * BuildKit's prefixCommand does.
 */
export function nextStepName(
  ctx: DispatchContext,
  state: StageState,
  text: string,
  env: EnvList | undefined = state.env,
): string {
  if (state.cmdTotal === 0) return text;
  state.cmdIndex++;
  return formatStepName({
    text,
    index: state.cmdIndex,
    total: state.cmdTotal,
    stage: state.node.displayName,
    platform: ctx.multiPlatform ? platformName(state.platform) : undefined,
    targetSuffix:
      ctx.multiPlatform && env ? targetSuffix(state.platform, env) : undefined,
    onbuild: state.onbuild,
  });
}

/** Expands a step's source text for its name; on error the text stays as written. */
export function stepText(
  ctx: DispatchContext,
  state: StageState,
  original: string,
  options?: LexOptions,
): string {
  const text = original.trim();
  const result = expandWord(
    text,
    envLookup(state.env),
    ctx.escapeToken,
    options,
  );
  const expanded = result.error === undefined ? result.value : text;
  const space = expanded.indexOf(' ');
  if (space < 0) return expanded.toUpperCase();
  return expanded.slice(0, space).toUpperCase() + expanded.slice(space);
}

/** Adds a vertex to the plan (the first one with an id wins) and to the stage. */
export function addVertex(
  ctx: DispatchContext,
  state: StageState,
  vertex: Vertex,
) {
  if (!Object.hasOwn(ctx.vertices, vertex.id)) ctx.vertices[vertex.id] = vertex;
  ctx.added?.push(vertex);
  state.vertices.push(vertex.id);
  state.result = vertex.id;
}
