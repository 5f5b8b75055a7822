// Tests for the case expectation checks, on small hand-written plans and
// build observations.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type {
  BuildPlan,
  ImageConfig,
  StagePlan,
  Vertex,
} from '../../../core/src/index.ts';
import {
  checkPlanExpectations,
  checkRunExpectations,
  envToMap,
  normalizeImageRef,
  predictRunEnv,
} from './expectations.ts';

const config = (env: string[] = []): ImageConfig => ({
  env,
  labels: {},
  exposedPorts: [],
  volumes: [],
  shell: ['/bin/sh', '-c'],
  onBuild: [],
});

const stage = (
  index: number,
  name: string | undefined,
  extra: Partial<StagePlan>,
): StagePlan => ({
  index,
  name,
  id: name ?? String(index),
  built: true,
  reason: 'needed by the target',
  platform: 'linux/amd64',
  base: { kind: 'image', ref: 'busybox:1.36', platform: 'linux/amd64' },
  args: {},
  config: config(),
  vertices: [],
  ...extra,
});

/** A plan shaped like the docs' base/stage1/stage2 example with a device RUN in stage2. */
function samplePlan(): BuildPlan {
  const run: Vertex = {
    kind: 'run',
    id: 'sha256:run2',
    stage: 2,
    platform: 'linux/amd64',
    name: '[stage2 1/1] RUN env',
    text: 'RUN env',
    inputs: [],
    args: ['/bin/sh', '-c', 'env'],
    env: ['PATH=/bin', 'MODE=image'],
    cwd: '/',
    user: '',
    network: 'default',
    mounts: [],
    files: [],
    devices: [
      {
        request: 'acme.test/gpu=g0',
        required: false,
        devices: ['acme.test/gpu=g0'],
        allowed: true,
        reason: 'auto-allowed',
        edits: [
          { env: ['MODE=spec', 'SHARED=common'] },
          { env: ['MODE=device'] },
        ],
      },
    ],
  };
  const stages = [
    stage(0, 'base', {
      args: { VERSION: '1' },
      base: {
        kind: 'image',
        ref: 'docker.io/library/ubuntu:latest',
        platform: 'linux/amd64',
      },
    }),
    stage(1, 'stage1', {
      built: false,
      reason: 'not needed',
      base: { kind: 'stage', stage: 0 },
    }),
    stage(2, 'stage2', {
      base: { kind: 'stage', stage: 0 },
      vertices: [run.id],
      config: config(['PATH=/bin', 'MODE=image']),
    }),
  ];
  return {
    file: 'Dockerfile',
    options: {
      file: 'Dockerfile',
      platforms: ['linux/amd64'],
      buildPlatform: 'linux/amd64',
      builderPlatforms: ['linux/amd64'],
      buildArgs: {},
      device: { all: false, names: [] },
      networkHost: false,
      securityInsecure: false,
      outputs: [],
      legacy: false,
    },
    instructions: ['FROM', 'RUN', 'FROM', 'RUN', 'FROM', 'RUN'],
    platforms: [{ platform: 'linux/amd64', target: 2, stages, order: [0, 2] }],
    vertices: { [run.id]: run },
    diagnostics: [],
    ok: true,
  };
}

test('passes when stages, base image, args, env and devices match', () => {
  const check = checkPlanExpectations(
    {
      ok: true,
      instructions: ['FROM', 'RUN', 'FROM', 'RUN', 'FROM', 'RUN'],
      stages_built: ['base', 'stage2'],
      stages_skipped: ['stage1'],
      base_image: 'ubuntu',
      args: { base: { VERSION: '1' } },
      env: { MODE: 'image' },
      devices_injected: ['acme.test/gpu=g0'],
      run_env: { MODE: 'device', SHARED: 'common' },
    },
    samplePlan(),
  );
  assert.deepEqual(check, {
    failures: [],
    planFailed: false,
    errorMatched: false,
  });
});

test('reports stages built out of order and a skipped stage that is built', () => {
  const { failures } = checkPlanExpectations(
    { stages_built: ['stage2', 'base'], stages_skipped: ['base', 'nope'] },
    samplePlan(),
  );
  assert.deepEqual(failures, [
    'stages built: expected ["stage2","base"], got ["base","stage2"]',
    'stage "base" is built, expected skipped',
    'stage "nope" does not exist',
  ]);
});

