// The build's global scope: automatic platform args, then the ARGs before
// the first FROM in order, each taking its --build-arg value when one is given.

import type { Diagnostic } from '../model/diagnostic.ts';
import type { Dockerfile } from '../model/instructions.ts';
import { expandWord } from '../expand/expand-word.ts';
import type { Platform } from '../platform/platform.ts';
import { createPlatformArgs } from '../platform/platform-args.ts';
import type { EnvList } from './env-list.ts';
import { envAddOrReplace, envLookup } from './env-list.ts';

/** Evaluates the global args for one target platform. */
export function evaluateGlobalArgs(
  dockerfile: Dockerfile,
  build: Platform,
  target: Platform,
  targetStage: string | undefined,
  buildArgs: Record<string, string>,
): { args: EnvList; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let args: EnvList = [
    ...createPlatformArgs(build, target, targetStage, buildArgs),
  ];

  for (const instruction of dockerfile.globalArgs) {
    for (const arg of instruction.args) {
      let value: string | undefined;
      if (Object.hasOwn(buildArgs, arg.key)) {
        value = buildArgs[arg.key];
      } else if (arg.value !== undefined) {
        const expanded = expandWord(
          arg.value,
          envLookup(args),
          dockerfile.escapeToken,
        );
        if (expanded.error !== undefined) {
          diagnostics.push({
            code: 'expansion-error',
            severity: 'error',
            message: expanded.error,
            location: { file: dockerfile.file, range: instruction.range },
          });
          continue;
        }
        value = expanded.value;
      }
      if (value !== undefined) args = envAddOrReplace(args, arg.key, value);
    }
  }
  return { args, diagnostics };
}
