// RUN [--mount=...] [--network=...] [--security=...] [--device=...] <command>:
// flags checked in BuildKit's order, the command kept in exec or shell form.

import type {
  DeviceFlag,
  RunInstruction,
  RunMount,
} from '../model/instructions.ts';
import type { InstructionNode } from '../model/syntax.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, readFlags, wordOf } from './node.ts';
import { commandLineOf } from './command-line.ts';
import { parseDevice } from './run-device.ts';
import { checkMountFrom, parseMount } from './run-mount.ts';

const NETWORKS = ['default', 'none', 'host'] as const;
const SECURITY = ['sandbox', 'insecure'] as const;

/** Reads a RUN instruction; mounts keep their unexpanded values for the planner. */
export function readRun(node: InstructionNode): ReadResult<RunInstruction> {
  const flags = readFlags(node, {
    device: 'strings',
    mount: 'strings',
    network: 'string',
    security: 'string',
  });
  if (!flags.ok) return flags;
  const { strings, lists } = flags.instruction;

  const devices: DeviceFlag[] = [];
  for (const value of lists.device) {
    const device = parseDevice(value);
    if (device.error !== undefined)
      return failure('invalid-device', device.error);
    const range = wordOf(node, value).range;
    devices.push({ name: device.name, required: device.required, range });
  }

  const mounts: RunMount[] = [];
  for (const value of lists.mount) {
    const fromError = checkMountFrom(value);
    if (fromError) return failure('invalid-mount', fromError);
    const parsed = parseMount(value);
    mounts.push(
      parsed.error === undefined ? parsed.mount : { type: 'bind', raw: value },
    );
  }

  const network = strings.network ?? 'default';
  if (!(NETWORKS as readonly string[]).includes(network)) {
    return failure(
      'invalid-network',
      `invalid network mode ${goQuote(network)}`,
    );
  }
  const security = strings.security ?? 'sandbox';
  if (!(SECURITY as readonly string[]).includes(security)) {
    return failure(
      'invalid-security',
      `security ${goQuote(security)} is not valid`,
    );
  }

  const instruction: RunInstruction = {
    kind: 'RUN',
    ...baseOf(node),
    command: commandLineOf(node),
    heredocs: node.heredocs,
    mounts,
    devices,
  };
  if (strings.network !== undefined)
    instruction.network = network as RunInstruction['network'];
  if (strings.security !== undefined)
    instruction.security = security as RunInstruction['security'];
  return { ok: true, instruction };
}
