// Builds the CDI registry from the `--cdi-spec-dir` flags (or BuildKit's
// default directories) for the commands that list and inspect devices.

import path from 'node:path';

import type { CdiRegistry, Diagnostic } from '../../../core/src/index.ts';
import {
  createCdiRegistry,
  formatDiagnostic,
} from '../../../core/src/index.ts';
import { DEFAULT_CDI_SPEC_DIRS } from './build-flags.ts';
import { readCdiSpecDirs } from './cdi-spec-dirs.ts';
import type { CommandIO } from './command-io.ts';

/** The registry and the directories it was read from, lowest priority first. */
export interface LoadedRegistry {
  dirs: string[];
  registry: CdiRegistry;
}

/** Reads the spec directories (relative ones against `cwd`) into a registry. */
export async function loadCdiRegistry(
  specDirs: string[] | undefined,
  cwd: string = process.cwd(),
): Promise<LoadedRegistry> {
  const dirs = (specDirs ?? DEFAULT_CDI_SPEC_DIRS).map((dir) =>
    path.resolve(cwd, dir),
  );
  const registry = createCdiRegistry(await readCdiSpecDirs(dirs));
  return { dirs, registry };
}

/** Prints the registry's warnings (bad spec files, conflicts) to stderr. */
export function printRegistryWarnings(
  diagnostics: Diagnostic[],
  io: CommandIO,
): void {
  for (const d of diagnostics) {
    if (d.severity === 'info') continue;
    io.stderr.write(`WARNING: ${formatDiagnostic(d)}\n`);
  }
}
