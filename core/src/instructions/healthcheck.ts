// HEALTHCHECK NONE | [--interval=...] [--timeout=...] [--start-period=...]
// [--start-interval=...] [--retries=N] CMD <command>.

import type { HealthcheckInstruction } from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import { commandLineOf } from './command-line.ts';
import { parseGoDuration } from './go-duration.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, readFlags } from './node.ts';

const DURATION_FLAGS = [
  ['interval', 'interval'],
  ['timeout', 'timeout'],
  ['start-period', 'startPeriod'],
  ['start-interval', 'startInterval'],
] as const;

/** Reads HEALTHCHECK with BuildKit's checks of its type, durations and retries. */
export function readHealthcheck(
  node: InstructionNode,
): ReadResult<HealthcheckInstruction> {
  if (node.args.length === 0) {
    return failure(
      'invalid-arguments',
      'HEALTHCHECK requires at least one argument',
    );
  }
  const type = node.args[0].toUpperCase();
  const rest = node.args.slice(1);
  if (type === 'NONE') {
    if (rest.length !== 0) {
      return failure(
        'invalid-arguments',
        'HEALTHCHECK NONE takes no arguments',
      );
    }
    return {
      ok: true,
      instruction: { kind: 'HEALTHCHECK', ...baseOf(node), none: true },
    };
  }

  const flags = readFlags(node, {
    interval: 'string',
    timeout: 'string',
    'start-period': 'string',
    'start-interval': 'string',
    retries: 'string',
  });
  if (!flags.ok) return flags;
  if (type !== 'CMD') {
    return failure(
      'invalid-arguments',
      `Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`,
    );
  }
  if (rest.length === 0) {
    return failure(
      'invalid-arguments',
      'Missing command after HEALTHCHECK CMD',
    );
  }

  const instruction: HealthcheckInstruction = {
    kind: 'HEALTHCHECK',
    ...baseOf(node),
    none: false,
    test: commandLineOf(node, rest),
  };
  for (const [flag, field] of DURATION_FLAGS) {
    const value = flags.instruction.strings[flag];
    if (value === undefined || value === '') continue;
    const parsed = parseGoDuration(value);
    if (parsed.error !== undefined)
      return failure('invalid-flag', parsed.error);
    if (parsed.nanoseconds !== 0 && parsed.nanoseconds < 1e6) {
      return failure(
        'invalid-flag',
        `Interval "${flag}" cannot be less than 1ms`,
      );
    }
    instruction[field] = value;
  }
  return readRetries(flags.instruction.strings.retries, instruction);
}

function readRetries(
  value: string | undefined,
  instruction: HealthcheckInstruction,
): ReadResult<HealthcheckInstruction> {
  if (value === undefined || value === '') return { ok: true, instruction };
  if (!/^[+-]?\d+$/.test(value) || Math.abs(Number(value)) > 2 ** 31 - 1) {
    const why = /^[+-]?\d+$/.test(value)
      ? 'value out of range'
      : 'invalid syntax';
    return failure(
      'invalid-flag',
      `strconv.ParseInt: parsing "${value}": ${why}`,
    );
  }
  const retries = Number(value);
  if (retries < 0) {
    return failure('invalid-flag', `--retries cannot be negative (${retries})`);
  }
  instruction.retries = retries;
  return { ok: true, instruction };
}
