// The exec or shell form of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD: a JSON
// array stays a list, anything else is one script joined with spaces.

import type { CommandLine } from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';

/** Returns the command of a node in exec form (JSON) or shell form. */
export function commandLineOf(
  node: Pick<InstructionNode, 'args' | 'json'>,
  args: readonly string[] = node.args,
): CommandLine {
  if (node.json) return { form: 'exec', args: [...args] };
  return { form: 'shell', script: args.join(' ') };
}
