// The `slipway` command line: `plan`, `build` and `cases`, with the flags of
// `docker buildx build`. The only module that exits the process. Each
// command's module loads when the command runs, so a start reads little.

import { Command, CommanderError, Option } from 'commander';

import type { BuildFlagValues } from './commands/build-flags.ts';
import { addBuildFlags } from './commands/build-flags.ts';
import type { CasesFlagValues } from './commands/cases.ts';
import { drainProcessIO, processIO } from './commands/command-io.ts';
import type { CdiCasesFlagValues } from './commands/debug-cdi-cases.ts';
import type { DebugParseFlagValues } from './commands/debug-parse.ts';
import { PARSE_FORMATS } from './commands/debug-parse.ts';
import { addDeviceCommands } from './commands/device-commands.ts';
import type { PlanFlagValues } from './commands/plan.ts';
import type { PruneFlagValues } from './commands/prune.ts';
import { logger } from './logger.ts';
import packageJson from '../../package.json' with { type: 'json' };

/** Top-level commands that can be set up alone (see `createProgram`). */
const SINGLE_COMMANDS = ['plan', 'build', 'prune', 'cases'];

/**
 * Builds the program with its commands; each action resolves to an exit
 * status. With `only`, just that command is set up: a start spends less on
 * options it will not parse.
 */
export function createProgram(
  setStatus: (status: number) => void,
  only?: string,
): Command {
  const io = processIO();
  const program = new Command('slipway')
    .description(
      'Plan and run Dockerfile builds the way BuildKit does, CDI devices included',
    )
    .version(packageJson.version, '-v, --version', 'print the version')
    .showHelpAfterError();
  const wanted = (name: string) => only === undefined || only === name;

  if (wanted('plan')) {
    addBuildFlags(program.command('plan'))
      .description('print the build plan: stages, args, steps and devices')
      .option('--json', 'print the plan as JSON')
      .option('--legacy', "also show the legacy builder's steps")
      .action(async (contextArg: string, flags: PlanFlagValues) => {
        const { runPlanCommand } = await import('./commands/plan.ts');
        setStatus(await runPlanCommand(contextArg, flags, io));
      });
  }

  if (wanted('build')) {
    addBuildFlags(program.command('build'))
      .description(
        'build on this host with an OCI runtime and export the outputs',
      )
      .option('--check', 'run the build checks and print them; do not build')
      .action(
        async (
          contextArg: string,
          flags: BuildFlagValues & { check?: boolean },
        ) => {
          const run = flags.check
            ? (await import('./commands/check.ts')).runCheckCommand
            : (await import('./commands/build.ts')).runBuildCommand;
          setStatus(await run(contextArg, flags, io));
        },
      );
  }

  if (wanted('prune')) {
    program
      .command('prune')
      .description(
        'remove build cache: snapshots and layers no build can reuse',
      )
      .option(
        '-a, --all',
        'remove every snapshot, layer, record and cache mount',
      )
      .option('-f, --force', 'do not prompt (slipway never does)')
      .action(async (flags: PruneFlagValues) => {
        const { runPruneCommand } = await import('./commands/prune.ts');
        setStatus(runPruneCommand(flags, io));
      });
  }

  if (wanted('cases')) {
    program
      .command('cases')
      .description(
        'check behaviour cases (folders with case.json) against the plan and a real build',
      )
      .argument('<DIR...>', 'a case folder or a folder of case folders')
      .option('--json', 'print the results as JSON')
      .option('--plan-only', 'check the plan only; never run a build')
      .option('--keep', 'keep the temporary copy of each case')
      .option(
        '--verbose',
        'print every failure and the build log of failed cases',
      )
      .option(
        '--registry-mirror <registry=url>',
        'pull REGISTRY through a mirror first, e.g. docker.io=http://127.0.0.1:5000 (repeatable)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option(
        '--registry-config <file>',
        'registry settings in buildkitd.toml form',
      )
      .option(
        '--insecure-registry <host>',
        'allow plain HTTP to a registry host (repeatable)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .action(async (dirs: string[], flags: CasesFlagValues) => {
        const { runCasesCommand } = await import('./commands/cases.ts');
        setStatus(await runCasesCommand(dirs, flags, io));
      });
  }

  if (only !== undefined) return program;
  addDeviceCommands(program, io, setStatus);

  const debug =
    program.commands.find((c) => c.name() === 'debug') ??
    program.command('debug').description('tools for checking Slipway itself');
  debug
    .command('cdi-cases')
    .description('run CDI reference cases (cases.json format)')
    .argument('<FILE>', 'the cases file')
    .option('--fixtures <dir>', 'specs for buildkit-find-devices cases')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: CdiCasesFlagValues) => {
      const { runCdiCasesCommand } =
        await import('./commands/debug-cdi-cases.ts');
      setStatus(await runCdiCasesCommand(file, flags, io));
    });
  debug
    .command('parse')
    .description("print a Dockerfile's syntax tree (BuildKit's AST dump)")
    .argument('<FILE>', 'the Dockerfile')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(PARSE_FORMATS)
        .default('buildkit'),
    )
    .action(async (file: string, flags: DebugParseFlagValues) => {
      const { runDebugParseCommand } =
        await import('./commands/debug-parse.ts');
      setStatus(await runDebugParseCommand(file, flags, io));
    });

  return program;
}

async function main(argv: string[]): Promise<number> {
  // `npm run slipway` runs in the package root; paths are the caller's.
  if (process.env.npm_lifecycle_event === 'slipway' && process.env.INIT_CWD) {
    process.chdir(process.env.INIT_CWD);
  }
  let status = 0;
  const command = argv[2] ?? '';
  const only = SINGLE_COMMANDS.includes(command) ? command : undefined;
  const program = createProgram((value) => {
    status = value;
  }, only).exitOverride();
  try {
    await program.parseAsync(argv);
    return status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = (error as Error).message ?? String(error);
    logger.debug('cli', (error as Error).stack ?? message);
    processIO().stderr.write(`ERROR: ${message}\n`);
    return 1;
  }
}

// Ctrl+C, TERM and HUP end the process with the usual 128+N status, after
// the other listeners (the runtime stops its containers) have run; exit
// handlers then unmount and remove unfinished snapshots.
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
] as const) {
  process.on(signal, () => setImmediate(() => process.exit(128 + number)));
}

// No top-level await: the bundle is a CommonJS script (scripts/build-cli.mjs).
void main(process.argv).then((status) =>
  // Let piped output drain before leaving; a lingering handle must not keep us.
  drainProcessIO(() => process.exit(status)),
);
