// BuildKit's build checks as values: the rule names `# check=skip=` takes,
// their one-line descriptions, docs pages and message texts, word for word.

import { goQuote } from '../diagnostics/go-quote.ts';

/** One build check: a name, a description, a docs page and a message function. */
export interface CheckRule<Args extends string[] = string[]> {
  /** The PascalCase name `# check=skip=` and the output use. */
  name: string;
  /** The kebab-case diagnostic code. */
  code: string;
  description: string;
  url?: string;
  /** Runs only when named in `experimental=` (or `experimental=all`). */
  experimental?: boolean;
  format: (...args: Args) => string;
}

const DOCS = 'https://docs.docker.com/go/dockerfile/rule/';

function rule<Args extends string[]>(
  name: string,
  slug: string,
  description: string,
  format: (...args: Args) => string,
  extra: { experimental?: boolean; noUrl?: boolean } = {},
): CheckRule<Args> {
  const value: CheckRule<Args> = { name, code: slug, description, format };
  if (!extra.noUrl) value.url = `${DOCS}${slug}/`;
  if (extra.experimental) value.experimental = true;
  return value;
}

/** Warns about an `AS` name with upper-case letters. */
export const STAGE_NAME_CASING = rule(
  'StageNameCasing',
  'stage-name-casing',
  'Stage names should be lowercase',
  (stage: string) => `Stage name '${stage}' should be lowercase`,
);

/** Warns when `as` is cased unlike its `FROM`. */
export const FROM_AS_CASING = rule(
  'FromAsCasing',
  'from-as-casing',
  "The 'as' keyword should match the case of the 'from' keyword",
  (from: string, as: string) =>
    `'${as}' and '${from}' keywords' casing do not match`,
);

/** Warns about a blank line inside a continued instruction. */
export const NO_EMPTY_CONTINUATION = rule(
  'NoEmptyContinuation',
  'no-empty-continuation',
  'Empty continuation lines will become errors in a future release',
  () => 'Empty continuation line',
);

/** Warns about an instruction cased unlike the majority. */
export const CONSISTENT_INSTRUCTION_CASING = rule(
  'ConsistentInstructionCasing',
  'consistent-instruction-casing',
  'All commands within the Dockerfile should use the same casing (either upper or lower)',
  (command: string, casing: string) =>
    `Command '${command}' should match the case of the command majority (${casing})`,
);

/** Warns about a stage name used twice. */
export const DUPLICATE_STAGE_NAME = rule(
  'DuplicateStageName',
  'duplicate-stage-name',
  'Stage names should be unique',
  (stage: string) =>
    `Duplicate stage name ${goQuote(stage)}, stage names should be unique`,
);

/** Warns about a stage named `scratch` or `context`. */
export const RESERVED_STAGE_NAME = rule(
  'ReservedStageName',
  'reserved-stage-name',
  'Reserved words should not be used as stage names',
  (stage: string) =>
    `Stage name should not use the same name as reserved stage ${goQuote(stage)}`,
);

/** Warns about shell-form CMD and ENTRYPOINT. */
export const JSON_ARGS_RECOMMENDED = rule(
  'JSONArgsRecommended',
  'json-args-recommended',
  'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  (instruction: string) =>
    `JSON arguments recommended for ${instruction} to prevent unintended behavior related to OS signals`,
);

/** Warns about MAINTAINER. */
export const MAINTAINER_DEPRECATED = rule(
  'MaintainerDeprecated',
  'maintainer-deprecated',
  'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  () => 'Maintainer instruction is deprecated in favor of using label',
);

/** Warns about a variable in FROM that no global ARG declares. */
export const UNDEFINED_ARG_IN_FROM = rule(
  'UndefinedArgInFrom',
  'undefined-arg-in-from',
  'FROM command must use declared ARGs',
  (arg: string, suggest: string) =>
    `FROM argument '${arg}' is not declared` +
    (suggest ? ` (did you mean ${suggest}?)` : ''),
);

/** Warns about a relative first WORKDIR. */
export const WORKDIR_RELATIVE_PATH = rule(
  'WorkdirRelativePath',
  'workdir-relative-path',
  'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  (workdir: string) =>
    `Relative workdir ${goQuote(workdir)} can have unexpected results if the base image changes`,
);

/** Warns about a variable used before anything defines it. */
export const UNDEFINED_VAR = rule(
  'UndefinedVar',
  'undefined-var',
  'Variables should be defined before their use',
  (arg: string, suggest: string) =>
    `Usage of undefined variable '$${arg}'` +
    (suggest ? ` (did you mean $${suggest}?)` : ''),
);

/** Warns about a second CMD, ENTRYPOINT or HEALTHCHECK in one stage. */
export const MULTIPLE_INSTRUCTIONS_DISALLOWED = rule(
  'MultipleInstructionsDisallowed',
  'multiple-instructions-disallowed',
  'Multiple instructions of the same type should not be used in the same stage',
  (instruction: string) =>
    `Multiple ${instruction} instructions should not be used in the same stage because only the last one will be used`,
);

