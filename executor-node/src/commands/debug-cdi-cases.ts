// `slipway debug cdi-cases FILE`: runs a file of CDI reference cases (the
// format of shared/corpus/cdi/cases.json) and prints `N passed, N failed`.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { CdiSpecFile } from '../../../core/src/index.ts';
import {
  isSpecFileName,
  parseDevice,
  runCdiCaseFile,
} from '../../../core/src/index.ts';
import type { CommandIO } from './command-io.ts';

/** Flags of `slipway debug cdi-cases`. */
export interface CdiCasesFlagValues {
  /** Spec folder for `buildkit-find-devices` cases; default FILE's `buildkit-fixtures/`. */
  fixtures?: string;
  json?: boolean;
}

/** Runs the cases in `file` and returns the exit status (1 when any failed). */
export async function runCdiCasesCommand(
  file: string,
  flags: CdiCasesFlagValues,
  io: CommandIO,
  cwd: string = process.cwd(),
): Promise<number> {
  const casePath = path.resolve(cwd, file);
  const json = await readFile(casePath, 'utf8').catch((error: Error) => {
    throw new Error(`failed to read cases file ${file}: ${error.message}`);
  });
  const fixturesDir = flags.fixtures
    ? path.resolve(cwd, flags.fixtures)
    : path.join(path.dirname(casePath), 'buildkit-fixtures');
  const buildkitFixtures = await readFixtures(fixturesDir, !!flags.fixtures);

  const report = runCdiCaseFile(json, {
    ...(buildkitFixtures ? { buildkitFixtures } : {}),
    parseDeviceFlag: parseDevice,
  });
  if (flags.json) {
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return report.failed > 0 ? 1 : 0;
  }
  for (const failure of report.failures) io.stdout.write(`FAIL ${failure}\n`);
  for (const skip of report.skips) io.stdout.write(`SKIP ${skip}\n`);
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
  io.stdout.write(
    `${report.passed} passed, ${report.failed} failed${skipped}\n`,
  );
  return report.failed > 0 ? 1 : 0;
}

// A missing default folder only means those cases are skipped; a folder the
// user named must exist.
async function readFixtures(
  dir: string,
  named: boolean,
): Promise<CdiSpecFile[] | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isSpecFileName).sort();
  } catch (error) {
    if (!named && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return undefined;
    throw new Error(
      `failed to read fixtures ${dir}: ${(error as Error).message}`,
    );
  }
  const files: CdiSpecFile[] = [];
  for (const name of names) {
    const text = await readFile(path.join(dir, name), 'utf8');
    files.push({ path: path.join(dir, name), priority: 0, text });
  }
  return files;
}
