// The checks on each FROM: variables no global ARG declares, a platform of
// `$TARGETPLATFORM` or a constant, base names the ARG defaults break, and a
// base image pulled for another platform than the stage's.

import type { Range } from '../model/diagnostic.ts';
import type { Dockerfile } from '../model/instructions.ts';
import { suggestName } from '../diagnostics/suggest.ts';
import type { ExpandedWord } from '../expand/expand-word.ts';
import { expandWord } from '../expand/expand-word.ts';
import type { Platform } from '../platform/platform.ts';
import {
  formatPlatformAll,
  normalizePlatform,
  parsePlatform,
} from '../platform/platform.ts';
import { parseImageReference } from '../plan/reference.ts';
import type { Linter } from './linter.ts';
import {
  FROM_PLATFORM_FLAG_CONST_DISALLOWED,
  INVALID_BASE_IMAGE_PLATFORM,
  INVALID_DEFAULT_ARG_IN_FROM,
  REDUNDANT_TARGET_PLATFORM,
  UNDEFINED_ARG_IN_FROM,
} from './rules.ts';

/** What the FROM checks need to know about the global scope. */
export interface FromScope {
  /** Names of every global ARG and every value in the global scope, in order. */
  declared: string[];
  /** Looks a global value up. */
  lookup: (name: string) => string | undefined;
}

/** Reports the variables in a FROM value that no global ARG declares. */
export function checkUndeclaredFromArgs(
  lint: Linter,
  scope: FromScope,
  expanded: ExpandedWord,
  range: Range,
): void {
  for (const name of expanded.unmatched) {
    if (scope.declared.includes(name)) continue;
    const suggestion = suggestName(name, scope.declared, true) ?? '';
    const message = UNDEFINED_ARG_IN_FROM.format(name, suggestion);
    lint.run(UNDEFINED_ARG_IN_FROM, range, message, true);
  }
}

/** Reports `FROM --platform` set to `$TARGETPLATFORM` or to a constant. */
export function checkFromPlatform(
  lint: Linter,
  scope: FromScope,
  raw: string,
  expanded: ExpandedWord,
  stageName: string,
  range: Range,
): void {
  const { matched, unmatched } = expanded;
  if (matched.length === 1 && unmatched.length === 0) {
    // Only `$TARGETPLATFORM` (or `${TARGETPLATFORM}`) gives its exact value.
    if (
      matched[0] === 'TARGETPLATFORM' &&
      expanded.value === scope.lookup('TARGETPLATFORM')
    ) {
      const rule = REDUNDANT_TARGET_PLATFORM;
      lint.run(rule, range, rule.format(raw), true);
    }
  }
  if (matched.length > 0 || unmatched.length > 0) return;

  const parsed = parsePlatform(expanded.value);
  if (!parsed.ok) return;
  const { os, architecture } = parsed.platform;
  if (stageName.includes(os) || stageName.includes(architecture)) return;
  const rule = FROM_PLATFORM_FLAG_CONST_DISALLOWED;
  lint.run(rule, range, rule.format(expanded.value), true);
}

/**
 * Reports FROM values that are no valid image name when every global ARG
 * keeps its default (no --build-arg), as a build without arguments would see.
 */
export function checkDefaultBaseNames(
  lint: Linter,
  dockerfile: Dockerfile,
  automatic: Map<string, string>,
): void {
  const values = new Map(automatic);
  const lookup = (name: string) => values.get(name);
  for (const instruction of dockerfile.globalArgs) {
    for (const arg of instruction.args) {
      if (arg.value === undefined) continue;
      const expanded = expandWord(arg.value, lookup, dockerfile.escapeToken);
      // The build will fail on this ARG anyway; the check gives up.
      if (expanded.error !== undefined) return;
      values.set(arg.key, expanded.value);
    }
  }

  for (const stage of dockerfile.stages) {
    const raw = stage.from.image.value;
    const expanded = expandWord(raw, lookup, dockerfile.escapeToken);
    if (expanded.error !== undefined) return;
    if (parseImageReference(expanded.value).error === undefined) continue;
    const rule = INVALID_DEFAULT_ARG_IN_FROM;
    lint.run(rule, stage.from.range, rule.format(raw));
  }
}

/**
 * Reports a base image whose config declares another OS or architecture
 * than the platform the stage is built for; `name` is the FROM value as
 * expanded, `actual` the platform the image's config gives, if known.
 */
export function checkBaseImagePlatform(
  lint: Linter,
  name: string,
  expected: Platform,
  actual: string | undefined,
  range: Range,
): void {
  if (actual === undefined) return;
  const parsed = parsePlatform(actual);
  if (!parsed.ok) return;
  const want = normalizePlatform(expected);
  const got = parsed.platform;
  if (want.os === got.os && want.architecture === got.architecture) return;
  const rule = INVALID_BASE_IMAGE_PLATFORM;
  const message = rule.format(
    name,
    formatPlatformAll(want),
    formatPlatformAll(got),
  );
  // BuildKit checks this with the build's settings alone: a `# check=`
  // comment above the FROM does not reach it.
  lint.run(rule, range, message);
}
