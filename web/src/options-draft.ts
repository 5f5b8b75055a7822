// The build options form's state as the user types it, and its conversion to
// core's `BuildOptions`.

import type { BuildOptions, CdiSpecFile } from '../../core/src/index.ts';

/** The options form's fields, as text the user edits. */
export interface OptionsDraft {
  /** File name shown in diagnostics, e.g. `Dockerfile`. */
  file: string;
  /** `--platform` values, separated by commas or spaces. */
  platforms: string;
  target: string;
  /** `NAME=VALUE` per line. */
  buildArgs: string;
  /** `--allow` values, separated by commas or spaces. */
  allow: string;
  /** `--output` values, one per line (they contain commas). */
  outputs: string;
  /** Also ask for the legacy builder's view. */
  legacy: boolean;
}

/** An example's flags as `examples/index.json` lists them. */
export interface ExampleOptions {
  file?: string;
  platforms?: string[];
  target?: string;
  buildArgs?: Record<string, string>;
  allow?: string[];
  outputs?: string[];
}

/** Returns a form state with every field empty (the builder's defaults). */
export function createEmptyDraft(): OptionsDraft {
  return {
    file: 'Dockerfile',
    platforms: '',
    target: '',
    buildArgs: '',
    allow: '',
    outputs: '',
    legacy: false,
  };
}

/** Turns an example's listed options into a form state. */
export function createDraftFromExample(options: ExampleOptions): OptionsDraft {
  const args = Object.entries(options.buildArgs ?? {});
  return {
    ...createEmptyDraft(),
    file: options.file ?? 'Dockerfile',
    platforms: (options.platforms ?? []).join(', '),
    target: options.target ?? '',
    buildArgs: args.map(([name, value]) => `${name}=${value}`).join('\n'),
    allow: (options.allow ?? []).join(', '),
    outputs: (options.outputs ?? []).join('\n'),
  };
}

/** Converts the form state and the CDI spec files into `BuildOptions`. */
export function toBuildOptions(
  draft: OptionsDraft,
  cdiSpecs: CdiSpecFile[],
): BuildOptions {
  const options: BuildOptions = {
    file: draft.file.trim() || 'Dockerfile',
    buildArgs: parseBuildArgs(draft.buildArgs),
    allow: splitWords(draft.allow),
    cdiSpecs,
    outputs: splitLines(draft.outputs),
    legacy: draft.legacy,
  };
  const platforms = splitWords(draft.platforms);
  if (platforms.length > 0) options.platforms = platforms;
  if (draft.target.trim()) options.target = draft.target.trim();
  return options;
}

/**
 * Parses `NAME=VALUE` lines. A line without `=` is skipped, as buildx skips
 * `--build-arg NAME` when NAME is not in its environment.
 */
export function parseBuildArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of splitLines(text)) {
    if (line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    args[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return args;
}

function splitWords(text: string): string[] {
  return text.split(/[\s,]+/).filter((word) => word !== '');
}

function splitLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
