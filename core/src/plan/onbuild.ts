// ONBUILD triggers of a base stage: BuildKit parses each stored trigger and
// runs it first in every stage built FROM that stage (or that image).

import type { Diagnostic, Location } from '../model/diagnostic.ts';
import type { Dockerfile, Instruction } from '../model/instructions.ts';
import { readInstruction } from '../instructions/read-dockerfile.ts';
import { parseDockerfile } from '../parse/parse-dockerfile.ts';
import type { StageNode } from './stage-graph.ts';

/** Parses the ONBUILD triggers a base stage declares, located at the child's FROM. */
export function onbuildTriggers(
  base: StageNode,
  dockerfile: Dockerfile,
  location: Location,
  fail: (code: string, message: string, location?: Location) => void,
): Instruction[] {
  const expressions: string[] = [];
  for (const command of base.stage?.commands ?? []) {
    if (command.kind === 'ONBUILD') expressions.push(command.expression);
  }
  return parseTriggers(expressions, dockerfile, location, fail);
}

/** Parses stored ONBUILD triggers (a stage's or a base image's), located at the child's FROM. */
export function parseTriggers(
  expressions: string[],
  dockerfile: Dockerfile,
  location: Location,
  fail: (code: string, message: string, location?: Location) => void,
): Instruction[] {
  const out: Instruction[] = [];
  for (const expression of expressions) {
    const syntax = parseDockerfile(expression, dockerfile.file);
    const errors = syntax.diagnostics.filter(
      (d: Diagnostic) => d.severity === 'error',
    );
    if (errors.length > 0) {
      for (const error of errors) fail(error.code, error.message, location);
      continue;
    }
    if (syntax.instructions.length !== 1) {
      fail(
        'invalid-onbuild',
        'onbuild trigger should be a single expression',
        location,
      );
      continue;
    }
    const node = { ...syntax.instructions[0], range: location.range };
    const result = readInstruction(node);
    if (!result.ok) {
      fail(result.code, result.message, location);
      continue;
    }
    out.push(result.instruction);
  }
  return out;
}
