// The `check` settings: `# check=skip=<rules|all>;error=<bool>;experimental=
// <rules|all>` from the directive, or the BUILDKIT_DOCKERFILE_CHECK build arg.

import type { Diagnostic } from '../model/diagnostic.ts';
import type { DockerfileSyntax } from '../model/syntax.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import { parseGoBool } from '../options/go-bool.ts';
import { goTrimSpace } from '../parse/text.ts';

/** Which checks run and whether a warning fails the build. */
export interface CheckConfig {
  skipAll: boolean;
  skip: string[];
  experimentalAll: boolean;
  experimental: string[];
  /** `error=true`: any warning makes the build fail. */
  error: boolean;
}

/** The build arg that replaces the `check` directive. */
export const CHECK_BUILD_ARG = 'BUILDKIT_DOCKERFILE_CHECK';

/** Returns the settings of an empty `check` value: every rule, no error. */
export function defaultCheckConfig(): CheckConfig {
  return {
    skipAll: false,
    skip: [],
    experimentalAll: false,
    experimental: [],
    error: false,
  };
}

/** Parses a `check` value such as `skip=StageNameCasing;error=true`. */
export function parseCheckOptions(
  text: string,
): { config: CheckConfig; error?: undefined } | { error: string } {
  const config = defaultCheckConfig();
  const value = goTrimSpace(text);
  if (value === '') return { config };

  for (const part of splitN(value, ';', 3)) {
    const eq = part.indexOf('=');
    if (eq < 0) return { error: `invalid check option ${goQuote(part)}` };
    const key = goTrimSpace(part.slice(0, eq));
    const setting = goTrimSpace(part.slice(eq + 1));
    if (key === 'skip') {
      if (setting === 'all') config.skipAll = true;
      else config.skip = setting.split(',').map(goTrimSpace);
    } else if (key === 'experimental') {
      if (setting === 'all') config.experimentalAll = true;
      else config.experimental = setting.split(',').map(goTrimSpace);
    } else if (key === 'error') {
      const flag = parseGoBool(setting);
      if (flag === undefined) {
        return {
          error: `failed to parse check option ${goQuote(part)}: strconv.ParseBool: parsing ${goQuote(setting)}: invalid syntax`,
        };
      }
      config.error = flag;
    } else {
      return { error: `invalid check option ${goQuote(key)}` };
    }
  }
  return { config };
}

/**
 * Resolves the settings of a build: the build arg wins over the directive
 * (whose first word only counts); a bad value is an error diagnostic.
 */
export function resolveCheckConfig(
  syntax: DockerfileSyntax,
  buildArgs: Record<string, string>,
): { config: CheckConfig; diagnostics: Diagnostic[] } {
  if (Object.hasOwn(buildArgs, CHECK_BUILD_ARG)) {
    const parsed = parseCheckOptions(buildArgs[CHECK_BUILD_ARG]);
    if (parsed.error === undefined)
      return { config: parsed.config, diagnostics: [] };
    // The value comes from the command line: there is no line to point at.
    return {
      config: defaultCheckConfig(),
      diagnostics: [
        {
          code: 'invalid-check-options',
          severity: 'error',
          message: `failed to parse build-arg:${CHECK_BUILD_ARG}: ${parsed.error}`,
        },
      ],
    };
  }

  const directive = syntax.directives.find((d) => d.name === 'check');
  if (!directive) return { config: defaultCheckConfig(), diagnostics: [] };
  const parsed = parseCheckOptions(firstWord(directive.value));
  if (parsed.error === undefined)
    return { config: parsed.config, diagnostics: [] };
  return {
    config: defaultCheckConfig(),
    diagnostics: [
      {
        code: 'invalid-check-options',
        severity: 'error',
        message: `failed to parse check options: ${parsed.error}`,
        location: { file: syntax.file, range: directive.range },
      },
    ],
  };
}

/** Returns the text up to the first space, as BuildKit reads `check` values. */
export function firstWord(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
}

// Go's strings.SplitN: at most `n` parts, the last one keeping the rest.
function splitN(text: string, separator: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < n - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}