/** Warns about `ENV key value` and `LABEL key value`. */
export const LEGACY_KEY_VALUE_FORMAT = rule(
  'LegacyKeyValueFormat',
  'legacy-key-value-format',
  'Legacy key/value format with whitespace separator should not be used',
  (command: string) =>
    `"${command} key=value" should be used instead of legacy "${command} key value" format`,
);

/** Warns when a base image's platform differs from the target (needs the image's config). */
export const INVALID_BASE_IMAGE_PLATFORM = rule(
  'InvalidBaseImagePlatform',
  'invalid-base-image-platform',
  'Base image platform does not match expected target platform',
  (image: string, expected: string, actual: string) =>
    `Base image ${image} was pulled with platform ${goQuote(actual)}, expected ${goQuote(expected)} for current build`,
  { noUrl: true },
);

/** Warns about `FROM --platform=$TARGETPLATFORM`. */
export const REDUNDANT_TARGET_PLATFORM = rule(
  'RedundantTargetPlatform',
  'redundant-target-platform',
  'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  (platformVar: string) =>
    `Setting platform to predefined ${platformVar} in FROM is redundant as this is the default behavior`,
);

/** Warns about ARG or ENV names that look like secrets. */
export const SECRETS_USED_IN_ARG_OR_ENV = rule(
  'SecretsUsedInArgOrEnv',
  'secrets-used-in-arg-or-env',
  'Sensitive data should not be used in the ARG or ENV commands',
  (instruction: string, key: string) =>
    `Do not use ARG or ENV instructions for sensitive data (${instruction} ${goQuote(key)})`,
);

/** Warns when a FROM has no valid image name with the ARG defaults alone. */
export const INVALID_DEFAULT_ARG_IN_FROM = rule(
  'InvalidDefaultArgInFrom',
  'invalid-default-arg-in-from',
  'Default value for global ARG results in an empty or invalid base image name',
  (baseName: string) =>
    `Default value for ARG ${baseName} results in empty or invalid base image name`,
);

/** Warns about a constant `FROM --platform`. */
export const FROM_PLATFORM_FLAG_CONST_DISALLOWED = rule(
  'FromPlatformFlagConstDisallowed',
  'from-platform-flag-const-disallowed',
  'FROM --platform flag should not use a constant value',
  (platform: string) =>
    `FROM --platform flag should not use constant value ${goQuote(platform)}`,
);

/** Warns about COPY of a file `.dockerignore` excludes (needs the context). */
export const COPY_IGNORED_FILE = rule(
  'CopyIgnoredFile',
  'copy-ignored-file',
  'Attempting to Copy file that is excluded by .dockerignore',
  (command: string, file: string) =>
    `Attempting to ${command} file ${goQuote(file)} that is excluded by .dockerignore`,
);

/** Warns about a comment above ARG or FROM that does not name it (experimental). */
export const INVALID_DEFINITION_DESCRIPTION = rule(
  'InvalidDefinitionDescription',
  'invalid-definition-description',
  'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
  (instruction: string, name: string) =>
    `Comment for ${instruction} should follow the format: \`# ${name} <description>\``,
  { experimental: true },
);

/** Warns about an upper-case protocol in EXPOSE. */
export const EXPOSE_PROTO_CASING = rule(
  'ExposeProtoCasing',
  'expose-proto-casing',
  'Protocol in EXPOSE instruction should be lowercase',
  (port: string) =>
    `Defined protocol '${port}' in EXPOSE instruction should be lowercase`,
);

/** Warns about an IP address or host port in EXPOSE. */
export const EXPOSE_INVALID_FORMAT = rule(
  'ExposeInvalidFormat',
  'expose-invalid-format',
  'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
  (port: string) =>
    `EXPOSE instruction should not define an IP address or host-port mapping, found '${port}'`,
);

/** Every rule, in BuildKit's order. */
export const CHECK_RULES: readonly CheckRule<never[]>[] = [
  STAGE_NAME_CASING,
  FROM_AS_CASING,
  NO_EMPTY_CONTINUATION,
  CONSISTENT_INSTRUCTION_CASING,
  DUPLICATE_STAGE_NAME,
  RESERVED_STAGE_NAME,
  JSON_ARGS_RECOMMENDED,
  MAINTAINER_DEPRECATED,
  UNDEFINED_ARG_IN_FROM,
  WORKDIR_RELATIVE_PATH,
  UNDEFINED_VAR,
  MULTIPLE_INSTRUCTIONS_DISALLOWED,
  LEGACY_KEY_VALUE_FORMAT,
  INVALID_BASE_IMAGE_PLATFORM,
  REDUNDANT_TARGET_PLATFORM,
  SECRETS_USED_IN_ARG_OR_ENV,
  INVALID_DEFAULT_ARG_IN_FROM,
  FROM_PLATFORM_FLAG_CONST_DISALLOWED,
  COPY_IGNORED_FILE,
  INVALID_DEFINITION_DESCRIPTION,
  EXPOSE_PROTO_CASING,
  EXPOSE_INVALID_FORMAT,
] as unknown as readonly CheckRule<never[]>[];

/** Finds a rule by its diagnostic code or its name. */
export function findCheckRule(
  codeOrName: string,
): CheckRule<never[]> | undefined {
  return CHECK_RULES.find(
    (r) => r.code === codeOrName || r.name === codeOrName,
  );
}
