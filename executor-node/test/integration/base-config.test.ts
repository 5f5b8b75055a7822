// Builds FROM busybox with its config read before planning: the planner
// starts the stage from the image's env, and RUN sees exactly that env.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { planBuild, type ImageConfig } from '../../../core/src/index.ts';
import { hostImageSource, resolveBaseImages } from '../../src/base-configs.ts';
import { runBuild } from '../../src/build.ts';
import { runCli } from './cli-helpers.ts';
import { eventLog, read, skipReason, tempDir, testHome } from './harness.ts';

const skip = skipReason();
const dockerfile = [
  'FROM busybox:1.36',
  'ENV PATH=/x:$PATH',
  'RUN echo "$PATH" > /path && env | grep -c ^PATH= > /count && pwd > /dir',
  '',
].join('\n');

async function planWithImages(
  text: string,
  edit: (config: ImageConfig) => ImageConfig = (c) => c,
) {
  const home = testHome();
  const first = planBuild(text);
  const found = await resolveBaseImages(first, hostImageSource({ home }));
  const baseImages = Object.fromEntries(
    Object.entries(found).map(([key, config]) => [key, edit(config)]),
  );
  return { home, plan: planBuild(text, { baseImages }), baseImages };
}

function pathOf(env: string[]): string | undefined {
  return env.find((e) => e.startsWith('PATH='))?.slice('PATH='.length);
}

test(
  "RUN sees the image's PATH behind ENV PATH=/x:$PATH",
  {
    skip,
  },
  async () => {
    const { home, plan, baseImages } = await planWithImages(dockerfile);
    const [config] = Object.values(baseImages);
    const imagePath = pathOf(config?.env ?? []);
    assert.ok(imagePath, 'busybox config has a PATH');
    const stage = plan.platforms[0].stages[0];
    assert.equal(stage.baseConfigKnown, true);
    assert.deepEqual(stage.config.cmd, config?.cmd);

    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: eventLog().onEvent,
      home,
    });
    assert.equal(result.error, undefined);
    const [only] = result.results;
    assert.equal(read(only?.rootfs, 'path'), `/x:${imagePath}\n`);
    assert.equal(read(only?.rootfs, 'count'), '1\n');
    assert.deepEqual(only?.config, stage.config);
  },
);

test(
  'the solve runs the planned env, not the image env again',
  {
    skip,
  },
  async () => {
    // The same busybox with its config's PATH and WorkingDir changed: the
    // planner's result must be what RUN gets.
    const { home, plan } = await planWithImages(dockerfile, (config) => ({
      ...config,
      env: ['PATH=/opt/bin:/bin'],
      workingDir: '/tmp',
    }));
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: eventLog().onEvent,
      home,
    });
    assert.equal(result.error, undefined);
    const [only] = result.results;
    assert.equal(read(only?.rootfs, 'path'), '/x:/opt/bin:/bin\n');
    assert.equal(read(only?.rootfs, 'dir'), '/tmp\n');
    assert.equal(pathOf(only?.config.env ?? []), '/x:/opt/bin:/bin');
  },
);

test('slipway build plans from the base config', { skip }, async () => {
  const context = tempDir('ctx-');
  fs.writeFileSync(path.join(context, 'Dockerfile'), dockerfile);
  const out = tempDir('out-');
  const run = await runCli(['build', '--progress=plain', '-o', out, context]);
  assert.equal(run.status, 0, run.stderr);
  const { baseImages } = await planWithImages(dockerfile);
  const imagePath = pathOf(Object.values(baseImages)[0]?.env ?? []);
  assert.equal(read(out, 'path'), `/x:${imagePath}\n`);
  assert.equal(read(out, 'count'), '1\n');
});
