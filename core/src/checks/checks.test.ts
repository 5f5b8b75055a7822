// Build checks: each rule fires where BuildKit's does, with its message and
// line, and the `check` directive, comments and build arg switch them.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { BuildOptions } from '../model/options.ts';
import { planBuild } from '../plan/plan-build.ts';
import { checkBuild } from './check-build.ts';
import { parseCheckOptions } from './check-options.ts';
import { findCheckRule } from './rules.ts';

/** Lists `Rule:line: message` for every check warning of a `--check` run. */
function check(text: string, options: BuildOptions = {}): string[] {
  return checkBuild(text, options).warnings.map((d) => {
    const rule = findCheckRule(d.code);
    return `${rule?.name}:${d.location?.range.start.line}: ${d.message}`;
  });
}

const CASES: [string, string, string[]][] = [
  [
    'StageNameCasing and FromAsCasing',
    'FROM alpine AS Builder\nFROM alpine as runner\n',
    [
      "StageNameCasing:1: Stage name 'Builder' should be lowercase",
      "FromAsCasing:2: 'as' and 'FROM' keywords' casing do not match",
    ],
  ],
  [
    'FromAsCasing with a lower-case from',
    'from alpine AS build\n',
    ["FromAsCasing:1: 'AS' and 'from' keywords' casing do not match"],
  ],
  [
    'ConsistentInstructionCasing: the majority wins, a tie is upper case',
    'from alpine\nRUN a\nrun b\nRun c\n',
    [
      "ConsistentInstructionCasing:2: Command 'RUN' should match the case of the command majority (lowercase)",
      "ConsistentInstructionCasing:4: Command 'Run' should match the case of the command majority (lowercase)",
    ],
  ],
  [
    'ConsistentInstructionCasing on a tie',
    'FROM alpine\nrun a\n',
    [
      "ConsistentInstructionCasing:2: Command 'run' should match the case of the command majority (uppercase)",
    ],
  ],
  [
    'DuplicateStageName and ReservedStageName',
    'FROM alpine AS a\nFROM alpine AS a\nFROM alpine AS context\n',
    [
      'DuplicateStageName:2: Duplicate stage name "a", stage names should be unique',
      'ReservedStageName:3: Stage name should not use the same name as reserved stage "context"',
    ],
  ],
  [
    'JSONArgsRecommended unless a SHELL is set, also in a base stage',
    'FROM alpine AS base\nCMD run\nSHELL ["/bin/bash", "-c"]\nFROM base\nENTRYPOINT run\n',
    [
      'JSONArgsRecommended:2: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
    ],
  ],
  [
    'MaintainerDeprecated',
    'FROM alpine\nMAINTAINER me@example.org\n',
    [
      'MaintainerDeprecated:2: Maintainer instruction is deprecated in favor of using label',
    ],
  ],
  [
    'UndefinedArgInFrom with a suggestion',
    'ARG VERSION=3\nFROM alpine${VERSON}\n',
    [
      "UndefinedArgInFrom:2: FROM argument 'VERSON' is not declared (did you mean VERSION?)",
    ],
  ],
  [
    'UndefinedArgInFrom ignores declared args without a value',
    'ARG SUFFIX\nFROM alpine${SUFFIX}\n',
    [],
  ],
  [
    'WorkdirRelativePath only for the first WORKDIR of a stage chain',
    'FROM alpine AS a\nWORKDIR app\nWORKDIR sub\nFROM alpine AS b\nWORKDIR /abs\nFROM b\nWORKDIR rel\n',
    [
      'WorkdirRelativePath:2: Relative workdir "app" can have unexpected results if the base image changes',
    ],
  ],
  [
    'UndefinedVar with a suggestion, not for declared ARGs',
    'FROM alpine\nARG DECLARED\nENV A=$DECLARED B=$UNSET\nENV PATH=$PAHT:/x\n',
    [
      "UndefinedVar:3: Usage of undefined variable '$UNSET'",
      "UndefinedVar:4: Usage of undefined variable '$PAHT' (did you mean $PATH?)",
    ],
  ],
  [
    'UndefinedVar: used before the ARG that defines it',
    'FROM alpine\nCOPY $src /dst\nARG src=a\nCOPY $src /dst\n',
    ["UndefinedVar:2: Usage of undefined variable '$src'"],
  ],
  [
    'MultipleInstructionsDisallowed names the earlier instruction',
    'FROM alpine\nCMD ["a"]\nHEALTHCHECK CMD ["a"]\nCMD ["b"]\nHEALTHCHECK NONE\n',
    [
      'MultipleInstructionsDisallowed:2: Multiple CMD instructions should not be used in the same stage because only the last one will be used',
      'MultipleInstructionsDisallowed:3: Multiple HEALTHCHECK instructions should not be used in the same stage because only the last one will be used',
    ],
  ],
  [
    'LegacyKeyValueFormat keeps the keyword as written',
    'FROM alpine\nENV A b\nlabel k v\n',
    [
      'LegacyKeyValueFormat:2: "ENV key=value" should be used instead of legacy "ENV key value" format',
      "ConsistentInstructionCasing:3: Command 'label' should match the case of the command majority (uppercase)",
      'LegacyKeyValueFormat:3: "label key=value" should be used instead of legacy "label key value" format',
    ],
  ],
  [
    'RedundantTargetPlatform',
    'FROM --platform=${TARGETPLATFORM} alpine\n',
    [
      'RedundantTargetPlatform:1: Setting platform to predefined ${TARGETPLATFORM} in FROM is redundant as this is the default behavior',
    ],
  ],
  [
    'FromPlatformFlagConstDisallowed unless the stage name says the platform',
    'FROM --platform=linux/arm64 alpine\nFROM --platform=linux/arm64 alpine AS build-arm64\n',
    [
      'FromPlatformFlagConstDisallowed:1: FROM --platform flag should not use constant value "linux/arm64"',
    ],
  ],
  [
    'SecretsUsedInArgOrEnv with the allowed words',
    'FROM alpine\nARG GITHUB_TOKEN\nENV api_key=x PUBLIC_KEY=y password_file=z\n',
    [
      'SecretsUsedInArgOrEnv:2: Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")',
      'SecretsUsedInArgOrEnv:3: Do not use ARG or ENV instructions for sensitive data (ENV "api_key")',
    ],
  ],
  [
    'InvalidDefaultArgInFrom',
    'ARG TAG\nFROM alpine:$TAG\n',
    [
      'InvalidDefaultArgInFrom:2: Default value for ARG alpine:$TAG results in empty or invalid base image name',
    ],
  ],
  [
    'ExposeProtoCasing and ExposeInvalidFormat',
    'FROM alpine\nEXPOSE 80/UDP 0.0.0.0:8080:80 443\n',
    [
      "ExposeInvalidFormat:2: EXPOSE instruction should not define an IP address or host-port mapping, found '0.0.0.0:8080:80'",
      "ExposeProtoCasing:2: Defined protocol '80/UDP' in EXPOSE instruction should be lowercase",
    ],
  ],
  [
    'NoEmptyContinuation at the line that ends the instruction',
    'FROM alpine\nRUN echo a \\\n\n  b\n',
    ['NoEmptyContinuation:4: Empty continuation line'],
  ],
  [
    'InvalidDefinitionDescription only when experimental',
    '# check=experimental=InvalidDefinitionDescription\n# the version\nARG VERSION=1\n# the base image\nFROM alpine AS base\n',
    [
      'InvalidDefinitionDescription:3: Comment for ARG should follow the format: `# VERSION <description>`',
      'InvalidDefinitionDescription:5: Comment for FROM should follow the format: `# base <description>`',
    ],
  ],
  [
    'no warning for a tidy Dockerfile',
    'ARG BASE=alpine\nFROM ${BASE} AS build\nWORKDIR /src\nCOPY . .\nRUN make\nCMD ["./app"]\n',
    [],
  ],
];

