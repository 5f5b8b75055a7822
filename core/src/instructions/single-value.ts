// Instructions that take the rest of the line as one value: WORKDIR, USER,
// STOPSIGNAL and MAINTAINER.

import type {
  MaintainerInstruction,
  StopsignalInstruction,
  UserInstruction,
  WorkdirInstruction,
} from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, readFlags } from './node.ts';

type SingleValue =
  | WorkdirInstruction
  | UserInstruction
  | StopsignalInstruction
  | MaintainerInstruction;

/** Reads WORKDIR, USER, STOPSIGNAL or MAINTAINER: exactly one argument. */
export function readSingleValue(
  node: InstructionNode,
): ReadResult<SingleValue> {
  const name = node.keyword;
  if (node.args.length !== 1) {
    return failure(
      'invalid-arguments',
      `${name} requires exactly one argument`,
    );
  }
  // BuildKit never looks at STOPSIGNAL's flags.
  if (name !== 'STOPSIGNAL') {
    const flags = readFlags(node, {});
    if (!flags.ok) return flags;
  }

  const value = node.args[0];
  const base = baseOf(node);
  switch (name) {
    case 'WORKDIR':
      return {
        ok: true,
        instruction: { kind: 'WORKDIR', ...base, path: value },
      };
    case 'USER':
      return { ok: true, instruction: { kind: 'USER', ...base, user: value } };
    case 'STOPSIGNAL':
      return {
        ok: true,
        instruction: { kind: 'STOPSIGNAL', ...base, signal: value },
      };
    default:
      return {
        ok: true,
        instruction: { kind: 'MAINTAINER', ...base, maintainer: value },
      };
  }
}
