// CDI edits applied to a real container, 32-bit x86 through the LINUX32
// personality, and arm64 through QEMU (or the clear error when it is missing).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { storeHas } from '../../src/build.ts';
import { emulationProblem } from '../../src/runtime/emulation.ts';
import { OciRuntime } from '../../src/runtime/oci-runtime.ts';
import { build, read, skipReason } from './harness.ts';

const skip = skipReason();

const VENDOR_SPEC = [
  'cdiVersion: "0.6.0"',
  'kind: "vendor1.com/device"',
  'devices:',
  '  - name: foo',
  '    containerEdits:',
  '      env:',
  '        - FOO=injected',
  '',
].join('\n');

const DEVICE_RUN = [
  '# syntax=docker/dockerfile:1-labs',
  'FROM busybox:1.36',
  'RUN --device=vendor1.com/device \\',
  '  env | grep ^FOO=',
  '',
].join('\n');

test(
  'RUN --device with --allow device sees FOO=injected',
  { skip },
  async () => {
    const { plan, result, log } = await build(DEVICE_RUN, {
      allow: ['device'],
      cdiSpecs: [
        { path: '/etc/cdi/vendor1.yaml', priority: 0, text: VENDOR_SPEC },
      ],
    });
    const run = Object.values(plan.vertices).find((v) => v.kind === 'run');
    assert.ok(run?.kind === 'run');
    assert.deepEqual(run.devices[0]?.devices, ['vendor1.com/device=foo']);

    assert.equal(result.error, undefined);
    assert.match(log.output(), /^FOO=injected$/m);
    assert.ok(result.results[0]?.runEnv?.includes('FOO=injected'));
  },
);

test('a device node from a CDI spec is usable in RUN', { skip }, async () => {
  const spec = [
    'cdiVersion: "0.6.0"',
    'kind: "vendor1.com/device"',
    'devices:',
    '  - name: sink',
    '    containerEdits:',
    '      deviceNodes:',
    '        - path: /dev/vendor-null',
    '          hostPath: /dev/null',
    '',
  ].join('\n');
  const { result } = await build(
    [
      '# syntax=docker/dockerfile:1-labs',
      'FROM busybox:1.36',
      'RUN --device=vendor1.com/device=sink \\',
      '  echo ok > /dev/vendor-null && stat -c "%t:%T" /dev/vendor-null > /node',
      '',
    ].join('\n'),
    {
      allow: ['device'],
      cdiSpecs: [{ path: '/etc/cdi/vendor1.yaml', priority: 0, text: spec }],
    },
  );
  assert.equal(result.error, undefined);
  assert.equal(read(result.results[0]?.rootfs, 'node'), '1:3\n');
});

const runtime = (() => {
  try {
    return OciRuntime.detect();
  } catch {
    return undefined;
  }
})();

const UNAME = 'FROM busybox:1.36\nRUN uname -m > /arch\n';

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
    const { result } = await build(UNAME, { platforms: ['linux/386'] });
    assert.equal(result.error, undefined);
    assert.equal(read(result.results[0]?.rootfs, 'arch'), 'i686\n');
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
    const { result } = await build(UNAME, { platforms: ['linux/arm64'] });
    const problem = emulationProblem('linux/arm64');
    if (problem) {
      assert.match(problem, /^cannot run linux\/arm64 steps on this host: /);
      assert.equal(result.error, `failed to solve: ${problem}`);
      return;
    }
    assert.equal(result.error, undefined);
    assert.equal(read(result.results[0]?.rootfs, 'arch'), 'aarch64\n');
  },
);
