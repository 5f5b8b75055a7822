import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  buildDefinitionEvents,
  type Diagnostic,
  type ProgressEvent,
} from '../../../core/src/index.ts';
import { colorWarningSummary, createTtyProgress } from './tty-progress.ts';

/** Feeds events to a live view on a fake terminal; returns its last frame. */
function lastFrame(events: ProgressEvent[], at: number): string {
  let written = '';
  const stream = {
    write: (text: string) => {
      written += text;
      return true;
    },
    columns: 72,
    rows: 40,
  } as unknown as NodeJS.WriteStream;
  const view = createTtyProgress(stream, { now: () => at, interval: 60_000 });
  for (const event of events) view.write(event);
  view.end();
  // eslint-disable-next-line no-control-regex
  const plain = written.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const start = plain.lastIndexOf('[+] Building');
  return plain.slice(start).trimEnd();
}

const warning: Diagnostic = {
  code: 'json-args-recommended',
  severity: 'warning',
  message:
    'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
  location: {
    file: 'Dockerfile',
    range: { start: { line: 2, column: 1 }, end: { line: 2, column: 10 } },
  },
};

test('draws the definition vertex with its transfer and WARN rows', () => {
  const events = buildDefinitionEvents({
    file: 'Dockerfile',
    bytes: 1234,
    diagnostics: [warning],
    start: 1000,
    end: 1200,
  });
  const text = lastFrame(events, 1200);
  const lines = text.split('\n').map((line) => line.trimEnd());
  assert.equal(lines[0], '[+] Building 0.2s (1/1) FINISHED');
  assert.match(
    lines[1]!,
    /^ => \[internal\] load build definition from Dockerfile +0\.2s$/,
  );
  assert.match(lines[2]!, /^ => => transferring dockerfile: 1\.23kB +0\.2s$/);
  assert.match(lines[3]!, /^ => WARN: JSONArgsRecommended: JSON arguments/);
  assert.match(lines[3]!, / 0\.2s$/);
  assert.equal(lines.length, 4);
});

test('a status row or warning does not end or hide the running step', () => {
  const events: ProgressEvent[] = [
    { kind: 'vertex-start', vertex: 'a', name: '[1/2] RUN make', time: 0 },
    { kind: 'vertex-log', vertex: 'a', stream: 1, data: 'cc a.c\n', time: 1 },
    {
      kind: 'vertex-status',
      vertex: 'a',
      id: 'sha256:abc',
      current: 1500,
      total: 3000,
      started: 0,
      time: 2,
    },
    { kind: 'vertex-warning', vertex: 'a', short: 'careful', time: 3 },
    { kind: 'vertex-start', vertex: 'b', name: '[2/2] COPY . /', time: 0 },
    { kind: 'vertex-done', vertex: 'b', time: 500 },
  ];
  let written = '';
  const stream = {
    write: (text: string) => (written += text),
    columns: 72,
    rows: 40,
  } as unknown as NodeJS.WriteStream;
  const view = createTtyProgress(stream, { now: () => 2000, interval: 60_000 });
  for (const event of events) view.write(event);
  // eslint-disable-next-line no-control-regex
  const plain = written.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const text = plain.slice(plain.lastIndexOf('[+] Building'));
  assert.match(text, /^\[\+\] Building 2\.0s \(1\/2\)\n/);
  assert.match(text, / => \[1\/2\] RUN make +2\.0s\n/);
  assert.match(text, / => => sha256:abc 1\.50kB \/ 3\.00kB +2\.0s\n/);
  assert.match(text, / => WARN: careful +2\.0s\n/);
  assert.match(text, / => => # cc a\.c\n/, 'its output still shows');
  assert.match(text, / => \[2\/2\] COPY \. \/ +0\.5s/);
  view.end();
});

test('adds up a step that ran twice and marks cached and failed steps', () => {
  const text = lastFrame(
    [
      { kind: 'vertex-start', vertex: 'a', name: 'export', time: 0 },
      { kind: 'vertex-done', vertex: 'a', time: 300 },
      { kind: 'vertex-start', vertex: 'a', name: 'export', time: 1000 },
      { kind: 'vertex-done', vertex: 'a', time: 1400 },
      { kind: 'vertex-cached', vertex: 'b', name: '[1/2] FROM x', time: 5 },
      { kind: 'vertex-start', vertex: 'c', name: '[2/2] RUN false', time: 5 },
      { kind: 'vertex-error', vertex: 'c', error: 'exit 1', time: 105 },
    ],
    2000,
  );
  assert.match(text, /\(3\/3\) ERROR\n/);
  assert.match(text, / => export +0\.7s\n/);
  assert.match(text, / => CACHED \[1\/2\] FROM x +0\.0s\n/);
  assert.match(text, / => ERROR \[2\/2\] RUN false +0\.1s$/);
});

test('colours the warning list header yellow as buildx does', () => {
  const summary =
    '\n 1 warning found (use docker --debug to expand):\n - A: b (line 1)\n';
  assert.equal(
    colorWarningSummary(summary),
    '\n \x1b[33m1 warning found (use docker --debug to expand):\n\x1b[0m - A: b (line 1)\n',
  );
  assert.equal(colorWarningSummary(''), '');
});
