// ENV, LABEL and ARG: key/value pairs as the parser left them (quotes and
// escapes still in place; the planner expands them).

import type {
  ArgInstruction,
  EnvInstruction,
  KeyValue,
  LabelInstruction,
} from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, readFlags } from './node.ts';

/** Reads ENV or LABEL from the parser's `key value separator` triples. */
export function readKeyValues(
  node: InstructionNode,
): ReadResult<EnvInstruction | LabelInstruction> {
  const name = node.keyword === 'LABEL' ? 'LABEL' : 'ENV';
  const flags = readFlags(node, {});
  if (!flags.ok) return flags;

  const args = node.args;
  if (args.length === 0) {
    return failure(
      'invalid-arguments',
      `${name} requires at least one argument`,
    );
  }
  if (args.length % 3 !== 0) {
    return failure(
      'invalid-arguments',
      `Bad input to ${name}, too many arguments`,
    );
  }
  const pairs: KeyValue[] = [];
  for (let i = 0; i < args.length; i += 3) {
    if (args[i] === '') {
      return failure('invalid-arguments', `${name} names can not be blank`);
    }
    pairs.push({ key: args[i], value: args[i + 1] });
  }
  const instruction: EnvInstruction | LabelInstruction = {
    kind: name,
    ...baseOf(node),
    pairs,
  };
  // The parser leaves an empty separator for the `KEY value` form.
  if (args[2] === '') instruction.legacy = true;
  return { ok: true, instruction };
}

/** Reads ARG: each word is `NAME` or `NAME=default`. */
export function readArg(node: InstructionNode): ReadResult<ArgInstruction> {
  if (node.args.length < 1) {
    return failure('invalid-arguments', 'ARG requires at least one argument');
  }
  const args: ArgInstruction['args'] = [];
  for (const word of node.args) {
    const eq = word.indexOf('=');
    if (eq < 0) {
      args.push({ key: word });
      continue;
    }
    if (eq === 0) {
      return failure('invalid-arguments', 'ARG names can not be blank');
    }
    args.push({ key: word.slice(0, eq), value: word.slice(eq + 1) });
  }
  return { ok: true, instruction: { kind: 'ARG', ...baseOf(node), args } };
}
