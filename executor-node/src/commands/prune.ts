// `slipway prune [--all]`: frees the build cache of the Slipway home and
// prints the total as `docker buildx prune` does.

import { pruneHome } from '../cache/prune.ts';
import { slipwayPaths } from '../paths.ts';
import { formatBytes } from '../registry/format-bytes.ts';
import type { CommandIO } from './command-io.ts';

/** Flag values of `slipway prune`. */
export interface PruneFlagValues {
  all?: boolean;
}

/** Runs `slipway prune` and returns the exit status. */
export function runPruneCommand(flags: PruneFlagValues, io: CommandIO): number {
  const report = pruneHome(slipwayPaths(), { all: flags.all === true });
  io.stdout.write(
    `Removed ${report.versions} snapshot(s), ${report.records} cache record(s), ${report.blobs} layer blob(s)\n`,
  );
  io.stdout.write(`Total:\t${formatBytes(report.bytes)}\n`);
  return 0;
}
