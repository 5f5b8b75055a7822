// A planner that remembers earlier work must plan exactly as planBuild does,
// edit after edit.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { planBuild } from './plan-build.ts';
import { createPlanner } from './planner.ts';

const BASE = [
  '# syntax=docker/dockerfile:1',
  'ARG BASE=alpine',
  'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
  'WORKDIR /src',
  'ENV A=1',
  'COPY <<EOF /a.txt',
  'hello $A',
  'EOF',
  'RUN --mount=type=cache,target=/c make \\',
  '    all',
  'FROM build AS test',
  'RUN make test',
  'FROM scratch',
  'COPY --from=build /out /',
  'ONBUILD RUN echo triggered',
].join('\n');

test('re-plans each edit exactly as planBuild does', () => {
  const planner = createPlanner();
  const edits = [
    BASE,
    BASE.replace('make \\', 'make -j4 \\'),
    BASE.replace('ENV A=1', 'ENV A=2'),
    BASE,
    BASE.replace('hello $A', 'bye $A'),
    BASE.replace('FROM build AS test\n', ''),
  ];
  for (const text of edits) {
    for (const platforms of [['linux/amd64'], ['linux/amd64', 'linux/arm64']]) {
      assert.deepEqual(
        planner.plan(text, { platforms }),
        planBuild(text, { platforms }),
      );
    }
  }
});

test('re-plans random edits exactly as planBuild does', () => {
  const planner = createPlanner();
  const edit = fc.record({
    at: fc.nat({ max: BASE.length }),
    cut: fc.nat({ max: 6 }),
    text: fc.constantFrom('', 'x', '$A', '\n', '\\\n', 'RUN b\n', '"', '<<E\n'),
  });
  fc.assert(
    fc.property(edit, ({ at, cut, text }) => {
      const edited = BASE.slice(0, at) + text + BASE.slice(at + cut);
      assert.deepEqual(planner.plan(edited), planBuild(edited));
    }),
    { numRuns: 300 },
  );
});

test('re-plans across changed global ARGs, options and undo/redo', () => {
  const planner = createPlanner();
  const texts = [
    BASE,
    BASE.replace('ARG BASE=alpine', 'ARG BASE=debian'),
    BASE.replace('ARG BASE=alpine', 'ARG BASE=alpine\nARG X=1'),
    BASE,
    BASE.replace('ARG BASE=alpine', 'ARG BASE=debian'),
  ];
  const options = [
    {},
    { buildArgs: { BASE: 'busybox' } },
    { target: 'build' },
    { platforms: ['linux/arm64'], buildPlatform: 'linux/arm64' },
    {
      baseImages: {
        'docker.io/library/alpine:latest@linux/amd64': {
          env: ['PATH=/bin', 'A=0'],
          labels: {},
          exposedPorts: [],
          volumes: [],
          shell: [],
          onBuild: [],
          workingDir: '/w',
          user: 'u',
        },
      },
    },
    {},
  ];
  for (let round = 0; round < 2; round++) {
    for (const text of texts) {
      for (const opts of options) {
        assert.deepEqual(planner.plan(text, opts), planBuild(text, opts));
      }
    }
  }
});

const STAGES = [
  'ARG IMG=alpine',
  'FROM ${IMG} AS base',
  'ONBUILD RUN echo trig',
  'ENV P=/p',
  'WORKDIR app',
  '# check=skip=JSONArgsRecommended',
  'FROM base AS one',
  'CMD echo one',
  'FROM --platform=$BUILDPLATFORM base AS two',
  'RUN --mount=from=one,target=/m echo $P',
  'COPY <<EOF /h',
  'body $P',
  'EOF',
  'FROM scratch AS three',
  'COPY --from=two /x /x',
  'COPY --from=busybox /bin/sh /sh',
  'RUN --mount=type=cache,target=/c,from=base true',
].join('\n');

test('re-plans every edit of linked stages exactly as planBuild does', () => {
  const planner = createPlanner();
  const inserts = ['x', '$P', '\n', '\nFROM two\n', '# check=skip=all\n'];
  const options = [
    {},
    { target: 'two' },
    { buildArgs: { IMG: 'debian' } },
    { platforms: ['linux/amd64', 'linux/arm64'] },
  ];
  for (let at = 0; at <= STAGES.length; at++) {
    const insert = inserts[at % inserts.length];
    const opts = options[Math.floor(at / 7) % options.length];
    const edited = STAGES.slice(0, at) + insert + STAGES.slice(at + (at % 3));
    // Each edit, then the text before it again, as undo does.
    for (const text of [edited, STAGES]) {
      assert.deepEqual(planner.plan(text, opts), planBuild(text, opts));
    }
  }
});