test('reports a wrong arg value and a missing env name', () => {
  const { failures } = checkPlanExpectations(
    { args: { base: { VERSION: '2' } }, env: { NOPE: '' } },
    samplePlan(),
  );
  assert.deepEqual(failures, [
    'args of stage base: VERSION expected "2", got "1"',
    'image env: NOPE is not set',
  ]);
});

test('matches error_contains against plan errors without regard to case', () => {
  const plan = samplePlan();
  plan.ok = false;
  plan.diagnostics.push({
    code: 'unknown-instruction',
    severity: 'error',
    message: 'Unknown instruction: COPPY',
  });
  const matched = checkPlanExpectations(
    { error_contains: 'unknown INSTRUCTION' },
    plan,
  );
  assert.deepEqual(matched, {
    failures: [],
    planFailed: true,
    errorMatched: true,
  });

  const wanted = checkPlanExpectations({ ok: true }, plan);
  assert.deepEqual(wanted.failures, [
    'plan failed: Unknown instruction: COPPY',
  ]);
});

test('counts a failed device request in a built stage as a plan error', () => {
  const plan = samplePlan();
  const run = plan.vertices['sha256:run2'];
  assert.equal(run.kind, 'run');
  if (run.kind === 'run') {
    run.devices[0].allowed = false;
    run.devices[0].error =
      'device acme.test/gpu=g0 is requested by the build but not allowed';
  }
  const check = checkPlanExpectations(
    { error_contains: 'but not allowed' },
    plan,
  );
  assert.equal(check.planFailed, true);
  assert.equal(check.errorMatched, true);
});

test('applies CDI env edits after the step env, device edits last', () => {
  const plan = samplePlan();
  assert.deepEqual(predictRunEnv(plan, plan.platforms[0]), {
    PATH: '/bin',
    MODE: 'device',
    SHARED: 'common',
  });
});

test('checks files, env, run env and output files of a finished build', () => {
  const expect = {
    ok: true,
    files: { '/a': 'x\n', '/b': 'y' },
    run_env: { FOO: 'injected' },
    output_files: ['linux_amd64/hello', 'linux_arm64/hello'],
  };
  const failures = checkRunExpectations(expect, {
    ok: true,
    platforms: [
      {
        platform: 'linux/amd64',
        files: { '/a': 'x\n', '/b': undefined },
        runEnv: { FOO: 'other' },
      },
    ],
    outputFiles: ['linux_amd64/hello'],
  });
  assert.deepEqual(failures, [
    'file /b is missing',
    'RUN env: FOO expected "injected", got "other"',
    'output files missing: linux_arm64/hello (have: linux_amd64/hello)',
  ]);
});

test('wants a failed build when error_contains is given', () => {
  assert.deepEqual(
    checkRunExpectations(
      { error_contains: 'exit code' },
      { ok: true, platforms: [] },
    ),
    ['expected the build to fail with "exit code", but it succeeded'],
  );
  assert.deepEqual(
    checkRunExpectations(
      { error_contains: 'EXIT CODE: 1' },
      {
        ok: false,
        error:
          'process "/bin/sh -c false" did not complete successfully: exit code: 1',
        platforms: [],
      },
    ),
    [],
  );
});

test('normalizes image references to docker.io/library/name:tag', () => {
  assert.equal(
    normalizeImageRef('busybox'),
    'docker.io/library/busybox:latest',
  );
  assert.equal(
    normalizeImageRef('busybox:1.36'),
    'docker.io/library/busybox:1.36',
  );
  assert.equal(normalizeImageRef('user/app'), 'docker.io/user/app:latest');
  assert.equal(
    normalizeImageRef('localhost:5000/app'),
    'localhost:5000/app:latest',
  );
  assert.equal(
    normalizeImageRef('ghcr.io/a/b@sha256:00'),
    'ghcr.io/a/b@sha256:00',
  );
});

test('reads NAME=value entries, later entries winning', () => {
  assert.deepEqual(envToMap(['A=1', 'B=x=y', 'A=2', 'C']), {
    A: '2',
    B: 'x=y',
    C: '',
  });
});
