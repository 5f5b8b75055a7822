// Planning with base image configs given: a stage starts from its image's
// env, working directory, user, shell and ONBUILD triggers.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { BuildPlan, ImageConfig, RunVertex } from '../model/plan.ts';
import { baseImageKey } from './base-images.ts';
import { DEFAULT_PATH, emptyImageConfig } from './dispatch-stage.ts';
import { planBuild } from './plan-build.ts';

function config(partial: Partial<ImageConfig>): ImageConfig {
  return { ...emptyImageConfig(), ...partial };
}

function runs(plan: BuildPlan): RunVertex[] {
  return plan.platforms[0].stages
    .flatMap((stage) => stage.vertices)
    .map((id) => plan.vertices[id])
    .filter((v): v is RunVertex => v?.kind === 'run');
}

const golang = config({
  env: ['PATH=/go/bin:/usr/bin', 'GOPATH=/go'],
  workingDir: '/go',
  user: 'gopher',
});
const dockerfile = 'FROM golang:1.22\nENV PATH=/x:$PATH\nRUN go build\n';

test('a stage starts from its image config when it is given', () => {
  const plan = planBuild(dockerfile, {
    baseImages: { [baseImageKey('golang:1.22', 'linux/amd64')]: golang },
  });
  assert.equal(plan.ok, true, JSON.stringify(plan.diagnostics));
  const [run] = runs(plan);
  assert.deepEqual([...run.env].sort(), [
    'GOPATH=/go',
    'PATH=/x:/go/bin:/usr/bin',
  ]);
  assert.equal(run.cwd, '/go');
  assert.equal(run.user, 'gopher');
  const stage = plan.platforms[0].stages[0];
  assert.equal(stage.baseConfigKnown, true);
  assert.equal(stage.config.workingDir, '/go');
  assert.ok(!stage.config.env.includes(`PATH=${DEFAULT_PATH}`));
});

test('the key normalises the reference', () => {
  assert.equal(
    baseImageKey('golang:1.22', 'linux/amd64'),
    'docker.io/library/golang:1.22@linux/amd64',
  );
});

test('without the image config the default PATH stands in', () => {
  const plan = planBuild(dockerfile);
  const [run] = runs(plan);
  assert.deepEqual(run.env, [`PATH=/x:${DEFAULT_PATH}`]);
  assert.equal(plan.platforms[0].stages[0].baseConfigKnown, false);
});

test('an image without PATH gets the default one', () => {
  const plan = planBuild('FROM alpine\nRUN true\n', {
    baseImages: {
      [baseImageKey('alpine', 'linux/amd64')]: config({ env: ['A=1'] }),
    },
  });
  assert.deepEqual(runs(plan)[0].env, ['A=1', `PATH=${DEFAULT_PATH}`]);
});

test('a stage FROM a known stage stays known; shell comes from the image', () => {
  const image = config({
    env: ['PATH=/bin'],
    shell: ['/bin/bash', '-c'],
  });
  const plan = planBuild('FROM img AS a\nFROM a\nRUN echo hi\n', {
    baseImages: { [baseImageKey('img', 'linux/amd64')]: image },
  });
  const stages = plan.platforms[0].stages;
  assert.deepEqual(
    stages.map((s) => s.baseConfigKnown),
    [true, true],
  );
  assert.deepEqual(runs(plan)[0].args, ['/bin/bash', '-c', 'echo hi']);
});

test("an image's ONBUILD triggers run first and do not carry over", () => {
  const image = config({ env: ['PATH=/bin'], onBuild: ['RUN echo trigger'] });
  const plan = planBuild('FROM img\nRUN echo mine\n', {
    baseImages: { [baseImageKey('img', 'linux/amd64')]: image },
  });
  assert.equal(plan.ok, true, JSON.stringify(plan.diagnostics));
  assert.deepEqual(
    runs(plan).map((r) => r.args.at(-1)),
    ['echo trigger', 'echo mine'],
  );
  assert.deepEqual(plan.platforms[0].stages[0].config.onBuild, []);
});

// An arm64-only image asked for as linux/amd64 (a single manifest: the
// registry gives it whatever the platform asked for).
const armOnly = {
  [baseImageKey('arm-only', 'linux/amd64')]: config({
    platform: 'linux/arm64',
  }),
};
const armDockerfile = 'FROM arm-only\nRUN true\n';
const warnings = (plan: BuildPlan) =>
  plan.diagnostics
    .filter((d) => d.code === 'invalid-base-image-platform')
    .map((d) => d.message);

test('with no --platform an image runs on its own platform if it can', () => {
  const plan = planBuild(armDockerfile, {
    baseImages: armOnly,
    builderPlatforms: ['linux/amd64', 'linux/arm64'],
  });
  assert.deepEqual(
    runs(plan).map((r) => r.platform),
    ['linux/arm64'],
  );
  assert.deepEqual(warnings(plan), []);
});

test('an image for a platform the builder cannot run warns', () => {
  const plan = planBuild(armDockerfile, { baseImages: armOnly });
  assert.deepEqual(
    runs(plan).map((r) => r.platform),
    ['linux/amd64'],
  );
  assert.deepEqual(warnings(plan), [
    'Base image arm-only was pulled with platform "linux/arm64", ' +
      'expected "linux/amd64" for current build',
  ]);
});

test('an explicit --platform keeps the target and warns', () => {
  const plan = planBuild(armDockerfile, {
    baseImages: armOnly,
    platforms: ['linux/amd64'],
    builderPlatforms: ['linux/amd64', 'linux/arm64'],
  });
  assert.deepEqual(
    runs(plan).map((r) => r.platform),
    ['linux/amd64'],
  );
  assert.equal(warnings(plan).length, 1);
});
