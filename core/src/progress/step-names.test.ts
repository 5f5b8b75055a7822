// Progress names as the planner gives them to the renderer: BuildKit's
// `[platform stage i/n]` prefix rules, checked on real plans, then printed.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { BuildOptions } from '../model/options.ts';
import type { ProgressEvent } from '../model/progress.ts';
import { planBuild } from '../plan/plan-build.ts';
import { renderPlainProgress } from './plain-renderer.ts';

/** Step names of every built stage, in build order, for the first platform. */
function names(text: string, options: BuildOptions = {}): string[] {
  const plan = planBuild(text, options);
  assert.ok(plan.ok, plan.diagnostics.map((d) => d.message).join('\n'));
  const platform = plan.platforms[0];
  return platform.order.flatMap((i) =>
    platform.stages[i].vertices.map((id) => plan.vertices[id].name),
  );
}

test('a single stage drops its name; only FROM, ADD, COPY, RUN, WORKDIR count', () => {
  assert.deepEqual(
    names('FROM alpine\nENV A=1\nWORKDIR /w\nLABEL x=y\nCOPY a b\nRUN make\n'),
    [
      '[1/4] FROM docker.io/library/alpine:latest',
      '[2/4] WORKDIR /w',
      '[3/4] COPY a b',
      '[4/4] RUN make',
    ],
  );
});

test('stage names appear with several stages; FROM a stage or scratch is not counted', () => {
  assert.deepEqual(
    names(
      'FROM alpine AS base\nRUN a\nFROM base\nRUN b\nFROM scratch\nCOPY --from=1 / /\n',
    ),
    [
      '[base 1/2] FROM docker.io/library/alpine:latest',
      '[base 2/2] RUN a',
      '[stage-1 1/1] RUN b',
      '[stage-2 1/1] COPY --from=1 / /',
    ],
  );
});

test('the step number is padded to the width of the total', () => {
  const runs = Array.from({ length: 10 }, (_, i) => `RUN step${i}`).join('\n');
  const all = names(`FROM alpine\n${runs}\n`);
  assert.equal(all[0], '[ 1/11] FROM docker.io/library/alpine:latest');
  assert.equal(all[8], '[ 9/11] RUN step7');
  assert.equal(all[10], '[11/11] RUN step9');
});

test('platform prefixes appear only in multi-platform builds', () => {
  const text = 'FROM alpine\nRUN uname -m\n';
  assert.equal(
    names(text, { platforms: ['linux/arm64'] })[1],
    '[2/2] RUN uname -m',
  );
  assert.equal(
    names(text, { platforms: ['linux/arm64', 'linux/amd64'] })[1],
    '[linux/arm64 2/2] RUN uname -m',
  );
  assert.equal(
    names(text, {
      platforms: ['linux/arm64'],
      buildArgs: { BUILDKIT_MULTI_PLATFORM: '1' },
    })[1],
    '[linux/arm64 2/2] RUN uname -m',
  );
});

test('a planned build prints as BuildKit prints it', () => {
  const plan = planBuild('FROM alpine\nRUN make\nRUN false\n');
  const [from, make, fail] = plan.platforms[0].stages[0].vertices.map(
    (id) => plan.vertices[id],
  );
  const events: ProgressEvent[] = [
    { kind: 'vertex-cached', vertex: from.id, name: from.name, time: 0 },
    { kind: 'vertex-start', vertex: make.id, name: make.name, time: 0 },
    { kind: 'vertex-log', vertex: make.id, stream: 1, data: 'ok\n', time: 150 },
    { kind: 'vertex-done', vertex: make.id, time: 240 },
    { kind: 'vertex-start', vertex: fail.id, name: fail.name, time: 300 },
    {
      kind: 'vertex-error',
      vertex: fail.id,
      error:
        'process "/bin/sh -c false" did not complete successfully: exit code: 1',
      time: 400,
    },
  ];
  assert.equal(
    renderPlainProgress(events),
    [
      '#1 [1/3] FROM docker.io/library/alpine:latest',
      '#1 CACHED',
      '',
      '#2 [2/3] RUN make',
      '#2 0.150 ok',
      '#2 DONE 0.2s',
      '',
      '#3 [3/3] RUN false',
      '#3 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1',
      '',
    ].join('\n'),
  );
});

test('DONE counts overlapping runs of one vertex once', () => {
  const events: ProgressEvent[] = [
    { kind: 'vertex-start', vertex: 'v', name: 'RUN x', time: 0 },
    { kind: 'vertex-done', vertex: 'v', time: 300 },
    { kind: 'vertex-start', vertex: 'v', name: 'RUN x', time: 1000 },
    { kind: 'vertex-done', vertex: 'v', time: 1200 },
  ];
  const text = renderPlainProgress(events);
  assert.match(text, /#1 DONE 0\.3s\n/);
  assert.match(text, /#1 DONE 0\.5s\n$/);
});
