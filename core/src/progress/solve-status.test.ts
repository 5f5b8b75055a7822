import { test } from 'node:test';
import assert from 'node:assert/strict';

import { base64Utf8, createSolveStatusWriter } from './solve-status.ts';

const RUN = `sha256:${'a'.repeat(64)}`;
const FROM = `sha256:${'b'.repeat(64)}`;

test('a started, logged and finished vertex reads as SolveStatus updates', () => {
  const writer = createSolveStatusWriter((id) => (id === RUN ? [FROM] : []));
  const start = writer.write({
    kind: 'vertex-start',
    vertex: RUN,
    name: '[2/2] RUN echo hi',
    time: 0,
  });
  assert.deepEqual(start, {
    vertexes: [
      {
        digest: RUN,
        inputs: [FROM],
        name: '[2/2] RUN echo hi',
        started: '1970-01-01T00:00:00.000Z',
      },
    ],
  });
  const log = writer.write({
    kind: 'vertex-log',
    vertex: RUN,
    stream: 1,
    data: 'hi\n',
    time: 5,
  });
  assert.deepEqual(log, {
    logs: [
      {
        vertex: RUN,
        stream: 1,
        data: 'aGkK',
        timestamp: '1970-01-01T00:00:00.005Z',
      },
    ],
  });
  const done = writer.write({ kind: 'vertex-done', vertex: RUN, time: 1500 });
  assert.equal(done.vertexes?.[0]?.name, '[2/2] RUN echo hi');
  assert.equal(done.vertexes?.[0]?.completed, '1970-01-01T00:00:01.500Z');
  assert.equal(done.vertexes?.[0]?.started, '1970-01-01T00:00:00.000Z');
});

test('cached and failed vertices; internal ids get a digest', () => {
  const writer = createSolveStatusWriter();
  const cached = writer.write({
    kind: 'vertex-cached',
    vertex: FROM,
    name: '[1/2] FROM x',
    time: 0,
  });
  assert.equal(cached.vertexes?.[0]?.cached, true);
  assert.equal(cached.vertexes?.[0]?.completed, cached.vertexes?.[0]?.started);
  writer.write({
    kind: 'vertex-start',
    vertex: 'internal:context',
    name: '[internal] load build context',
    time: 0,
  });
  const failed = writer.write({
    kind: 'vertex-error',
    vertex: 'internal:context',
    error: 'boom',
    time: 1,
  });
  assert.match(failed.vertexes?.[0]?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
  assert.equal(failed.vertexes?.[0]?.error, 'boom');
});

test('base64 of UTF-8 text matches the usual encoding', () => {
  for (const text of ['', 'a', 'ab', 'abc', 'héllo wörld ✓ 𝄞']) {
    const bytes = new TextEncoder().encode(text);
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    assert.equal(base64Utf8(text), btoa(binary));
  }
});
