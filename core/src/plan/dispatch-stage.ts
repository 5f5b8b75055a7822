// Dispatching one stage for one target platform: its starting state (an
// image, scratch, or a base stage's end state) and each instruction in turn.

import type { ImageConfig, ImageVertex } from '../model/plan.ts';
import { checkBaseImagePlatform } from '../checks/from-checks.ts';
import type { Platform } from '../platform/platform.ts';
import { formatPlatformAll, parsePlatform } from '../platform/platform.ts';
import { findBaseImage } from './base-images.ts';
import { hashParts } from './vertex-id.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import { nextStepName, platformName } from './dispatch-context.ts';
import { configEnvSet, envAddAll, envFromStrings, envGet } from './env-list.ts';
import { planCopy } from './plan-copy.ts';
import { planArg, planEnv, planLabel, type ExpandedPair } from './plan-env.ts';
import { historyRow, type HistoryInput } from './plan-history.ts';
import { planImageConfig } from './plan-image-config.ts';
import { planRun } from './plan-run.ts';
import { planWorkdir } from './plan-workdir.ts';
import { formatTagged } from './reference.ts';
import type { StageNode } from './stage-graph.ts';

/**
 * The PATH BuildKit sets on Linux when the base has none. When an image's
 * config was not given, its stage's planned env carries it too; whoever
 * merges the real image env should keep the image's own PATH over this one.
 */
export const DEFAULT_PATH =
  '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const COUNTED_STEPS = new Set(['ADD', 'COPY', 'RUN', 'WORKDIR']);

/** Returns an empty image config, as for `scratch`. */
export function emptyImageConfig(): ImageConfig {
  return {
    env: [],
    labels: {},
    exposedPorts: [],
    volumes: [],
    shell: [],
    onBuild: [],
  };
}

/** Plans a stage (or a `--from` image) and records its end state in the context. */
export function dispatchStage(
  ctx: DispatchContext,
  node: StageNode,
): StageState {
  const state = initialState(ctx, node);
  ctx.states.set(node, state);
  for (const command of node.commands) {
    state.onbuild = command.onbuild;
    const c = command.instruction;
    const before: HistoryInput = {
      env: state.env,
      escapeToken: ctx.escapeToken,
      argCount: state.buildArgs.length,
      vertexCount: state.vertices.length,
    };
    let pairs: ExpandedPair[] | undefined;
    switch (c.kind) {
      case 'RUN':
        planRun(ctx, state, command, c);
        break;
      case 'COPY':
      case 'ADD':
        planCopy(ctx, state, command, c);
        break;
      case 'WORKDIR':
        planWorkdir(ctx, state, c);
        break;
      case 'ENV':
        pairs = planEnv(ctx, state, c);
        break;
      case 'ARG':
        planArg(ctx, state, c);
        break;
      case 'LABEL':
        pairs = planLabel(ctx, state, c);
        break;
      default:
        planImageConfig(ctx, state, c);
    }
    const row = historyRow(c, before, state, ctx.vertices, pairs);
    if (row) state.history.push(row);
  }
  state.onbuild = false;
  return state;
}

function initialState(ctx: DispatchContext, node: StageNode): StageState {
  const state = node.base ? inherit(ctx, node) : fresh(ctx, node);

  const configEnv = envFromStrings(state.config.env);
  if (
    envGet(configEnv, 'PATH') === undefined &&
    state.platform.os !== 'windows'
  ) {
    state.config.env = configEnvSet(state.config.env, 'PATH', DEFAULT_PATH);
    // PATH was not there, so it is simply added last.
    configEnv.push(['PATH', DEFAULT_PATH]);
  }
  state.env = envAddAll(state.env, configEnv);
  if (state.config.workingDir) state.dir = state.config.workingDir;
  if (state.config.user) state.user = state.config.user;
  return state;
}

function inherit(ctx: DispatchContext, node: StageNode): StageState {
  const base = ctx.states.get(node.base!);
  const state = fresh(ctx, node);
  if (!base) return state;
  return {
    ...state,
    platform: base.platform,
    config: cloneConfig(base.config),
    env: [...base.env],
    dir: base.dir,
    user: base.user,
    buildArgs: [...base.buildArgs],
    history: [...base.history],
    workdirSet: base.workdirSet,
    baseConfigKnown: base.baseConfigKnown,
    ...(base.result ? { result: base.result } : {}),
  };
}

