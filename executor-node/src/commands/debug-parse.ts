// `slipway debug parse FILE`: prints how the parser reads a Dockerfile, in
// BuildKit's AST dump format (its parser fixtures' `result`) or as JSON.

import { readFile } from 'node:fs/promises';
import path from 'node:path';

import {
  dumpBuildkitAst,
  formatDiagnostic,
  parseDockerfile,
} from '../../../core/src/index.ts';
import type { CommandIO } from './command-io.ts';

/** The output formats of `slipway debug parse`. */
export const PARSE_FORMATS = ['buildkit', 'json'] as const;

/** Flags of `slipway debug parse`. */
export interface DebugParseFlagValues {
  format?: (typeof PARSE_FORMATS)[number];
}

/**
 * Parses `file` and prints the tree; diagnostics go to stderr. Returns 1
 * when the parser reported an error, as BuildKit's parser would fail.
 */
export async function runDebugParseCommand(
  file: string,
  flags: DebugParseFlagValues,
  io: CommandIO,
  cwd: string = process.cwd(),
): Promise<number> {
  const filePath = path.resolve(cwd, file);
  const text = await readFile(filePath, 'utf8').catch((error: Error) => {
    throw new Error(`failed to read dockerfile ${file}: ${error.message}`);
  });
  const syntax = parseDockerfile(text, path.basename(filePath));

  if (flags.format === 'json') {
    io.stdout.write(JSON.stringify(syntax, null, 2) + '\n');
  } else if (syntax.instructions.length > 0) {
    // The fixtures hold the dump plus one newline, so the two diff cleanly.
    io.stdout.write(dumpBuildkitAst(syntax) + '\n');
  }

  if (flags.format !== 'json') {
    for (const d of syntax.diagnostics) {
      const prefix = d.severity === 'error' ? 'ERROR' : 'WARN';
      io.stderr.write(`${prefix}: ${formatDiagnostic(d)}\n`);
    }
  }
  return syntax.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
