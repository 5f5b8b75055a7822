// EXPOSE and VOLUME: lists of words (VOLUME also in JSON form).

import type {
  ExposeInstruction,
  VolumeInstruction,
} from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, readFlags } from './node.ts';

/** Reads EXPOSE; BuildKit sorts the ports as written. */
export function readExpose(
  node: InstructionNode,
): ReadResult<ExposeInstruction> {
  if (node.args.length === 0) {
    return failure(
      'invalid-arguments',
      'EXPOSE requires at least one argument',
    );
  }
  const flags = readFlags(node, {});
  if (!flags.ok) return flags;
  const ports = [...node.args].sort(compareBytes);
  return { ok: true, instruction: { kind: 'EXPOSE', ...baseOf(node), ports } };
}

/** Reads VOLUME; an empty path is an error. */
export function readVolume(
  node: InstructionNode,
): ReadResult<VolumeInstruction> {
  if (node.args.length === 0) {
    return failure(
      'invalid-arguments',
      'VOLUME requires at least one argument',
    );
  }
  const flags = readFlags(node, {});
  if (!flags.ok) return flags;
  const paths: string[] = [];
  for (const arg of node.args) {
    const path = arg.trim();
    if (path === '') {
      return failure(
        'invalid-arguments',
        'VOLUME specified can not be an empty string',
      );
    }
    paths.push(path);
  }
  return { ok: true, instruction: { kind: 'VOLUME', ...baseOf(node), paths } };
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
