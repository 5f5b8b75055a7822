// CDI edits applied to a real container, 32-bit x86 through the LINUX32
// personality, and arm64 through QEMU (or the clear error when it is missing).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  createCdiRegistry,
  resolveDeviceRequest,
} from '../../../core/src/index.ts';
import { runBuild } from '../../src/build.ts';
import { slipwayPaths } from '../../src/paths.ts';
import { emulationProblem } from '../../src/runtime/emulation.ts';
import { OciRuntime } from '../../src/runtime/oci-runtime.ts';
import { storeHas } from '../../src/build.ts';
import { eventLog, handPlan, skipReason, tempDir } from './hand-plans.ts';

const skip = skipReason();

function testHome(): string {
  const home = tempDir('slipway-home-');
  fs.symlinkSync(slipwayPaths().images, path.join(home, 'images'));
  return home;
}

test('RUN --device with a CDI spec sees FOO=injected', { skip }, async () => {
  const specDir = tempDir('cdi-');
  const specPath = path.join(specDir, 'vendor1.yaml');
  fs.writeFileSync(
    specPath,
    [
      'cdiVersion: "0.6.0"',
      'kind: "vendor1.com/device"',
      'devices:',
      '  - name: foo',
      '    containerEdits:',
      '      env:',
      '        - FOO=injected',
      '',
    ].join('\n'),
  );
  const registry = createCdiRegistry([
    { path: specPath, priority: 0, text: fs.readFileSync(specPath, 'utf8') },
  ]);
  const resolution = resolveDeviceRequest(
    registry,
    { name: 'vendor1.com/device', required: true },
    { all: true, names: [] },
  );
  assert.deepEqual(resolution.devices, ['vendor1.com/device=foo']);

  const plan = handPlan([
    {
      from: 'busybox:1.36',
      steps: [
        {
          kind: 'run',
          script: 'env | grep ^FOO=',
          extra: { devices: [resolution] },
        },
      ],
    },
  ]);
  const log = eventLog();
  const result = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: log.onEvent,
    home: testHome(),
  });
  assert.equal(result.error, undefined);
  assert.match(log.output(), /^FOO=injected$/m);
  assert.ok(result.results[0]?.runEnv?.includes('FOO=injected'));
});

const runtime = (() => {
  try {
    return OciRuntime.detect();
  } catch {
    return undefined;
  }
})();

test(
  'linux/386 reports i686 through the LINUX32 personality',
  {
    skip:
      skip ??
      (runtime?.choice.name !== 'crun'
        ? 'needs crun (runc ignores linux.personality)'
        : undefined) ??
      (storeHas('busybox:1.36', 'linux/386')
        ? undefined
        : 'no linux/386 busybox in the store'),
  },
  async () => {
    const plan = handPlan(
      [
        {
          from: 'busybox:1.36',
          steps: [{ kind: 'run', script: 'uname -m > /arch' }],
        },
      ],
      { platforms: ['linux/386'] },
    );
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: () => {},
      home: testHome(),
    });
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    assert.equal(fs.readFileSync(path.join(rootfs, 'arch'), 'utf8'), 'i686\n');
  },
);

test(
  'linux/arm64 runs under QEMU, or fails naming the platform',
  {
    skip:
      skip ??
      (storeHas('busybox:1.36', 'linux/arm64')
        ? undefined
        : 'no linux/arm64 busybox in the store'),
  },
  async () => {
    const plan = handPlan(
      [
        {
          from: 'busybox:1.36',
          steps: [{ kind: 'run', script: 'uname -m > /arch' }],
        },
      ],
      { platforms: ['linux/arm64'] },
    );
    const result = await runBuild(plan, {
      contextDir: tempDir('ctx-'),
      onEvent: () => {},
      home: testHome(),
    });
    const problem = emulationProblem('linux/arm64');
    if (problem) {
      assert.equal(result.ok, false);
      assert.equal(result.error, `failed to solve: ${problem}`);
      assert.match(problem, /^cannot run linux\/arm64 steps on this host: /);
      return;
    }
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    assert.equal(
      fs.readFileSync(path.join(rootfs, 'arch'), 'utf8'),
      'aarch64\n',
    );
  },
);
