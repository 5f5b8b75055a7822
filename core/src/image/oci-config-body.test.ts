// Image config bodies both ways: what an image brings to a stage comes back
// out unchanged, healthcheck durations included.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  formatGoDuration,
  parseGoDuration,
} from '../instructions/go-duration.ts';
import { fromOciConfigBody, toOciConfigBody } from './oci-config-body.ts';
import type { OciImageConfigBody } from './oci-config-body.ts';

test('formats durations as Go prints them', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [1, '1ns'],
    [1500, '1.5µs'],
    [250e6, '250ms'],
    [1.5e9, '1.5s'],
    [30e9, '30s'],
    [90e9, '1m30s'],
    [3600e9, '1h0m0s'],
    [3723.5e9, '1h2m3.5s'],
    [-2e9, '-2s'],
  ];
  for (const [ns, text] of cases) {
    assert.equal(formatGoDuration(ns), text, String(ns));
    const back = parseGoDuration(text);
    assert.equal(back.error, undefined);
    assert.equal(back.error === undefined && back.nanoseconds, ns);
  }
});

test('an image config body round-trips through core', () => {
  const body: OciImageConfigBody = {
    User: 'app',
    ExposedPorts: { '80/tcp': {} },
    Env: ['PATH=/bin', 'A=1'],
    Entrypoint: ['/entry'],
    Cmd: ['--help'],
    Volumes: { '/data': {} },
    WorkingDir: '/srv',
    Labels: { a: 'b' },
    StopSignal: 'SIGTERM',
    Shell: ['/bin/ash', '-c'],
    OnBuild: ['RUN true'],
    Healthcheck: {
      Test: ['CMD', 'true'],
      Interval: 30e9,
      Timeout: 3e9,
      StartPeriod: 90e9,
      Retries: 3,
    },
  };
  const config = fromOciConfigBody(body);
  assert.deepEqual(config.healthcheck, {
    test: ['CMD', 'true'],
    interval: '30s',
    timeout: '3s',
    startPeriod: '1m30s',
    retries: 3,
  });
  assert.deepEqual(toOciConfigBody(config), body);
});

test('an absent body reads as an empty config', () => {
  const config = fromOciConfigBody(undefined);
  assert.deepEqual(config.env, []);
  assert.equal(config.workingDir, undefined);
  assert.deepEqual(toOciConfigBody(config), {});
});
