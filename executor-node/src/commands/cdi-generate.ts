// `slipway cdi generate nvidia`: discovers the NVIDIA driver on this host (or
// under --driver-root) and writes the spec `nvidia-ctk cdi generate` would.

import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { NvidiaSpecOptions } from '../../../core/src/index.ts';
import { buildNvidiaSpec, formatCdiSpec } from '../../../core/src/index.ts';
import { discoverNvidia } from '../cdi-generate/discover-nvidia.ts';
import { logger } from '../logger.ts';
import type { CommandIO } from './command-io.ts';

/** Flags of `slipway cdi generate nvidia`, named as nvidia-ctk names them. */
export interface CdiGenerateFlagValues {
  driverRoot?: string;
  devRoot?: string;
  output?: string;
  format?: string;
  vendor?: string;
  class?: string;
  mode?: string;
  deviceNameStrategy?: string[];
  nvidiaCdiHookPath?: string;
  ldconfigPath?: string;
  disableHook?: string[];
  enableHook?: string[];
  /** False after `--no-all-device`. */
  allDevice?: boolean;
}

/** Generates the spec and prints or writes it; returns the exit status. */
export async function runCdiGenerateNvidia(
  flags: CdiGenerateFlagValues,
  io: CommandIO,
  cwd: string = process.cwd(),
): Promise<number> {
  const format = outputFormat(flags, io);
  if (format === undefined) return 1;
  const mode = flags.mode ?? 'nvml';
  if (mode !== 'nvml' && mode !== 'management') {
    io.stderr.write(
      `ERROR: unsupported mode "${mode}" (supported: nvml, management)\n`,
    );
    return 1;
  }

  const resolve = (p?: string) => (p ? path.resolve(cwd, p) : undefined);
  const { facts, warnings } = discoverNvidia({
    driverRoot: resolve(flags.driverRoot),
    devRoot: resolve(flags.devRoot),
  });
  for (const w of warnings) logger.debug('cdi', w);

  const options: NvidiaSpecOptions = {
    mode,
    allDevice: flags.allDevice ?? true,
    ...(flags.vendor ? { vendor: flags.vendor } : {}),
    ...(flags.class ? { class: flags.class } : {}),
    ...(flags.deviceNameStrategy
      ? { deviceNameStrategies: flags.deviceNameStrategy }
      : {}),
    ...(flags.nvidiaCdiHookPath ? { hookPath: flags.nvidiaCdiHookPath } : {}),
    ...(flags.ldconfigPath ? { ldconfigPath: flags.ldconfigPath } : {}),
    disabledHooks: flags.disableHook ?? [],
    enabledHooks: flags.enableHook ?? [],
  };
  const result = buildNvidiaSpec(facts, options);
  if (!result.spec) {
    for (const d of result.diagnostics)
      io.stderr.write(`ERROR: ${d.message}\n`);
    return 1;
  }
  const text = formatCdiSpec(result.spec, format);
  if (!flags.output) {
    io.stdout.write(format === 'json' ? text + '\n' : text);
    return 0;
  }

  const file = withExtension(path.resolve(cwd, flags.output), format);
  // As the reference library writes specs: into a new file, then renamed.
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await chmod(temp, 0o644);
  await rename(temp, file);
  const count = result.spec.devices.length;
  io.stderr.write(
    `Generated CDI spec with version ${result.spec.cdiVersion} (${count} devices) in ${file}\n`,
  );
  return 0;
}

// As nvidia-ctk: an --output ending in .json or .yaml/.yml sets the format.
function outputFormat(
  flags: CdiGenerateFlagValues,
  io: CommandIO,
): 'yaml' | 'json' | undefined {
  const ext = path.extname(flags.output ?? '').toLowerCase();
  const implied =
    ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : '';
  const requested = flags.format ?? (implied || 'yaml');
  if (requested !== 'yaml' && requested !== 'json') {
    io.stderr.write(`ERROR: invalid output format: ${requested}\n`);
    return undefined;
  }
  if (implied && implied !== requested) {
    io.stderr.write(
      `WARNING: requested output format "${requested}" does not match format implied by output file name: "${implied}"\n`,
    );
    return implied;
  }
  return requested;
}

// The reference library names a spec file `.yaml` or `.json` only.
function withExtension(file: string, format: 'yaml' | 'json'): string {
  const ext = path.extname(file);
  return ext === '.yaml' || ext === '.json' ? file : `${file}.${format}`;
}
