// CMD, ENTRYPOINT and SHELL: a command in exec or shell form; SHELL must be
// a JSON array.

import type {
  CommandInstruction,
  ShellInstruction,
} from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import { commandLineOf } from './command-line.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, readFlags } from './node.ts';

/** Reads CMD or ENTRYPOINT. */
export function readCommand(
  node: InstructionNode,
): ReadResult<CommandInstruction> {
  const flags = readFlags(node, {});
  if (!flags.ok) return flags;
  const kind = node.keyword === 'ENTRYPOINT' ? 'ENTRYPOINT' : 'CMD';
  return {
    ok: true,
    instruction: { kind, ...baseOf(node), command: commandLineOf(node) },
  };
}

/** Reads SHELL, which accepts only the JSON form. */
export function readShell(node: InstructionNode): ReadResult<ShellInstruction> {
  const flags = readFlags(node, {});
  if (!flags.ok) return flags;
  if (node.args.length === 0) {
    return failure('invalid-arguments', 'SHELL requires at least one argument');
  }
  if (!node.json) {
    return failure(
      'invalid-arguments',
      'SHELL requires the arguments to be in JSON form',
    );
  }
  return {
    ok: true,
    instruction: { kind: 'SHELL', ...baseOf(node), shell: [...node.args] },
  };
}
