// Real builds with crun over busybox from the built-in store: RUN writes
// files, failures read as BuildKit's, steps are cached, CDI env reaches RUN.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { runBuild } from '../../src/build.ts';
import { slipwayPaths } from '../../src/paths.ts';
import { eventLog, handPlan, skipReason, tempDir } from './hand-plans.ts';

const skip = skipReason();

/** Returns a fresh Slipway home that reads the real image store. */
function testHome(): string {
  const home = tempDir('slipway-home-');
  fs.symlinkSync(slipwayPaths().images, path.join(home, 'images'));
  return home;
}

test(
  'RUN echo hi > /hello writes the file into the result',
  { skip },
  async () => {
    const home = testHome();
    const plan = handPlan([
      {
        from: 'busybox:1.36',
        steps: [{ kind: 'run', script: 'echo hi > /hello' }],
      },
    ]);
    const log = eventLog();
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: log.onEvent,
      home,
    });

    assert.equal(result.error, undefined);
    assert.equal(result.ok, true);
    const [only] = result.results;
    assert.ok(only);
    assert.equal(
      fs.readFileSync(path.join(only.rootfs, 'hello'), 'utf8'),
      'hi\n',
    );
    assert.ok(only.config.env.some((e) => e.startsWith('PATH=')));
    assert.ok(log.events.some((e) => e.kind === 'vertex-done'));
  },
);

test('RUN exit 3 fails with BuildKit text', { skip }, async () => {
  const home = testHome();
  const plan = handPlan([
    {
      from: 'busybox:1.36',
      steps: [{ kind: 'run', script: 'echo before; exit 3' }],
    },
  ]);
  const log = eventLog();
  const result = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: log.onEvent,
    home,
  });

  assert.equal(result.ok, false);
  assert.equal(
    result.error,
    'failed to solve: process "/bin/sh -c echo before; exit 3" did not complete successfully: exit code: 3',
  );
  assert.match(log.output(), /before/);
  const error = log.events.find((e) => e.kind === 'vertex-error');
  assert.ok(error && error.kind === 'vertex-error');
  assert.match(error.error, /^process "/);
});

test('a second build of the same plan is all cached', { skip }, async () => {
  const home = testHome();
  const plan = handPlan([
    {
      from: 'busybox:1.36',
      steps: [
        { kind: 'workdir', path: '/work' },
        { kind: 'run', script: 'cat /proc/sys/kernel/random/uuid > stamp' },
      ],
    },
  ]);
  const first = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: () => {},
    home,
  });
  const log = eventLog();
  const second = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: log.onEvent,
    home,
  });

  assert.equal(second.ok, true);
  const stamp = (r: typeof first) =>
    fs.readFileSync(
      path.join(r.results[0]?.rootfs ?? '', 'work/stamp'),
      'utf8',
    );
  const firstStamp = stamp(first);
  assert.equal(stamp(second), firstStamp);
  assert.equal(log.events.filter((e) => e.kind === 'vertex-cached').length, 3);
  assert.equal(
    log.events.filter(
      (e) => e.kind === 'vertex-start' && !e.vertex.startsWith('metadata:'),
    ).length,
    0,
  );

  const rebuilt = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: () => {},
    home,
    noCache: true,
  });
  assert.notEqual(stamp(rebuilt), firstStamp);
});

test(
  'RUN sees the env, user and working directory it is given',
  { skip },
  async () => {
    const home = testHome();
    const plan = handPlan(
      [
        {
          from: 'busybox:1.36',
          steps: [
            {
              kind: 'run',
              script: 'echo "$GREETING $(id -u):$(id -g) $(pwd)" > /tmp/out',
              extra: { cwd: '/srv/app', user: 'nobody' },
            },
          ],
        },
      ],
      { env: ['GREETING=hello'] },
    );
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: () => {},
      home,
    });
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    assert.equal(
      fs.readFileSync(path.join(rootfs, 'tmp/out'), 'utf8'),
      'hello 65534:65534 /srv/app\n',
    );
    assert.ok(result.results[0]?.runEnv?.includes('GREETING=hello'));
    assert.ok(!fs.existsSync(path.join(rootfs, 'etc/resolv.conf')));
  },
);
