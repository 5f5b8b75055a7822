// ENV, ARG and LABEL: the instructions that change what later steps see
// through variables, or the image's labels.

import type {
  ArgInstruction,
  EnvInstruction,
  LabelInstruction,
} from '../model/instructions.ts';
import {
  checkLegacyKeyValue,
  checkSecretKey,
} from '../checks/dispatch-checks.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import { expandIn } from './dispatch-context.ts';
import { configEnvSet, envAddOrReplace, envGet } from './env-list.ts';

/** Build args BuildKit never puts into a RUN environment. */
const NON_ENV_ARGS = new Set([
  'BUILDKIT_SBOM_SCAN_CONTEXT',
  'BUILDKIT_SBOM_SCAN_STAGE',
]);

/** A key and value as an instruction set them, expanded. */
export interface ExpandedPair {
  key: string;
  value: string;
}

/**
 * Plans ENV: every pair is expanded with the values from before the
 * instruction. Returns the pairs, or undefined when one could not expand.
 */
export function planEnv(
  ctx: DispatchContext,
  state: StageState,
  c: EnvInstruction,
): ExpandedPair[] | undefined {
  const pairs = expandPairs(ctx, state, c);
  for (const { key, value } of pairs ?? []) {
    if (c.legacy) checkLegacyKeyValue(ctx.lint, c.original, c.range);
    checkSecretKey(ctx.lint, 'ENV', key, c.range);
    state.env = envAddOrReplace(state.env, key, value);
    state.config.env = configEnvSet(state.config.env, key, value);
  }
  return pairs;
}

/** Plans LABEL; returns its pairs as planEnv does. */
export function planLabel(
  ctx: DispatchContext,
  state: StageState,
  c: LabelInstruction,
): ExpandedPair[] | undefined {
  const pairs = expandPairs(ctx, state, c);
  for (const { key, value } of pairs ?? []) {
    if (c.legacy) checkLegacyKeyValue(ctx.lint, c.original, c.range);
    state.config.labels[key] = value;
  }
  return pairs;
}

/**
 * Plans ARG: a --build-arg value wins, then the default (expanded), then for
 * a bare ARG the global value (automatic platform args included).
 */
export function planArg(
  ctx: DispatchContext,
  state: StageState,
  c: ArgInstruction,
) {
  const buildArgs = ctx.options.buildArgs;
  for (const arg of c.args) {
    checkSecretKey(ctx.lint, 'ARG', arg.key, c.range);
    let value: string | undefined;
    if (Object.hasOwn(buildArgs, arg.key)) {
      value = buildArgs[arg.key];
    } else if (arg.value !== undefined) {
      value = expandIn(ctx, state, arg.value, c.range);
      if (value === undefined) return;
    } else {
      value = envGet(ctx.globalArgs, arg.key);
    }

    if (value !== undefined && !NON_ENV_ARGS.has(arg.key)) {
      state.env = envAddOrReplace(state.env, arg.key, value);
    }
    state.buildArgs.push(
      value === undefined ? { key: arg.key } : { key: arg.key, value },
    );
  }
}

function expandPairs(
  ctx: DispatchContext,
  state: StageState,
  c: EnvInstruction | LabelInstruction,
): ExpandedPair[] | undefined {
  const out: ExpandedPair[] = [];
  for (const pair of c.pairs) {
    const key = expandIn(ctx, state, pair.key, c.range);
    const value = expandIn(ctx, state, pair.value, c.range);
    if (key === undefined || value === undefined) return undefined;
    out.push({ key, value });
  }
  return out;
}
