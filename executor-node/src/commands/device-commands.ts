// Registers the device commands on the program: `slipway cdi list|validate|
// generate` and `slipway inspect`, each a thin call into its own module.

import type { Command } from 'commander';

import { DEFAULT_CDI_SPEC_DIRS } from './build-flags.ts';
import type { CdiListFlagValues } from './cdi-list.ts';
import { runCdiListCommand } from './cdi-list.ts';
import type { CdiValidateFlagValues } from './cdi-validate.ts';
import { runCdiValidateCommand } from './cdi-validate.ts';
import type { CommandIO } from './command-io.ts';
import type { InspectFlagValues } from './inspect.ts';
import { runInspectCommand } from './inspect.ts';

const SPEC_DIR_HELP = `CDI spec directory, repeatable, later wins (default: ${DEFAULT_CDI_SPEC_DIRS.join(', ')})`;

/** Adds `cdi` and `inspect` to `program`; actions report their exit status. */
export function addDeviceCommands(
  program: Command,
  io: CommandIO,
  setStatus: (status: number) => void,
): void {
  const cdi = program
    .command('cdi')
    .description('list, validate and generate CDI device specs');

  cdi
    .command('list')
    .description('list the CDI devices builds can request')
    .option('--cdi-spec-dir <dir>', SPEC_DIR_HELP, collect)
    .option('--json', 'print the devices as JSON')
    .action(async (flags: CdiListFlagValues) => {
      setStatus(await runCdiListCommand(flags, io));
    });

  cdi
    .command('validate')
    .description('report every problem in CDI spec files, with its line')
    .argument('<FILE...>', 'spec files')
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], flags: CdiValidateFlagValues) => {
      setStatus(await runCdiValidateCommand(files, flags, io));
    });

  program
    .command('inspect')
    .description('show the builder: platforms and CDI devices')
    .option('--cdi-spec-dir <dir>', SPEC_DIR_HELP, collect)
    .option('--json', 'print the builder as JSON')
    .action(async (flags: InspectFlagValues) => {
      setStatus(await runInspectCommand(flags, io));
    });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
