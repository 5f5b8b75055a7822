// Shared pieces of the instruction readers: the result type, the common
// fields of every instruction, and ranges for words taken from a node.

import type { Range } from '../model/diagnostic.ts';
import type { Word } from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import type { FlagSpec, ParsedFlags } from './flags.ts';
import { parseFlags } from './flags.ts';

/** What a reader returns: the typed instruction, or one error as BuildKit words it. */
export type ReadResult<T> =
  | { ok: true; instruction: T }
  | { ok: false; code: string; message: string; range?: Range };

/** Builds a failed read with a stable diagnostic code. */
export function failure<T>(
  code: string,
  message: string,
  range?: Range,
): ReadResult<T> {
  return range
    ? { ok: false, code, message, range }
    : { ok: false, code, message };
}

/** Returns the fields every instruction carries. */
export function baseOf(node: InstructionNode): {
  range: Range;
  original: string;
} {
  return { range: node.range, original: node.original };
}

/** Parses a node's flags against a spec, as a read result. */
export function readFlags(
  node: InstructionNode,
  spec: FlagSpec,
): ReadResult<ParsedFlags> {
  const { flags, error } = parseFlags(node.flags, spec);
  if (error !== undefined) return failure(flagCode(error), error);
  return { ok: true, instruction: flags };
}

/**
 * Makes a word with the narrowest range that can be found: the word's own
 * columns on a one-line instruction, else the whole instruction.
 */
export function wordOf(node: InstructionNode, value: string, after = 0): Word {
  const { start, end } = node.range;
  if (start.line !== end.line) return { value, range: node.range };
  const at = node.original.indexOf(value, after);
  if (at < 0 || value === '') return { value, range: node.range };
  const column = start.column + at;
  return {
    value,
    range: {
      start: { line: start.line, column },
      end: { line: start.line, column: column + value.length - 1 },
    },
  };
}

/** Returns the index just past `value` in the node's text, for searching the next word. */
export function offsetAfter(
  node: InstructionNode,
  value: string,
  after = 0,
): number {
  const at = node.original.indexOf(value, after);
  return at < 0 ? after : at + value.length;
}

function flagCode(message: string): string {
  if (message.startsWith('unknown flag')) return 'unknown-flag';
  return 'invalid-flag';
}
