// Ctrl+C in the middle of a RUN: the build stops and takes its container
// with it, instead of leaving the step running in the background, and the
// step ends as CANCELED with buildx's error line.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { repoRoot, skipBuilds } from './cli-helpers.ts';
import { processesWith, until } from './harness.ts';

const skip = await skipBuilds();

test('Ctrl+C during RUN sleep stops the container', { skip }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-interrupt-'));
  const token = `interrupt-${randomBytes(4).toString('hex')}`;
  await writeFile(
    path.join(dir, 'Dockerfile'),
    `FROM busybox:1.36\nRUN echo ${token} && sleep 30 && echo ${token}\n`,
  );

  // Its own process group, so the signal reaches it the way a terminal's
  // Ctrl+C reaches a foreground job: every process in the group.
  const launcher = path.join(repoRoot, 'executor-node/bin/slipway.js');
  const child = spawn(
    process.execPath,
    [launcher, 'build', '--progress=plain', '--no-cache', dir],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('close', resolve));

  try {
    await until(() => processesWith(token).length > 0, 'the RUN to start');
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exited, 130, `exit status after Ctrl+C\n${stderr}`);
    await until(
      () => processesWith(token).length === 0,
      `the step to stop\n${stderr}`,
    );
    assert.match(stderr, /^#4 \[2\/2\] RUN echo /m);
    assert.match(stderr, /^#4 CANCELED$/m);
    assert.match(
      stderr,
      /\nERROR: failed to solve: Canceled: context canceled\n$/,
    );
    assert.doesNotMatch(stderr, /did not complete successfully/);
  } finally {
    for (const pid of processesWith(token)) process.kill(pid, 'SIGKILL');
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