function fresh(ctx: DispatchContext, node: StageNode): StageState {
  const platform = node.platform ?? ctx.targetPlatform;
  const state: StageState = {
    node,
    platform,
    config: emptyImageConfig(),
    env: [],
    dir: '/',
    user: '',
    buildArgs: [],
    vertices: [],
    history: [],
    cmdIndex: 0,
    cmdTotal: countSteps(node),
    cmdSet: false,
    onbuild: false,
    workdirSet: false,
    baseConfigKnown: !node.base && node.baseName === 'scratch',
    lastSet: {},
  };
  if (!node.base && node.baseName === 'scratch') state.config.workingDir = '/';
  const image =
    node.base || node.baseName === 'scratch'
      ? undefined
      : findBaseImage(
          ctx.baseImages,
          node.baseName,
          formatPlatformAll(platform),
        );
  if (image) {
    state.config = cloneConfig(withDefaults(image));
    state.baseConfigKnown = true;
    if (!node.platform && ctx.options.implicitTarget) {
      state.platform = autoDetectPlatform(ctx, image.platform, platform);
    }
    const at = node.location?.range;
    if (at) {
      const name = node.baseName;
      const expected = state.platform;
      checkBaseImagePlatform(ctx.lint, name, expected, image.platform, at);
    }
  }
  if (!node.base && node.image)
    addImageVertex(ctx, state, formatTagged(node.image));
  return state;
}

/**
 * Picks the platform a stage FROM an image runs on when the build named no
 * platform, as BuildKit does: the target when the image is for it, else the
 * image's own platform where the builder can run it.
 */
function autoDetectPlatform(
  ctx: DispatchContext,
  declared: string | undefined,
  target: Platform,
): Platform {
  const parsed = declared === undefined ? undefined : parsePlatform(declared);
  if (!parsed?.ok) return target;
  const image = parsed.platform;
  const same = (p: Platform) =>
    p.os === image.os && p.architecture === image.architecture;
  if (same(target)) return target;
  for (const name of ctx.options.builderPlatforms) {
    const builder = parsePlatform(name);
    if (builder.ok && same(builder.platform)) return builder.platform;
  }
  return target;
}

function addImageVertex(ctx: DispatchContext, state: StageState, ref: string) {
  const platform = platformName(state.platform);
  const text = `FROM ${ref}`;
  const vertex: ImageVertex = {
    kind: 'image',
    id: hashParts(['source', ref, platform], ctx.idMemo),
    stage: state.node.owner ?? state.node.index,
    platform,
    name: nextStepName(ctx, state, text, undefined),
    text,
    inputs: [],
    ref,
  };
  if (state.node.location) vertex.location = state.node.location;
  if (!Object.hasOwn(ctx.vertices, vertex.id)) ctx.vertices[vertex.id] = vertex;
  ctx.added?.push(vertex);
  state.vertices.push(vertex.id);
  state.result = vertex.id;
}

// A config from outside (JSON) may leave out the lists.
function withDefaults(config: ImageConfig): ImageConfig {
  return {
    ...config,
    env: config.env ?? [],
    labels: config.labels ?? {},
    exposedPorts: config.exposedPorts ?? [],
    volumes: config.volumes ?? [],
    shell: config.shell ?? [],
    onBuild: config.onBuild ?? [],
  };
}

/** Counts the steps BuildKit numbers: FROM an image, ADD, COPY, RUN, WORKDIR, triggers. */
function countSteps(node: StageNode): number {
  if (node.added) return 0;
  let total = !node.base && node.baseName !== 'scratch' ? 1 : 0;
  for (const command of node.commands) {
    if (command.onbuild) total++;
    else if (COUNTED_STEPS.has(command.instruction.kind)) total++;
  }
  return total;
}

/** Copies a base stage's config for a child; ONBUILD triggers do not carry over. */
function cloneConfig(config: ImageConfig): ImageConfig {
  const copy: ImageConfig = {
    ...config,
    env: [...config.env],
    labels: { ...config.labels },
    exposedPorts: [...config.exposedPorts],
    volumes: [...config.volumes],
    shell: [...config.shell],
    onBuild: [],
  };
  if (config.cmd) copy.cmd = [...config.cmd];
  if (config.entrypoint) copy.entrypoint = [...config.entrypoint];
  if (config.healthcheck) {
    copy.healthcheck = {
      ...config.healthcheck,
      test: [...config.healthcheck.test],
    };
  }
  return copy;
}
