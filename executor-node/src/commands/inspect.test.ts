// Tests for the builder text of `slipway inspect`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createCdiRegistry } from '../../../core/src/index.ts';
import type { BuilderInfo } from './inspect.ts';
import { formatBuilderInfo } from './inspect.ts';

const SPEC = `cdiVersion: "0.6.0"
kind: vendor1.com/device
annotations:
  org.mobyproject.buildkit.device.class: class1
devices:
  - name: foo
    containerEdits:
      env: [FOO=injected]
`;

function builder(onDemand: string[] = []): BuilderInfo {
  const registry = createCdiRegistry(
    [{ path: '/etc/cdi/foo.yaml', priority: 0, text: SPEC }],
    { onDemand },
  );
  return {
    name: 'slipway',
    driver: 'oci-runtime',
    node: {
      name: 'slipway0',
      endpoint: 'crun /usr/bin/crun',
      status: 'running',
      platforms: ['linux/amd64', 'linux/arm64'],
      devices: registry.devices,
    },
  };
}

test('prints the node and a Devices block as buildx does', () => {
  assert.equal(
    formatBuilderInfo(builder()),
    [
      'Name:   slipway',
      'Driver: oci-runtime',
      '',
      'Nodes:',
      'Name:      slipway0',
      'Endpoint:  crun /usr/bin/crun',
      'Status:    running',
      'Platforms: linux/amd64, linux/arm64',
      'Devices:',
      ' Name:                  vendor1.com/device=foo',
      ' Automatically allowed: false',
      ' Annotations:',
      '  org.mobyproject.buildkit.device.class: class1',
      '',
    ].join('\n'),
  );
});

test('shows an on-demand kind with On-Demand instead of the allow line', () => {
  const text = formatBuilderInfo(builder(['nvidia.com/gpu']));
  assert.match(text, / Name:\s+nvidia\.com\/gpu\n On-Demand:\s+true\n/);
  assert.doesNotMatch(text, /nvidia\.com\/gpu\n Automatically allowed/);
});

test('prints Error instead of Status when no runtime exists', () => {
  const info = builder();
  delete info.node.status;
  info.node.error = 'no OCI runtime found: install crun or runc';
  assert.match(
    formatBuilderInfo(info),
    /\nError:\s+no OCI runtime found: install crun or runc\n/,
  );
});
