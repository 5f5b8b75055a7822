import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ProgressEvent } from '../../../core/src/index.ts';
import { createProgressTap } from './progress-tap.ts';

test('writes pull rows under the vertex started last and still running', () => {
  const events: ProgressEvent[] = [];
  const tap = createProgressTap(
    (e) => events.push(e),
    () => 7,
  );
  tap.log('before any vertex');
  tap.onEvent({ kind: 'vertex-start', vertex: 'a', name: 'A', time: 1 });
  tap.onEvent({ kind: 'vertex-start', vertex: 'b', name: 'B', time: 2 });
  tap.log('row for b');
  tap.onEvent({ kind: 'vertex-done', vertex: 'b', time: 3 });
  tap.log('row for a');
  tap.onEvent({ kind: 'vertex-error', vertex: 'a', error: 'x', time: 4 });
  tap.log('after every vertex');

  const rows = events.filter((e) => e.kind === 'vertex-log');
  assert.deepEqual(rows, [
    {
      kind: 'vertex-log',
      vertex: 'b',
      stream: 1,
      data: 'row for b\n',
      time: 7,
    },
    {
      kind: 'vertex-log',
      vertex: 'a',
      stream: 1,
      data: 'row for a\n',
      time: 7,
    },
  ]);
  assert.equal(events.length, 6);
});

test('status rows and warnings leave the running vertex running', () => {
  const events: ProgressEvent[] = [];
  const tap = createProgressTap(
    (e) => events.push(e),
    () => 9,
  );
  tap.onEvent({ kind: 'vertex-start', vertex: 'a', name: 'A', time: 1 });
  tap.onEvent({
    kind: 'vertex-status',
    vertex: 'a',
    id: 'transferring dockerfile:',
    current: 10,
    time: 2,
  });
  tap.onEvent({ kind: 'vertex-warning', vertex: 'a', short: 'W', time: 3 });
  tap.log('row for a');
  tap.onEvent({ kind: 'vertex-cached', vertex: 'a', name: 'A', time: 4 });
  tap.log('after a');

  const rows = events.filter((e) => e.kind === 'vertex-log');
  assert.deepEqual(
    rows.map((e) => [e.vertex, e.data]),
    [['a', 'row for a\n']],
  );
});
