// `RUN --security=insecure` with real builds: with the entitlement the step
// holds every capability this process has and sees /proc unmasked; without
// it the build fails before anything runs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { runCli, skipBuilds } from './cli-helpers.ts';
import { tempDir, testHome } from './harness.ts';

const skip = await skipBuilds();

const DOCKERFILE = [
  'FROM busybox:1.36',
  'RUN --security=insecure grep CapEff /proc/self/status && grep -c " /proc/" /proc/self/mounts || true',
  'RUN grep CapEff /proc/self/status && grep -c " /proc/" /proc/self/mounts',
  '',
].join('\n');

// Docker's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID
// SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP.
const DEFAULT_CAPS = '00000000a80425fb';

function ownCapEff(): string {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '';
}

test(
  '--allow security.insecure gives the step every capability',
  { skip },
  async () => {
    const dir = tempDir('ctx-');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    const env = { SLIPWAY_HOME: testHome() };
    const run = await runCli(
      ['build', '--progress=plain', '--allow', 'security.insecure', dir],
      { env },
    );
    assert.equal(run.status, 0, run.stderr);
    const caps = [...run.stderr.matchAll(/CapEff:\s*([0-9a-f]+)/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(caps, [ownCapEff(), DEFAULT_CAPS]);
    assert.notEqual(ownCapEff(), DEFAULT_CAPS);
    // The sandbox masks /proc paths with mounts; the insecure step has none.
    const procMounts = [...run.stderr.matchAll(/#\d+ [\d.]+ (\d+)$/gm)];
    assert.deepEqual(
      procMounts.map((m) => m[1] === '0'),
      [true, false],
    );
  },
);

test('without --allow the build fails with the entitlement error', async () => {
  const dir = tempDir('ctx-');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  const env = { SLIPWAY_HOME: testHome() };
  const run = await runCli(['build', '--progress=plain', dir], { env });
  assert.equal(run.status, 1, run.stderr);
  assert.match(
    run.stderr,
    /ERROR: failed to solve: .*security\.insecure is not allowed/,
  );
  assert.doesNotMatch(run.stderr, /CapEff:\s/);
});
