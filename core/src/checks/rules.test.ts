// Every rule of BuildKit's linter, one block each: Dockerfiles on which it
// fires (with its exact text, page and line) and ones on which it must not.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { BuildOptions } from '../model/options.ts';
import type { ImageConfig } from '../model/plan.ts';
import { checkBuild } from './check-build.ts';
import { CHECK_RULES, findCheckRule } from './rules.ts';

interface RuleCase {
  text: string;
  options?: BuildOptions;
  /** `line: message` of each warning of the rule, in line order. */
  expect: string[];
}

/** Lists the `line: message` of one rule's warnings from a `--check` run. */
function warningsOf(rule: string, c: RuleCase): string[] {
  const { warnings } = checkBuild(c.text, c.options);
  return warnings
    .filter((w) => findCheckRule(w.code)?.name === rule)
    .map((w) => `${w.location?.range.start.line}: ${w.message}`);
}

function image(platform: string): ImageConfig {
  return {
    env: ['PATH=/bin'],
    labels: {},
    exposedPorts: [],
    volumes: [],
    shell: [],
    onBuild: [],
    platform,
  };
}

const BUSYBOX_AMD64 = 'docker.io/library/busybox:latest@linux/amd64';

const RULES: Record<string, { fires: RuleCase[]; quiet: RuleCase[] }> = {
  StageNameCasing: {
    fires: [
      {
        text: 'FROM alpine AS Build\nFROM alpine AS TEST\n',
        expect: [
          "1: Stage name 'Build' should be lowercase",
          "2: Stage name 'TEST' should be lowercase",
        ],
      },
    ],
    quiet: [
      { text: 'FROM alpine AS build-1\n', expect: [] },
      { text: 'FROM alpine\n', expect: [] },
    ],
  },
  FromAsCasing: {
    fires: [
      {
        text: 'FROM alpine as a\nfrom alpine AS b\n',
        expect: [
          "1: 'as' and 'FROM' keywords' casing do not match",
          "2: 'AS' and 'from' keywords' casing do not match",
        ],
      },
    ],
    quiet: [
      { text: 'FROM alpine AS a\nfrom alpine as b\n', expect: [] },
      // A mixed-case FROM is ConsistentInstructionCasing's to report.
      { text: 'From alpine as a\n', expect: [] },
    ],
  },
  NoEmptyContinuation: {
    fires: [
      {
        text: 'FROM alpine\nRUN echo \\\n\n  done\n',
        expect: ['4: Empty continuation line'],
      },
    ],
    quiet: [
      { text: 'FROM alpine\nRUN echo \\\n  done\n\nRUN true\n', expect: [] },
      // A comment line inside a continuation is not an empty line.
      { text: 'FROM alpine\nRUN echo \\\n# note\n  done\n', expect: [] },
    ],
  },
  ConsistentInstructionCasing: {
    fires: [
      {
        text: 'From alpine AS base\nFROM alpine AS b2\n',
        expect: [
          "1: Command 'From' should match the case of the command majority (uppercase)",
        ],
      },
      {
        text: 'FROM alpine\ncopy a /a\ncopy b /b\ncopy c /c\n',
        expect: [
          "1: Command 'FROM' should match the case of the command majority (lowercase)",
        ],
      },
    ],
    quiet: [
      { text: 'from alpine\ncopy a /a\nrun true\n', expect: [] },
      { text: 'FROM alpine\nCOPY a /a\n', expect: [] },
    ],
  },
  DuplicateStageName: {
    fires: [
      {
        text: 'FROM alpine AS b\nFROM alpine AS B\n',
        expect: ['2: Duplicate stage name "b", stage names should be unique'],
      },
    ],
    quiet: [{ text: 'FROM alpine AS a\nFROM alpine AS b\n', expect: [] }],
  },
  ReservedStageName: {
    fires: [
      {
        text: 'FROM alpine AS scratch\nFROM alpine AS context\n',
        expect: [
          '1: Stage name should not use the same name as reserved stage "scratch"',
          '2: Stage name should not use the same name as reserved stage "context"',
        ],
      },
    ],
    quiet: [{ text: 'FROM alpine AS contexts\n', expect: [] }],
  },
  JSONArgsRecommended: {
    fires: [
      {
        text: 'FROM alpine\nENTRYPOINT my-app\ncmd my-app --verbose\n',
        expect: [
          '2: JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals',
          '3: JSON arguments recommended for cmd to prevent unintended behavior related to OS signals',
        ],
      },
    ],
    quiet: [
      { text: 'FROM alpine\nCMD ["my-app"]\n', expect: [] },
      {
        text: 'FROM alpine AS base\nSHELL ["/bin/ash", "-c"]\nFROM base\nCMD my-app\n',
        expect: [],
      },
    ],
  },
  MaintainerDeprecated: {
    fires: [
      {
        text: 'FROM alpine\nMAINTAINER me@example.org\n',
        expect: [
          '2: Maintainer instruction is deprecated in favor of using label',
        ],
      },
    ],
    quiet: [
      {
        text: 'FROM alpine\nLABEL org.opencontainers.image.authors="me@example.org"\n',
        expect: [],
      },
    ],
  },
  UndefinedArgInFrom: {
    fires: [
      {
        text: 'FROM --platform=$BULIDPLATFORM alpine\n',
        expect: [
          "1: FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?)",
        ],
      },
      {
        text: 'ARG tag=3\nFROM alpine:${tag}${flavour} AS b\n',
        expect: ["2: FROM argument 'flavour' is not declared"],
      },
    ],
    quiet: [
      { text: 'ARG base=alpine\nFROM $base\n', expect: [] },
      { text: 'FROM --platform=$BUILDPLATFORM alpine\n', expect: [] },
      { text: 'ARG SUFFIX\nFROM alpine${SUFFIX:-}\n', expect: [] },
    ],
  },
  WorkdirRelativePath: {
    fires: [
      {
        text: 'FROM alpine\nWORKDIR app/\n',
        expect: [
          '2: Relative workdir "app/" can have unexpected results if the base image changes',
        ],
      },
    ],
    quiet: [
      {
        text: 'FROM alpine AS a\nWORKDIR /app\nFROM a\nWORKDIR sub/\n',
        expect: [],
      },
    ],
  },
  UndefinedVar: {
    fires: [
      {
        text: 'FROM alpine\nARG DIR_ASSETS=assets/\nCOPY $DIR_ASSET .\n',
        expect: [
          "3: Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?)",
        ],
      },
    ],
    quiet: [
      { text: 'FROM alpine\nARG src\nCOPY file${src} .\n', expect: [] },
      {
        text: 'FROM alpine AS base\nARG src=a\nFROM base\nCOPY $src .\n',
        expect: [],
      },
      // RUN leaves its variables to the shell.
      { text: 'FROM alpine\nRUN echo $UNSET\n', expect: [] },
    ],
  },
  MultipleInstructionsDisallowed: {
    fires: [
      {
        text: 'FROM alpine\nENTRYPOINT ["a"]\nCOPY x /x\nENTRYPOINT ["b"]\n',
        expect: [
          '2: Multiple ENTRYPOINT instructions should not be used in the same stage because only the last one will be used',
        ],
      },
    ],
    quiet: [
      {
        text: 'FROM alpine AS a\nCMD ["a"]\nFROM a\nCMD ["b"]\n',
        expect: [],
      },
    ],
  },
  LegacyKeyValueFormat: {
    fires: [
      {
        text: 'FROM alpine\nENV key value\nLABEL key value\n',
        expect: [
          '2: "ENV key=value" should be used instead of legacy "ENV key value" format',
          '3: "LABEL key=value" should be used instead of legacy "LABEL key value" format',
        ],
      },
    ],
    quiet: [{ text: 'FROM alpine\nENV key=value\nLABEL k=v\n', expect: [] }],
  },
  InvalidBaseImagePlatform: {
    fires: [
      {
        text: 'FROM busybox\nRUN true\n',
        options: { baseImages: { [BUSYBOX_AMD64]: image('linux/arm64/v8') } },
        expect: [
          '1: Base image busybox was pulled with platform "linux/arm64", expected "linux/amd64" for current build',
        ],
      },
    ],
    quiet: [
      {
        text: 'FROM busybox\n',
        options: { baseImages: { [BUSYBOX_AMD64]: image('linux/amd64') } },
        expect: [],
      },
      // Without the image's config there is nothing to compare.
      { text: 'FROM busybox\n', expect: [] },
    ],
  },
  RedundantTargetPlatform: {
    fires: [
      {
        text: 'FROM --platform=$TARGETPLATFORM alpine\n',
        expect: [
          '1: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
        ],
      },
    ],
    quiet: [
      { text: 'FROM --platform=$BUILDPLATFORM alpine\n', expect: [] },
      {
        text: 'ARG P=linux/arm64\nFROM --platform=${P} alpine\n',
        expect: [],
      },
    ],
  },
  SecretsUsedInArgOrEnv: {
    fires: [
      {
        text: 'FROM alpine\nARG SECRET_PASSPHRASE\nENV git_key= auth=x\n',
        expect: [
          '2: Do not use ARG or ENV instructions for sensitive data (ARG "SECRET_PASSPHRASE")',
          '3: Do not use ARG or ENV instructions for sensitive data (ENV "git_key")',
          '3: Do not use ARG or ENV instructions for sensitive data (ENV "auth")',
        ],
      },
    ],
    quiet: [
      {
        text: 'FROM alpine\nARG public_token\nARG AUTH_MODULE_VERSION\nENV password_file=/run/p sunflower=1\n',
        expect: [],
      },
      {
        text: 'FROM alpine\n# check=skip=SecretsUsedInArgOrEnv\nENV password=x\n',
        expect: [],
      },
    ],
  },
  InvalidDefaultArgInFrom: {
    fires: [
      {
        text: 'ARG SFX="box:"\nFROM busy${SFX}\n',
        options: { buildArgs: { SFX: 'box:latest' } },
        expect: [
          '2: Default value for ARG busy${SFX} results in empty or invalid base image name',
        ],
      },
    ],
    quiet: [
      { text: 'ARG VARIANT=""\nFROM busybox:stable${VARIANT}\n', expect: [] },
      { text: 'ARG VARIANT\nFROM busybox:stable${VARIANT}\n', expect: [] },
    ],
  },
  FromPlatformFlagConstDisallowed: {
    fires: [
      {
        text: 'FROM --platform=linux/amd64 alpine\n',
        expect: [
          '1: FROM --platform flag should not use constant value "linux/amd64"',
        ],
      },
    ],
    quiet: [
      {
        text: 'FROM --platform=linux/amd64 alpine AS my_amd64_stage\n',
        expect: [],
      },
      { text: 'FROM --platform=linux/amd64 alpine AS linux\n', expect: [] },
    ],
  },
  CopyIgnoredFile: {
    fires: [
      {
        text: 'FROM scratch\nCOPY Dockerfile .\nADD ./Dockerfile /windy\n',
        options: { dockerignore: '\nDockerfile\n' },
        expect: [
          '2: Attempting to Copy file "Dockerfile" that is excluded by .dockerignore',
          '3: Attempting to Add file "Dockerfile" that is excluded by .dockerignore',
        ],
      },
      {
        text: 'FROM scratch\nCOPY src/app/main.go logs/ /dst/\n',
        options: { dockerignore: '# build output\nsrc/app\n**/logs\n' },
        expect: [
          '2: Attempting to Copy file "src/app/main.go" that is excluded by .dockerignore',
          '2: Attempting to Copy file "logs" that is excluded by .dockerignore',
        ],
      },
      {
        text: 'FROM scratch\nCOPY . .\n',
        options: { dockerignore: '*\n' },
        expect: [
          '2: Attempting to Copy file "." that is excluded by .dockerignore',
        ],
      },
    ],
    quiet: [
      // Not from the context: a stage's files are not filtered.
      {
        text: 'FROM scratch AS base\nCOPY Dockerfile /foobar\nFROM base\nCOPY --from=base /foobar /x\n',
        options: { dockerignore: 'foobar\n' },
        expect: [],
      },
      // `!` exceptions make the answer depend on the files: no check.
      {
        text: 'FROM scratch\nCOPY ./Dockerfile .\n',
        options: { dockerignore: '**\n!Dockerfile\n' },
        expect: [],
      },
      // Only patterns that drop every root entry make `.` ignored.
      {
        text: 'FROM scratch\nCOPY . .\n',
        options: { dockerignore: '.*\n' },
        expect: [],
      },
      // No .dockerignore given.
      { text: 'FROM scratch\nCOPY Dockerfile .\n', expect: [] },
      {
        text: 'FROM scratch\nADD https://example.com/Dockerfile /x\n',
        options: { dockerignore: 'Dockerfile\n' },
        expect: [],
      },
    ],
  },
  InvalidDefinitionDescription: {
    fires: [
      {
        text: '# check=experimental=InvalidDefinitionDescription\n\n# the base image\nFROM alpine AS base\n# version of foo\nARG FOO=1 BAR=2\n',
        expect: [
          '4: Comment for FROM should follow the format: `# base <description>`',
          '6: Comment for ARG should follow the format: `# <arg_key> <description>`',
        ],
      },
    ],
    quiet: [
      {
        text: '# check=experimental=InvalidDefinitionDescription\n\n# base is where it starts\nFROM alpine AS base\n# FOO sets foo\nARG FOO=1\n',
        expect: [],
      },
      // Experimental rules stay off unless named.
      { text: '# the base image\nFROM alpine AS base\n', expect: [] },
    ],
  },
  ExposeProtoCasing: {
    fires: [
      {
        text: 'FROM alpine\nEXPOSE 80/TcP 8080/TCP 8080/udp\n',
        expect: [
          "2: Defined protocol '80/TcP' in EXPOSE instruction should be lowercase",
          "2: Defined protocol '8080/TCP' in EXPOSE instruction should be lowercase",
        ],
      },
    ],
    quiet: [{ text: 'FROM alpine\nEXPOSE 80/tcp 53/udp 443\n', expect: [] }],
  },
  ExposeInvalidFormat: {
    fires: [
      {
        text: 'FROM alpine\nEXPOSE 127.0.0.1:80:80 [::1]:8080:8080 5000:5000 8000\n',
        expect: [
          "2: EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'",
          "2: EXPOSE instruction should not define an IP address or host-port mapping, found '[::1]:8080:8080'",
          "2: EXPOSE instruction should not define an IP address or host-port mapping, found '5000:5000'",
        ],
      },
    ],
    quiet: [{ text: 'FROM alpine\nEXPOSE 8000 9000-9010/udp\n', expect: [] }],
  },
};

test('every rule of BuildKit is here, in its order', () => {
  assert.deepEqual(
    Object.keys(RULES),
    CHECK_RULES.map((r) => r.name),
  );
});

for (const [name, { fires, quiet }] of Object.entries(RULES)) {
  describe(name, () => {
    fires.forEach((c, i) => {
      test(`fires (${i + 1})`, () => {
        assert.deepEqual(warningsOf(name, c).sort(), [...c.expect].sort());
      });
    });
    quiet.forEach((c, i) => {
      test(`stays quiet (${i + 1})`, () => {
        assert.deepEqual(warningsOf(name, c), []);
      });
    });
    test('carries its docs page', () => {
      const c = fires[0];
      const rule = findCheckRule(name)!;
      const warning = checkBuild(c.text, c.options).warnings.find(
        (w) => w.code === rule.code,
      );
      assert.equal(warning?.url, rule.url);
    });
  });
}
