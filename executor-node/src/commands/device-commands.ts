// Registers the device commands on the program: `slipway cdi list|validate|
// generate` and `slipway inspect`, each a thin call into its own module.

import type { Command } from 'commander';

import { DEFAULT_CDI_SPEC_DIRS } from './build-flags.ts';
import type { CdiGenerateFlagValues } from './cdi-generate.ts';
import type { CdiListFlagValues } from './cdi-list.ts';
import type { CdiValidateFlagValues } from './cdi-validate.ts';
import type { CommandIO } from './command-io.ts';
import type { InspectFlagValues } from './inspect.ts';

const SPEC_DIR_HELP = `CDI spec directory, repeatable, later wins (default: ${DEFAULT_CDI_SPEC_DIRS.join(', ')})`;

/**
 * Adds `cdi` and `inspect` to `program`; actions load their module when
 * they run and report their exit status.
 */
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
      const { runCdiListCommand } = await import('./cdi-list.ts');
      setStatus(await runCdiListCommand(flags, io));
    });

  cdi
    .command('validate')
    .description('report every problem in CDI spec files, with its line')
    .argument('<FILE...>', 'spec files')
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], flags: CdiValidateFlagValues) => {
      const { runCdiValidateCommand } = await import('./cdi-validate.ts');
      setStatus(await runCdiValidateCommand(files, flags, io));
    });

  cdi
    .command('generate')
    .description('generate a CDI spec for the devices on this host')
    .command('nvidia')
    .description('discover the NVIDIA driver and GPUs as nvidia-ctk does')
    .option('--driver-root <dir>', 'root of the driver installation', '/')
    .option('--dev-root <dir>', 'root where /dev is (default: driver root)')
    .option('--output <file>', 'write the spec here instead of stdout')
    .option(
      '--format <format>',
      'yaml or json (default: from --output, else yaml)',
    )
    .option('--vendor <vendor>', 'vendor of the kind', 'nvidia.com')
    .option('--class <class>', 'class of the kind', 'gpu')
    .option('--mode <mode>', 'nvml (one device per GPU) or management', 'nvml')
    .option(
      '--device-name-strategy <strategy>',
      'index, uuid or type-index; repeatable (default: index and uuid)',
      collect,
    )
    .option(
      '--nvidia-cdi-hook-path <path>',
      'hook executable inside specs',
      '/usr/bin/nvidia-cdi-hook',
    )
    .option('--ldconfig-path <path>', 'ldconfig for the update-ldcache hook')
    .option(
      '--disable-hook <hook>',
      'leave a hook out (or all); repeatable',
      collect,
    )
    .option(
      '--enable-hook <hook>',
      'add a hook that is off by default (chmod)',
      collect,
    )
    .option('--no-all-device', 'do not add the merged "all" device')
    .action(async (flags: CdiGenerateFlagValues) => {
      const { runCdiGenerateNvidia } = await import('./cdi-generate.ts');
      setStatus(await runCdiGenerateNvidia(flags, io));
    });

  program
    .command('inspect')
    .description('show the builder: platforms and CDI devices')
    .option('--cdi-spec-dir <dir>', SPEC_DIR_HELP, collect)
    .option('--json', 'print the builder as JSON')
    .action(async (flags: InspectFlagValues) => {
      const { runInspectCommand } = await import('./inspect.ts');
      setStatus(await runInspectCommand(flags, io));
    });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
