// FROM [--platform=<p>] <image> [AS <name>]: stage names are lower-cased and
// must match BuildKit's pattern.

import type { FromInstruction } from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import type { ReadResult } from './node.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import { baseOf, failure, offsetAfter, readFlags, wordOf } from './node.ts';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** Reads a FROM instruction. */
export function readFrom(node: InstructionNode): ReadResult<FromInstruction> {
  const args = node.args;
  let stageName: string | undefined;
  if (args.length === 3 && args[1].toLowerCase() === 'as') {
    stageName = args[2].toLowerCase();
    if (!STAGE_NAME.test(stageName)) {
      return failure(
        'invalid-stage-name',
        `invalid name for build stage: ${goQuote(args[2])}, name can't start with a number or contain symbols`,
      );
    }
  } else if (args.length !== 1) {
    return failure(
      'invalid-arguments',
      'FROM requires either one or three arguments',
    );
  }

  const flags = readFlags(node, { platform: 'string' });
  if (!flags.ok) return flags;

  const afterFlags = node.flags.reduce((at, f) => offsetAfter(node, f, at), 0);
  const image = wordOf(node, args[0], afterFlags);
  const instruction: FromInstruction = { kind: 'FROM', ...baseOf(node), image };
  const platform = flags.instruction.strings.platform;
  if (platform !== undefined) {
    const flagWord = node.flags.find((f) => f.startsWith('--platform'));
    instruction.platform = wordOf(
      node,
      platform,
      flagWord ? offsetAfter(node, '--platform=') : 0,
    );
  }
  if (stageName !== undefined) {
    const nameWord = wordOf(
      node,
      args[2],
      offsetAfter(node, args[0], afterFlags),
    );
    instruction.stageName = { value: stageName, range: nameWord.range };
  }
  return { ok: true, instruction };
}
