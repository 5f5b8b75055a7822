// The build-definition vertex with its check warnings, and status and WARN
// rows, in the plain format and as SolveStatus JSON.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ProgressEvent } from '../model/progress.ts';
import { planBuild } from '../plan/plan-build.ts';
import {
  BUILD_DEFINITION_VERTEX,
  buildDefinitionEvents,
} from './build-definition.ts';
import { formatUnitBytes } from './go-format.ts';
import { createPlainRenderer, renderPlainProgress } from './plain-renderer.ts';
import { createSolveStatusWriter } from './solve-status.ts';

const DOCKERFILE =
  'FROM busybox:1.36 as build\nMAINTAINER me@example.org\nRUN true\n';

function definition(text: string, start = 1000, end = 1004): ProgressEvent[] {
  return buildDefinitionEvents({
    file: 'Dockerfile',
    bytes: new TextEncoder().encode(text).length,
    diagnostics: planBuild(text).diagnostics,
    start,
    end,
  });
}

describe('build definition vertex', () => {
  test('prints the transfer row, a WARN row per check, then DONE', () => {
    assert.equal(
      renderPlainProgress(definition(DOCKERFILE)),
      [
        '#1 [internal] load build definition from Dockerfile',
        '#1 transferring dockerfile: 62B done',
        "#1 WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
        '#1 WARN: MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 2)',
        '#1 DONE 0.0s',
        '',
      ].join('\n'),
    );
  });

  test('has no WARN rows for a clean Dockerfile, nor for CDI warnings', () => {
    const events = buildDefinitionEvents({
      file: 'Dockerfile.dev',
      bytes: 2100,
      diagnostics: [
        {
          code: 'device-not-registered',
          severity: 'warning',
          message: 'optional device vendor.com/x not found',
        },
      ],
      start: 0,
      end: 300,
    });
    assert.equal(
      renderPlainProgress(events),
      [
        '#1 [internal] load build definition from Dockerfile.dev',
        '#1 transferring dockerfile: 2.10kB 0.3s done',
        '#1 DONE 0.3s',
        '',
      ].join('\n'),
    );
  });

  test('warning events carry the rule description, page and lines', () => {
    const warning = definition(DOCKERFILE).find(
      (e) => e.kind === 'vertex-warning',
    );
    assert.deepEqual(warning, {
      kind: 'vertex-warning',
      vertex: BUILD_DEFINITION_VERTEX,
      short:
        "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
      detail: ["The 'as' keyword should match the case of the 'from' keyword"],
      url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 27 } },
      time: 1004,
    });
  });
});

describe('status and WARN rows', () => {
  test('a row for an ended vertex repeats its header and its end line', () => {
    const renderer = createPlainRenderer();
    const out = [
      { kind: 'vertex-start', vertex: 'a', name: 'first', time: 0 },
      { kind: 'vertex-done', vertex: 'a', time: 100 },
      { kind: 'vertex-start', vertex: 'b', name: 'second', time: 100 },
      {
        kind: 'vertex-warning',
        vertex: 'a',
        short: 'late (line 3)',
        time: 150,
      },
      { kind: 'vertex-done', vertex: 'b', time: 200 },
    ] satisfies ProgressEvent[];
    assert.equal(
      out.map((e) => renderer.write(e)).join(''),
      [
        '#1 first',
        '#1 DONE 0.1s',
        '',
        '#2 second',
        '#2 ...',
        '',
        '#1 first',
        '#1 WARN: late (line 3)',
        '#1 DONE 0.1s',
        '',
        '#2 second',
        '#2 DONE 0.1s',
        '',
      ].join('\n'),
    );
  });

  test('unfinished status rows print again after 5% or 5 seconds', () => {
    const row = (current: number, time: number, completed?: number) =>
      ({
        kind: 'vertex-status',
        vertex: 'p',
        id: 'sha256:abc',
        current,
        total: 10_000_000,
        started: 0,
        time,
        ...(completed === undefined ? {} : { completed }),
      }) satisfies ProgressEvent;
    const events: ProgressEvent[] = [
      { kind: 'vertex-start', vertex: 'p', name: 'pull', time: 0 },
      row(100_000, 5),
      row(200_000, 1000),
      row(900_000, 2000),
      row(950_000, 7500),
      row(10_000_000, 8000, 8000),
    ];
    assert.equal(
      renderPlainProgress(events),
      [
        '#1 pull',
        '#1 sha256:abc 100.00kB / 10.00MB',
        '#1 sha256:abc 900.00kB / 10.00MB 2.0s',
        '#1 sha256:abc 950.00kB / 10.00MB 7.5s',
        '#1 sha256:abc 10.00MB / 10.00MB 8.0s done',
        '',
      ].join('\n'),
    );
  });

  test('sizes read as BuildKit prints them', () => {
    assert.equal(formatUnitBytes(0), '0B');
    assert.equal(formatUnitBytes(999), '999B');
    assert.equal(formatUnitBytes(1000), '1.00kB');
    assert.equal(formatUnitBytes(1125), '1.12kB');
    assert.equal(formatUnitBytes(772_790), '772.79kB');
    assert.equal(formatUnitBytes(2_100_000), '2.10MB');
    assert.equal(formatUnitBytes(3.5e9), '3.50GB');
  });
});

describe('SolveStatus JSON', () => {
  test('statuses and warnings as rawjson prints them', () => {
    const writer = createSolveStatusWriter();
    const updates = definition(DOCKERFILE, 0, 20).map((e) => writer.write(e));
    const digest = updates[0].vertexes?.[0].digest;
    assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(updates[1], {
      statuses: [
        {
          id: 'transferring dockerfile:',
          vertex: digest,
          current: 62,
          timestamp: '1970-01-01T00:00:00.020Z',
          started: '1970-01-01T00:00:00.000Z',
          completed: '1970-01-01T00:00:00.020Z',
        },
      ],
    });
    const warning = updates[3].warnings?.[0];
    assert.equal(warning?.vertex, digest);
    assert.equal(warning?.level, 1);
    assert.equal(
      Buffer.from(warning?.short ?? '', 'base64').toString(),
      'MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 2)',
    );
    assert.deepEqual(
      warning?.detail?.map((d) => Buffer.from(d, 'base64').toString()),
      [
        'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
      ],
    );
    assert.equal(
      warning?.url,
      'https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/',
    );
    assert.deepEqual(warning?.range, [
      { start: { line: 2 }, end: { line: 2 } },
    ]);
  });
});
