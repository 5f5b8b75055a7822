// ONBUILD <instruction>: the trigger is kept as text for the image config;
// ONBUILD, FROM and MAINTAINER are refused as triggers.

import type { OnbuildInstruction } from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, readFlags } from './node.ts';

/** Reads ONBUILD and rebuilds its trigger expression as BuildKit stores it. */
export function readOnbuild(
  node: InstructionNode,
): ReadResult<OnbuildInstruction> {
  if (node.args.length === 0) {
    return failure(
      'invalid-arguments',
      'ONBUILD requires at least one argument',
    );
  }
  const flags = readFlags(node, {});
  if (!flags.ok) return flags;

  const trigger = node.args[0].trim().split(/\s+/)[0].toUpperCase();
  if (trigger === 'ONBUILD') {
    return failure(
      'invalid-arguments',
      "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    );
  }
  if (trigger === 'MAINTAINER' || trigger === 'FROM') {
    return failure(
      'invalid-arguments',
      `${trigger} isn't allowed as an ONBUILD trigger`,
    );
  }

  let expression = node.original.replace(/^\s*ONBUILD\s*/i, '');
  for (const doc of node.heredocs) {
    expression += `\n${doc.content}${doc.name}`;
  }
  return {
    ok: true,
    instruction: { kind: 'ONBUILD', ...baseOf(node), expression },
  };
}
