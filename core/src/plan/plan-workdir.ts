// WORKDIR: the working directory for later steps and the image; a directory
// other than `/` is created by a step of its own.

import type { WorkdirInstruction } from '../model/instructions.ts';
import { checkWorkdir } from '../checks/dispatch-checks.ts';
import type { WorkdirVertex } from '../model/plan.ts';
import { hashParts } from './vertex-id.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import {
  addVertex,
  expandIn,
  nextStepName,
  platformName,
  stepText,
} from './dispatch-context.ts';
import { normalizePath } from '../util/posix-path.ts';

/** Plans WORKDIR. */
export function planWorkdir(
  ctx: DispatchContext,
  state: StageState,
  c: WorkdirInstruction,
) {
  const path = expandIn(ctx, state, c.path, c.range);
  if (path === undefined) return;
  // Only the first WORKDIR of a stage chain is checked: fixing it fixes all.
  if (!state.workdirSet) checkWorkdir(ctx.lint, path, c.range);
  state.workdirSet = true;
  const dir = normalizePath(state.config.workingDir ?? '', path, false);
  state.config.workingDir = dir;
  state.dir = dir;
  if (dir === '/') return;

  const platform = platformName(state.platform);
  const inputs = state.result ? [state.result] : [];
  const text = stepText(ctx, state, c.original);
  const vertex: WorkdirVertex = {
    kind: 'workdir',
    id: hashParts(['mkdir', platform, dir, state.user, inputs], ctx.idMemo),
    stage: state.node.index,
    platform,
    name: nextStepName(ctx, state, text),
    text,
    location: { file: ctx.file, range: c.range },
    inputs,
    path: dir,
    user: state.user,
  };
  addVertex(ctx, state, vertex);
}
