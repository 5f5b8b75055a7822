// Runs build checks: skips what the `check` settings (and a `# check=`
// comment right above an instruction) turn off, and keeps the warnings.

import type { Diagnostic, Range } from '../model/diagnostic.ts';
import type { DockerfileSyntax } from '../model/syntax.ts';
import type { IgnoreMatcher } from '../context/dockerignore.ts';
import {
  createIgnoreMatcher,
  parseDockerignore,
} from '../context/dockerignore.ts';
import { DirectiveScanner } from '../parse/directives.ts';
import type { CheckConfig } from './check-options.ts';
import {
  defaultCheckConfig,
  firstWord,
  parseCheckOptions,
} from './check-options.ts';
import type { CheckRule } from './rules.ts';

/** Collects build-check warnings for one build. */
export interface Linter {
  readonly config: CheckConfig;
  /** The context's `.dockerignore`, when it has patterns (for CopyIgnoredFile). */
  readonly ignore?: IgnoreMatcher;
  /**
   * Reports `rule` at `range` unless it is off. With `instruction` (true for
   * the one at `range`, or another instruction's range), the `# check=`
   * comment above that instruction applies too.
   */
  run(
    rule: CheckRule<never[]>,
    range: Range,
    message: string,
    instruction?: boolean | Range,
  ): void;
  /** The warnings so far, in the order reported, each once. */
  readonly warnings: Diagnostic[];
  /** Names of the rules that reported, in order of first report. */
  readonly called: string[];
}

/**
 * Creates a linter for a parsed Dockerfile and its `check` settings;
 * `dockerignore` is the text of the context's ignore file, if any.
 */
export function createLinter(
  syntax: DockerfileSyntax,
  config: CheckConfig = defaultCheckConfig(),
  dockerignore?: string,
): Linter {
  const comments = new Map<number, string[]>();
  for (const node of syntax.instructions) {
    if (node.comments.length > 0) {
      comments.set(node.range.start.line, node.comments);
    }
  }
  const merged = new Map<number, CheckConfig>();
  const seen = new Set<string>();
  const warnings: Diagnostic[] = [];
  const called: string[] = [];

  const configAt = (line: number): CheckConfig => {
    let found = merged.get(line);
    if (found === undefined) {
      found = mergeComments(config, comments.get(line) ?? []);
      merged.set(line, found);
    }
    return found;
  };

  const ignore = compileIgnoreFile(dockerignore);
  return {
    config,
    ...(ignore ? { ignore } : {}),
    warnings,
    called,
    run(rule, range, message, instruction = false) {
      const at = instruction === true ? range : instruction || undefined;
      const active = at ? configAt(at.start.line) : config;
      if (!isEnabled(rule, active)) return;
      if (!called.includes(rule.name)) called.push(rule.name);

      const key = `${rule.code}\n${range.start.line}\n${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      const warning: Diagnostic = {
        code: rule.code,
        severity: 'warning',
        message,
        location: { file: syntax.file, range },
      };
      if (rule.url !== undefined) warning.url = rule.url;
      warnings.push(warning);
    },
  };
}

/** Tells whether a rule runs under the given settings. */
export function isEnabled(
  rule: CheckRule<never[]>,
  config: CheckConfig,
): boolean {
  if (rule.experimental) {
    return config.experimentalAll || config.experimental.includes(rule.name);
  }
  return !config.skipAll && !config.skip.includes(rule.name);
}

// BuildKit skips the check when the file has no patterns. Patterns it
// cannot compile fail its build before any check runs; here only the check
// is left out.
function compileIgnoreFile(
  text: string | undefined,
): IgnoreMatcher | undefined {
  if (text === undefined) return undefined;
  const patterns = parseDockerignore(text);
  if (patterns.length === 0) return undefined;
  const compiled = createIgnoreMatcher(patterns);
  return compiled.ok ? compiled.matcher : undefined;
}

// The first `check` directive among an instruction's comments adds its skip
// and experimental settings; `error` cannot be changed per instruction, and
// a value that does not parse changes nothing.
function mergeComments(config: CheckConfig, comments: string[]): CheckConfig {
  for (const comment of comments) {
    const directive = new DirectiveScanner().scan(`#${comment}`);
    if (directive.kind !== 'directive' || directive.name !== 'check') continue;
    const parsed = parseCheckOptions(firstWord(directive.value));
    if (parsed.error !== undefined) return config;
    const extra = parsed.config;
    return {
      skipAll: config.skipAll || extra.skipAll,
      skip: [...config.skip, ...extra.skip],
      experimentalAll: config.experimentalAll || extra.experimentalAll,
      experimental: [...config.experimental, ...extra.experimental],
      error: config.error,
    };
  }
  return config;
}
