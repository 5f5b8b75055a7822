import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { ProgressEvent } from '../model/progress.ts';
import { formatFixed } from './go-format.ts';
import { createPlainRenderer, renderPlainProgress } from './plain-renderer.ts';
import { formatStepName, isCountedStep } from './step-name.ts';

test('formats step names with the index padded to the total width', () => {
  assert.equal(
    formatStepName({ text: 'RUN make', index: 3, total: 12, stage: 'build' }),
    '[build  3/12] RUN make',
  );
  assert.equal(
    formatStepName({ text: 'RUN make', index: 2, total: 2 }),
    '[2/2] RUN make',
  );
  assert.equal(
    formatStepName({
      text: 'COPY a b',
      index: 1,
      total: 3,
      stage: 'stage-1',
      platform: 'linux/amd64',
      targetSuffix: '->arm64',
    }),
    '[linux/amd64->arm64 stage-1 1/3] COPY a b',
  );
  assert.equal(
    formatStepName({ text: 'FROM x', index: 0, total: 0 }),
    'FROM x',
  );
  assert.ok(isCountedStep('workdir'));
  assert.ok(!isCountedStep('ENV'));
});

test('formats like Go: exact ties round to even', () => {
  assert.equal(formatFixed(0.25, 1), '0.2');
  assert.equal(formatFixed(0.75, 1), '0.8');
  assert.equal(formatFixed(0.35, 1), '0.3');
  assert.equal(formatFixed(1.25, 1), '1.2');
  assert.equal(formatFixed(0.0625, 3), '0.062');
  assert.equal(formatFixed(2.5, 0), '2');
  assert.equal(formatFixed(0.412, 3), '0.412');
  assert.equal(formatFixed(0, 1), '0.0');
});

test('renders a run with logs, then a cached step', () => {
  const events: ProgressEvent[] = [
    {
      kind: 'vertex-start',
      vertex: 'a',
      name: '[build 2/2] RUN make',
      time: 1000,
    },
    {
      kind: 'vertex-log',
      vertex: 'a',
      stream: 1,
      data: 'cc -o app main.c\n',
      time: 1412,
    },
    { kind: 'vertex-done', vertex: 'a', time: 2300 },
    {
      kind: 'vertex-cached',
      vertex: 'b',
      name: '[build 1/2] FROM x',
      time: 2400,
    },
  ];
  assert.equal(
    renderPlainProgress(events, {
      header: 'building with "default" instance using docker driver',
    }),
    [
      '#0 building with "default" instance using docker driver',
      '',
      '#1 [build 2/2] RUN make',
      '#1 0.412 cc -o app main.c',
      '#1 DONE 1.3s',
      '',
      '#2 [build 1/2] FROM x',
      '#2 CACHED',
      '',
    ].join('\n'),
  );
});

test('numbers vertices in order of first print and marks interrupted ones', () => {
  const events: ProgressEvent[] = [
    { kind: 'vertex-start', vertex: 'x', name: 'one', time: 0 },
    { kind: 'vertex-start', vertex: 'y', name: 'two', time: 0 },
    { kind: 'vertex-log', vertex: 'x', stream: 1, data: 'hel', time: 12_345 },
    {
      kind: 'vertex-log',
      vertex: 'y',
      stream: 2,
      data: 'boom\n',
      time: 123_456,
    },
    { kind: 'vertex-log', vertex: 'x', stream: 1, data: 'lo\n', time: 12_400 },
    { kind: 'vertex-error', vertex: 'y', error: 'exit code: 1', time: 200_000 },
    { kind: 'vertex-done', vertex: 'x', time: 13_000 },
  ];
  assert.equal(
    renderPlainProgress(events),
    [
      '#1 one',
      '#1 ...',
      '',
      '#2 two',
      '#2 ...',
      '',
      '#1 one',
      '#1 12.35 hel',
      '#1 ...',
      '',
      '#2 two',
      '#2 123.5 boom',
      '#2 ...',
      '',
      '#1 one',
      '#1 12.35 hello',
      '#1 ...',
      '',
      '#2 two',
      '#2 ERROR: exit code: 1',
      '',
      '#1 one',
      '#1 DONE 13.0s',
      '',
    ].join('\n'),
  );
});

test('joins a log line split across events while the vertex stays active', () => {
  const renderer = createPlainRenderer();
  let out = renderer.write({
    kind: 'vertex-start',
    vertex: 'v',
    name: 'RUN x',
    time: 0,
  });
  out += renderer.write({
    kind: 'vertex-log',
    vertex: 'v',
    stream: 1,
    data: 'a',
    time: 100,
  });
  out += renderer.write({
    kind: 'vertex-log',
    vertex: 'v',
    stream: 1,
    data: 'b\nc',
    time: 200,
  });
  out += renderer.write({ kind: 'vertex-done', vertex: 'v', time: 250 });
  assert.equal(out, '#1 RUN x\n#1 0.100 ab\n#1 0.200 c\n#1 DONE 0.2s\n');
  assert.equal(renderer.indexOf('v'), 1);
  assert.equal(renderer.indexOf('w'), undefined);
});

test('ends with the failed steps and their last log rows', () => {
  const renderer = createPlainRenderer();
  const events: ProgressEvent[] = [
    { kind: 'vertex-start', vertex: 'r', name: '[2/2] RUN false', time: 0 },
    ...Array.from({ length: 12 }, (_, i): ProgressEvent => ({
      kind: 'vertex-log',
      vertex: 'r',
      stream: 1,
      data: `line ${i}\n`,
      time: i * 100,
    })),
    { kind: 'vertex-error', vertex: 'r', error: 'exit code: 1', time: 1300 },
    { kind: 'vertex-start', vertex: 'c', name: 'RUN sleep', time: 0 },
    { kind: 'vertex-error', vertex: 'c', error: 'context canceled', time: 10 },
  ];
  const text = events.map((e) => renderer.write(e)).join('');
  assert.match(text, /#1 ERROR: exit code: 1\n/);
  assert.match(text, /#2 CANCELED\n/);
  const rows = Array.from({ length: 10 }, (_, i) => {
    const n = i + 2;
    return `${(n / 10).toFixed(3)} line ${n}`;
  });
  assert.equal(
    renderer.errorSummary(),
    ['------', ' > [2/2] RUN false:', ...rows, '------', ''].join('\n'),
  );
});
