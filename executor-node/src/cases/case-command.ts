// Reads a case's `docker buildx build ...` line with the same flag
// definitions `slipway build` uses.

import { Command, CommanderError } from 'commander';

import type { BuildFlagValues } from '../commands/build-flags.ts';
import { addBuildFlags } from '../commands/build-flags.ts';
import { splitShellWords } from './shell-words.ts';

/** A case command read into the build context argument and flag values. */
export type CaseCommand =
  | { ok: true; contextArg: string; flags: BuildFlagValues }
  | { ok: false; error: string };

/** Reads a `docker buildx build ...` (or `docker build ...`) line into build flags. */
export function parseCaseCommand(command: string): CaseCommand {
  const split = splitShellWords(command);
  if (!split.ok) return split;

  const words = split.words;
  let rest: string[];
  if (words[0] === 'docker' && words[1] === 'buildx' && words[2] === 'build') {
    rest = words.slice(3);
  } else if (words[0] === 'docker' && words[1] === 'build') {
    rest = words.slice(2);
  } else {
    return { ok: false, error: 'expected "docker buildx build ..."' };
  }

  const parser = addBuildFlags(new Command('build'))
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  let contextArg = '';
  parser.action((pathArg: string) => {
    contextArg = pathArg;
  });
  try {
    parser.parse(rest, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError)
      return { ok: false, error: error.message };
    throw error;
  }
  return { ok: true, contextArg, flags: parser.opts<BuildFlagValues>() };
}
