// RUN steps start through slipway-launch where scripts/build-cli.mjs compiled
// it, else through unshare and a shell: both give a step the same root.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { skipReason } from './harness.ts';

const skip = skipReason();

const hasCompiler =
  spawnSync('cc', ['--version'], { stdio: 'ignore' }).status === 0;

for (const launcher of ['slipway-launch', 'sh']) {
  const skipThis =
    skip || (launcher === 'slipway-launch' && !hasCompiler && 'no cc');
  test(`a step started by ${launcher}`, { skip: skipThis }, () => {
    // Each launcher in a process of its own: the choice is made once.
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'launcher-child.ts')],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          SLIPWAY_LAUNCHER: launcher === 'sh' ? 'sh' : '',
        },
      },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, `${launcher}: 65534 /srv /scratch\n`);
  });
}
