// The legacy builder's view (DOCKER_BUILDKIT=0): every stage up to the
// target runs in file order, needed or not, numbered `Step N/M`.

import type { Dockerfile } from '../model/instructions.ts';
import type { LegacyStep } from '../model/plan.ts';

/** Lists the steps the legacy builder would run for a target stage index. */
export function planLegacy(
  dockerfile: Dockerfile,
  target: number,
): LegacyStep[] {
  const stages = dockerfile.stages.slice(0, target + 1);
  const total =
    dockerfile.globalArgs.length +
    stages.reduce((sum, stage) => sum + 1 + stage.commands.length, 0);

  const steps: LegacyStep[] = [];
  const add = (stage: number, original: string) =>
    steps.push({ step: steps.length + 1, total, stage, text: original.trim() });
  for (const arg of dockerfile.globalArgs) add(-1, arg.original);
  for (const stage of stages) {
    add(stage.index, stage.from.original);
    for (const command of stage.commands) add(stage.index, command.original);
  }
  return steps;
}
