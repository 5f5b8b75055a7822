// `slipway build --check`: runs the build checks without building and prints
// them as `docker build --check` does. Exit status 1 on any warning or error.

import type { Diagnostic } from '../../../core/src/index.ts';
import {
  checkBuild,
  findCheckRule,
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
  if (result.error) {
    if (count > 0) io.stdout.write('\n');
    const excerpt = result.error.location
      ? formatSourceExcerpt(result.error.location, source)
      : '';
    io.stderr.write(`ERROR: ${result.error.message}\n${excerpt}`);
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

/** Formats warnings as buildx lists them after a build: ` - Rule: message (line N)`. */
export function formatWarningSummary(warnings: Diagnostic[]): string {
  if (warnings.length === 0) return '';
  const found =
    warnings.length === 1
      ? '1 warning found'
      : `${warnings.length} warnings found`;
  const lines = warnings.map((warning) => {
    const rule = findCheckRule(warning.code);
    const line = warning.location?.range.start.line ?? 0;
    let text = rule ? `${rule.name}: ${warning.message}` : warning.message;
    if (line > 0) text += ` (line ${line})`;
    return ` - ${text}`;
  });
  return `\n ${found}:\n${lines.join('\n')}\n`;
}
