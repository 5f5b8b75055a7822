// `slipway build --check`: runs the build checks without building and prints
// them as `docker build --check` does. Exit status 1 on any warning or error.

import type { Diagnostic } from '../../../core/src/index.ts';
import {
  checkBuild,
  findCheckRule,
  formatCheckShort,
  formatSourceExcerpt,
} from '../../../core/src/index.ts';
import type { BuildFlagValues } from './build-flags.ts';
import type { CommandIO } from './command-io.ts';
import { loadBuildInputs } from './plan.ts';

/** Runs the checks for a build and returns the exit status. */
export async function runCheckCommand(
  contextArg: string,
  flags: BuildFlagValues,
  io: CommandIO,
): Promise<number> {
  const { invocation, source, cdiSpecs } = await loadBuildInputs(
    contextArg,
    flags,
  );
  const result = checkBuild(source, { ...invocation.options, cdiSpecs });
  const count = result.warnings.length;

  if (count > 0) {
    const found =
      count === 1
        ? '1 warning has been found!'
        : `${count} warnings have been found!`;
    io.stdout.write(`Check complete, ${found}\n`);
    for (const warning of result.warnings) {
      io.stdout.write(formatCheckWarning(warning, source));
    }
  }
  if (result.errors.length > 0) {
    if (count > 0) io.stdout.write('\n');
    // BuildKit stops at its first error; the others found are printed the
    // same way after it, so one run shows everything there is to fix.
    for (const error of result.errors) {
      io.stderr.write(formatCheckError(error, source));
    }
    return 1;
  }
  if (count === 0) io.stdout.write('Check complete, no warnings found.\n');
  return count > 0 ? 1 : 0;
}

/** Formats one warning as buildx prints it: rule, docs page, message, excerpt. */
export function formatCheckWarning(
  warning: Diagnostic,
  source: string,
): string {
  const rule = findCheckRule(warning.code);
  let out = `\nWARNING: ${rule?.name ?? warning.code}`;
  if (warning.url) out += ` - ${warning.url}`;
  out += `\n${warning.message}\n`;
  if (warning.location) out += formatSourceExcerpt(warning.location, source);
  return out;
}

/**
 * Formats a build error as buildx prints a failed check: `ERROR: ` and the
 * message, the source excerpt, and the blank line its error printer adds.
 */
export function formatCheckError(error: Diagnostic, source: string): string {
  const excerpt = error.location
    ? formatSourceExcerpt(error.location, source)
    : '';
  return `ERROR: ${error.message}\n${excerpt}\n`;
}

/**
 * Formats check warnings as buildx lists them after a build:
 * ` N warnings found (use docker --debug to expand):` and ` - Rule: message (line N)`.
 */
export function formatWarningSummary(warnings: Diagnostic[]): string {
  if (warnings.length === 0) return '';
  const found =
    warnings.length === 1
      ? '1 warning found'
      : `${warnings.length} warnings found`;
  const lines = warnings.map((warning) => ` - ${formatCheckShort(warning)}`);
  return `\n ${found} (use docker --debug to expand):\n${lines.join('\n')}\n`;
}
