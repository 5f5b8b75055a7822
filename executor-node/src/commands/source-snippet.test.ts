// Tests for the buildx-style source excerpt printed after a failed build.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatSourceSnippet } from './source-snippet.ts';

const source = [
  'FROM busybox',
  'ARG A',
  'RUN false',
  'RUN true',
  'ENV X=1',
  'CMD sh',
].join('\n');

test('marks a one-line range with two lines of context each side', () => {
  const text = formatSourceSnippet(
    {
      file: 'Dockerfile',
      range: { start: { line: 3, column: 1 }, end: { line: 3, column: 9 } },
    },
    source,
  );
  assert.equal(
    text,
    [
      'Dockerfile:3',
      '--------------------',
      '   1 |     FROM busybox',
      '   2 |     ARG A',
      '   3 | >>> RUN false',
      '   4 |     RUN true',
      '   5 |     ENV X=1',
      '--------------------',
      '',
    ].join('\n'),
  );
});

test('marks every line of a multi-line range with one line of context', () => {
  const text = formatSourceSnippet(
    {
      file: 'Dockerfile.busybox',
      range: { start: { line: 1, column: 1 }, end: { line: 2, column: 5 } },
    },
    source,
  );
  assert.deepEqual(text.split('\n').slice(0, 5), [
    'Dockerfile.busybox:1',
    '--------------------',
    '   1 | >>> FROM busybox',
    '   2 | >>> ARG A',
    '   3 |     RUN false',
  ]);
});
