// Failure texts users already know from BuildKit, kept word for word.

import type { DeviceResolution } from '../model/cdi.ts';

/** Formats BuildKit's message for a process that exited non-zero. */
export function processFailure(args: string[], exitCode: number): string {
  return `process "${args.join(' ')}" did not complete successfully: exit code: ${exitCode}`;
}

/** Explains why a `RUN --device` request stops the step. */
export function describeDeviceFailure(resolution: DeviceResolution): string {
  if (resolution.error) return resolution.error;
  const names =
    resolution.devices.length > 0 ? resolution.devices : [resolution.request];
  return names.length === 1
    ? `device ${names[0]} is requested by the build but not allowed`
    : `devices ${names.join(', ')} are requested by the build but not allowed`;
}

/** Marks a failure already reported on a vertex; it ends the solve. */
export class StepFailure extends Error {}
