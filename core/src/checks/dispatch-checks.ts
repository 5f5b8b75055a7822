// The checks BuildKit runs while it dispatches a stage's instructions, so
// only for the stages a build needs (every stage under `--check`).

import type { Range } from '../model/diagnostic.ts';
import { suggestName } from '../diagnostics/suggest.ts';
import { goTrimSpace, splitBlankOnce } from '../parse/text.ts';
import type { Linter } from './linter.ts';
import {
  EXPOSE_INVALID_FORMAT,
  EXPOSE_PROTO_CASING,
  JSON_ARGS_RECOMMENDED,
  LEGACY_KEY_VALUE_FORMAT,
  MULTIPLE_INSTRUCTIONS_DISALLOWED,
  SECRETS_USED_IN_ARG_OR_ENV,
  UNDEFINED_VAR,
  WORKDIR_RELATIVE_PATH,
} from './rules.ts';

/** Build args BuildKit keeps out of the environment; never reported as undefined. */
const NON_ENV_ARGS = new Set([
  'BUILDKIT_SBOM_SCAN_CONTEXT',
  'BUILDKIT_SBOM_SCAN_STAGE',
]);

const SECRET_WORDS =
  /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const ALLOWED_WORDS = /(?:_|^)(?:public|file|version)(?:_|$)/i;

/**
 * Reports variables an expansion found unset, unless the stage declares
 * them with ARG; suggests the closest variable that is set.
 */
export function checkUndefinedVars(
  lint: Linter,
  unmatched: readonly string[],
  declared: readonly { key: string }[],
  envKeys: readonly string[],
  range: Range,
): void {
  for (const name of unmatched) {
    if (NON_ENV_ARGS.has(name)) continue;
    if (declared.some((arg) => arg.key === name)) continue;
    const suggestion = suggestName(name, envKeys, true) ?? '';
    lint.run(
      UNDEFINED_VAR,
      range,
      UNDEFINED_VAR.format(name, suggestion),
      true,
    );
  }
}

/** Reports an ARG or ENV name that looks like it holds a secret. */
export function checkSecretKey(
  lint: Linter,
  instruction: 'ARG' | 'ENV',
  key: string,
  range: Range,
): void {
  if (!SECRET_WORDS.test(key) || ALLOWED_WORDS.test(key)) return;
  const rule = SECRETS_USED_IN_ARG_OR_ENV;
  lint.run(rule, range, rule.format(instruction, key), true);
}

/** Returns an instruction's keyword as written (`env`, `Cmd`...), as messages show it. */
export function writtenKeyword(original: string): string {
  return splitBlankOnce(goTrimSpace(original))[0];
}

/** Reports `ENV key value` / `LABEL key value`. */
export function checkLegacyKeyValue(
  lint: Linter,
  original: string,
  range: Range,
): void {
  const rule = LEGACY_KEY_VALUE_FORMAT;
  lint.run(rule, range, rule.format(writtenKeyword(original)), true);
}

/** Reports a shell-form CMD or ENTRYPOINT (call it when no SHELL is set). */
export function checkJsonArgs(
  lint: Linter,
  original: string,
  range: Range,
): void {
  const rule = JSON_ARGS_RECOMMENDED;
  lint.run(rule, range, rule.format(writtenKeyword(original)), true);
}

/** Reports the earlier of two CMD, ENTRYPOINT or HEALTHCHECK in one stage. */
export function checkUsedOnce(
  lint: Linter,
  original: string,
  previous: Range | undefined,
  range: Range,
): void {
  if (previous === undefined) return;
  // The earlier one is reported: it is the one that has no effect. The
  // current instruction's `# check=` comment decides, as in BuildKit.
  const rule = MULTIPLE_INSTRUCTIONS_DISALLOWED;
  const message = rule.format(writtenKeyword(original));
  lint.run(rule, previous, message, range);
}

/** Reports the first WORKDIR of a stage chain when it is relative. */
export function checkWorkdir(lint: Linter, path: string, range: Range): void {
  if (path.startsWith('/')) return;
  const rule = WORKDIR_RELATIVE_PATH;
  lint.run(rule, range, rule.format(path), true);
}

/** Reports an EXPOSE spec with an upper-case protocol, an IP or a host port. */
export function checkExposedPort(
  lint: Linter,
  raw: string,
  parts: { ip: string; hostPort: string; proto: string },
  range: Range,
): void {
  if (parts.proto !== parts.proto.toLowerCase()) {
    const rule = EXPOSE_PROTO_CASING;
    lint.run(rule, range, rule.format(raw), true);
  }
  if (parts.ip !== '' || parts.hostPort !== '') {
    const rule = EXPOSE_INVALID_FORMAT;
    lint.run(rule, range, rule.format(raw), true);
  }
}
