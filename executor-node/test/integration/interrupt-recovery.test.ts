// SIGINT and SIGKILL sent to `slipway build` in the middle of a RUN, with
// crun and with runc: the step is never reused half-done, no mount or
// container outlives the next build, and that build gives the right files.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { mountsUnder } from '../../src/snapshot/overlay.ts';
import { repoRoot, runCli, skipBuilds } from './cli-helpers.ts';
import { processesWith, tempDir, testHome, until } from './harness.ts';

const skip = await skipBuilds();
const launcher = path.join(repoRoot, 'executor-node/bin/slipway.js');
const RUNTIMES = ['crun', 'runc'].filter((name) =>
  ['/usr/bin', '/usr/sbin'].some((dir) => fs.existsSync(path.join(dir, name))),
);

for (const runtime of RUNTIMES) {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    test(
      `${signal} during RUN sleep 3 with ${runtime}, then a rebuild`,
      { skip },
      async () => {
        const home = testHome();
        const context = tempDir('ctx-');
        const token = `interrupted-${randomBytes(4).toString('hex')}`;
        fs.writeFileSync(
          path.join(context, 'Dockerfile'),
          [
            'FROM busybox:1.36',
            `RUN echo ${token} && sleep 3 && echo finished > /done`,
            'RUN cat /done',
            '',
          ].join('\n'),
        );
        const env = { SLIPWAY_HOME: home, SLIPWAY_RUNTIME: runtime };

        const child = spawn(process.execPath, [launcher, 'build', context], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        const exited = new Promise<number | null>((resolve) =>
          child.on('close', (code) => resolve(code)),
        );
        await until(() => processesWith(token).length > 0, 'the RUN to start');
        child.kill(signal);
        const code = await exited;
        if (signal === 'SIGINT') {
          assert.equal(code, 130, stderr);
          // Ctrl+C stops the container and unmounts at once.
          await until(
            () => processesWith(token).length === 0,
            'the step to stop',
          );
          assert.deepEqual(mountsUnder(home), []);
          await until(
            () => containersOf(child.pid as number).length === 0,
            'the runtime to drop the container',
          );
        }
        assert.equal(pointerCount(home) > 0, true, 'the base image was kept');
        const keptBefore = pointerCount(home);
        if (signal === 'SIGKILL') {
          // Nothing could run in the killed process: its container runs on.
          assert.notDeepEqual(processesWith(token), []);
        }

        // Any next build in this home stops what the dead one left running.
        const other = tempDir('ctx-');
        fs.writeFileSync(
          path.join(other, 'Dockerfile'),
          'FROM busybox:1.36\nRUN true\n',
        );
        const quick = await runCli(['build', other], { env });
        assert.equal(quick.status, 0, quick.stderr);
        assert.deepEqual(processesWith(token), []);
        assert.deepEqual(containersOf(child.pid as number), []);
        assert.deepEqual(mountsUnder(home), []);
        assert.deepEqual(
          fs.readdirSync(path.join(home, 'snapshots', '.work')),
          [],
        );

        const out = path.join(tempDir('out-'), 'out');
        const again = await runCli(['build', '-o', out, context], { env });
        assert.equal(again.status, 0, again.stderr);
        assert.match(
          again.stderr,
          new RegExp(`RUN echo ${token}[^\\n]*\\n#\\d+ 0\\.\\d+ ${token}`),
        );
        assert.doesNotMatch(
          stepLines(again.stderr, token).join('\n'),
          /CACHED/,
          'the interrupted step ran again',
        );
        assert.equal(
          fs.readFileSync(path.join(out, 'done'), 'utf8'),
          'finished\n',
        );
        assert.ok(pointerCount(home) > keptBefore);

        assert.deepEqual(processesWith(token), []);
        assert.deepEqual(mountsUnder(home), []);
        assert.deepEqual(containersOf(child.pid as number), []);
        assert.deepEqual(
          fs.readdirSync(path.join(home, 'snapshots', '.work')),
          [],
        );
        const mounts = fs.readFileSync('/proc/mounts', 'utf8');
        assert.ok(!mounts.includes(home), 'no mount under the home');
      },
    );
  }
}

/** Lines of the progress block of the step that echoes `token`. */
function stepLines(stderr: string, token: string): string[] {
  const lines = stderr.split('\n');
  const header = lines.find((l) => l.includes(`RUN echo ${token}`));
  const id = header?.split(' ')[0];
  return id ? lines.filter((l) => l.startsWith(`${id} `)) : [];
}

/** Containers (in Slipway's state roots and the runtimes' own) owned by `pid`. */
function containersOf(pid: number): string[] {
  const found: string[] = [];
  for (const runtime of RUNTIMES) {
    for (const root of [`/run/slipway/${runtime}`, undefined]) {
      const args = [...(root ? ['--root', root] : []), 'list', '-q'];
      const listed = spawnSync(runtime, args, { encoding: 'utf8' });
      for (const id of (listed.stdout ?? '').split('\n')) {
        if (id.startsWith(`slipway-${pid}-`)) found.push(`${runtime} ${id}`);
      }
    }
  }
  return found;
}

function pointerCount(home: string): number {
  return fs
    .readdirSync(path.join(home, 'snapshots'))
    .filter((name) => /^[0-9a-f]{64}$/.test(name)).length;
}
