// Instruction flags checked with BuildKit's rules: `--name=value` strings,
// bare or `=true|false` booleans, repeatable lists, and its error texts.

import { withSuggestion } from '../diagnostics/suggest.ts';

/** How a flag takes its value. */
export type FlagKind = 'bool' | 'string' | 'strings';

/** The flags an instruction accepts, by name without dashes. */
export type FlagSpec = Record<string, FlagKind>;

/** The flags as given: strings, booleans, and lists for repeatable flags. */
export interface ParsedFlags {
  strings: Record<string, string>;
  bools: Record<string, boolean>;
  lists: Record<string, string[]>;
  /** Names of the flags that appeared, in order of first appearance. */
  used: string[];
}

/** Parses an instruction's flag words; the first bad one yields BuildKit's error text. */
export function parseFlags(
  words: readonly string[],
  spec: FlagSpec,
): { flags: ParsedFlags; error?: string } {
  const flags: ParsedFlags = { strings: {}, bools: {}, lists: {}, used: [] };
  for (const name in spec) if (spec[name] === 'strings') flags.lists[name] = [];

  for (const word of words) {
    if (word === '--') break;
    const error = applyFlag(word, spec, flags);
    if (error) return { flags, error };
  }
  return { flags };
}

function applyFlag(
  word: string,
  spec: FlagSpec,
  flags: ParsedFlags,
): string | undefined {
  if (!word.startsWith('--')) return `arg should start with -- : ${word}`;
  const eq = word.indexOf('=');
  const flagName = eq < 0 ? word : word.slice(0, eq);
  const hasValue = eq >= 0;
  const value = hasValue ? word.slice(eq + 1) : '';
  const name = flagName.slice(2);

  const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
  if (!kind) {
    return withSuggestion(
      `unknown flag: ${flagName}`,
      name,
      Object.keys(spec),
      true,
    );
  }
  if (flags.used.includes(name) && kind !== 'strings') {
    return `duplicate flag specified: ${flagName}`;
  }
  if (!flags.used.includes(name)) flags.used.push(name);

  switch (kind) {
    case 'bool': {
      if (hasValue && value === '')
        return `missing a value on flag: ${flagName}`;
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === '') flags.bools[name] = true;
      else if (lower === 'false') flags.bools[name] = false;
      else return `expecting boolean value for flag ${flagName}, not: ${value}`;
      return undefined;
    }
    case 'string':
      if (!hasValue) return `missing a value on flag: ${flagName}`;
      flags.strings[name] = value;
      return undefined;
    case 'strings':
      if (!hasValue) return `missing a value on flag: ${flagName}`;
      flags.lists[name].push(value);
      return undefined;
  }
}