describe('build checks', () => {
  for (const [name, text, expected] of CASES) {
    test(name, () => {
      assert.deepEqual(check(text), expected);
    });
  }
});

describe('check settings', () => {
  const text = 'FROM alpine AS Build\nMAINTAINER me\n';

  test('# check=skip= turns rules off', () => {
    assert.deepEqual(check(`# check=skip=StageNameCasing\n${text}`), [
      'MaintainerDeprecated:3: Maintainer instruction is deprecated in favor of using label',
    ]);
    assert.deepEqual(check(`# check=skip=all\n${text}`), []);
  });

  test('a # check= comment above an instruction applies to it alone', () => {
    const commented =
      'FROM alpine\n# check=skip=MaintainerDeprecated // local\nMAINTAINER a\nMAINTAINER b\n';
    assert.deepEqual(check(commented), [
      'MaintainerDeprecated:4: Maintainer instruction is deprecated in favor of using label',
    ]);
  });

  test('error=true fails the build with the rules that fired', () => {
    const plan = planBuild(`# check=error=true\n${text}`);
    assert.equal(plan.ok, false);
    const error = plan.diagnostics.find((d) => d.severity === 'error');
    assert.equal(
      error?.message,
      'lint violation found for rules: StageNameCasing, MaintainerDeprecated',
    );
    assert.equal(planBuild(`# check=skip=all;error=true\n${text}`).ok, true);
  });

  test('BUILDKIT_DOCKERFILE_CHECK replaces the directive', () => {
    const options = {
      buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'skip=MaintainerDeprecated' },
    };
    assert.deepEqual(check(`# check=skip=all\n${text}`, options), [
      "StageNameCasing:2: Stage name 'Build' should be lowercase",
    ]);
  });

  test('a bad check value is an error', () => {
    const plan = planBuild(`# check=skip\n${text}`);
    const error = plan.diagnostics.find((d) => d.severity === 'error');
    assert.equal(
      error?.message,
      'failed to parse check options: invalid check option "skip"',
    );
    assert.equal(error?.location?.range.start.line, 1);
    assert.deepEqual(parseCheckOptions('error=maybe'), {
      error:
        'failed to parse check option "error=maybe": strconv.ParseBool: parsing "maybe": invalid syntax',
    });
  });
});

describe('which stages are checked', () => {
  const text = 'FROM alpine AS a\nENV K v\nFROM alpine AS b\nRUN true\n';

  test('a build checks the stages the target needs', () => {
    const codes = planBuild(text).diagnostics.map((d) => d.code);
    assert.ok(!codes.includes('legacy-key-value-format'));
  });

  test('--check without a target checks every stage', () => {
    assert.deepEqual(check(text), [
      'LegacyKeyValueFormat:2: "ENV key=value" should be used instead of legacy "ENV key value" format',
    ]);
    assert.deepEqual(check(text, { target: 'b' }), []);
  });

  test('warnings carry their docs page and a Dockerfile line', () => {
    const [warning] = planBuild('FROM alpine AS A\n').diagnostics;
    assert.equal(warning.severity, 'warning');
    assert.equal(
      warning.url,
      'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/',
    );
    assert.equal(warning.location?.file, 'Dockerfile');
    assert.equal(warning.location?.range.start.line, 1);
  });
});
