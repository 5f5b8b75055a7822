// The default runtime config: rlimits never above what this process may grant.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  clampRlimits,
  createDefaultSpec,
  deviceMajor,
  deviceMinor,
  hostDeviceLookup,
} from './oci-spec.ts';

test('rlimits are lowered to the hard limit of this process', () => {
  const limits = new Map([['Max open files', 20000]]);
  assert.deepEqual(
    clampRlimits(
      [{ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }],
      limits,
    ),
    [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }],
  );
  assert.deepEqual(
    clampRlimits([{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }], limits),
    [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }],
  );
});

test('the default spec has no terminal and denies devices by default', () => {
  const spec = createDefaultSpec('/rootfs');
  assert.equal(spec.process?.terminal, false);
  assert.equal(spec.root?.path, '/rootfs');
  assert.deepEqual(spec.linux?.resources?.devices?.[0], {
    allow: false,
    access: 'rwm',
  });
  assert.ok(spec.linux?.namespaces?.some((n) => n.type === 'network'));
});

test('device numbers decode from dev_t', () => {
  assert.equal(deviceMajor(0x103), 1);
  assert.equal(deviceMinor(0x103), 3);
  const big = 0x1000_0000_0000 + 0x2305;
  assert.equal(deviceMajor(big), 0x1023);
  assert.equal(deviceMinor(big), 5);
  assert.deepEqual(
    {
      ...hostDeviceLookup('/dev/null'),
      fileMode: undefined,
      uid: undefined,
      gid: undefined,
    },
    {
      type: 'c',
      major: 1,
      minor: 3,
      fileMode: undefined,
      uid: undefined,
      gid: undefined,
    },
  );
  assert.equal(hostDeviceLookup('/etc/hostname'), undefined);
});
