// Resolving all RUN --device requests of a step together: one entitlement
// check, duplicates dropped, spec-level edits once per spec.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { CdiSpecFile } from '../model/cdi.ts';
import { applyCdiEdits } from './apply-edits.ts';
import { createCdiRegistry } from './registry.ts';
import { resolveStepDevices } from './step-devices.ts';

const files: CdiSpecFile[] = [
  {
    path: '/etc/cdi/v.yaml',
    priority: 0,
    text: `cdiVersion: 0.3.0
kind: vendor1.com/device
containerEdits:
  env: [SPEC=1]
  hooks:
    - hookName: createContainer
      path: /bin/hook
devices:
  - name: foo
    containerEdits:
      env: [FOO=1]
  - name: bar
    containerEdits:
      env: [BAR=1]
`,
  },
];
const registry = createCdiRegistry(files);
const none = { all: false, names: [] };
const all = { all: true, names: [] };

describe('resolveStepDevices', () => {
  it('checks every device of the step at once', () => {
    const r = resolveStepDevices(
      registry,
      [
        { name: 'vendor1.com/device=foo', required: false },
        { name: 'vendor1.com/device=bar', required: false },
      ],
      none,
    );
    assert.equal(
      r.error,
      'devices vendor1.com/device=foo, vendor1.com/device=bar are requested by the build but not allowed',
    );
    assert.deepEqual(
      r.requests.map((q) => q.edits),
      [[], []],
    );
  });

  it('drops duplicates and applies the spec edits once', () => {
    const r = resolveStepDevices(
      registry,
      [
        { name: 'vendor1.com/device=foo', required: true },
        { name: 'vendor1.com/device=*', required: false },
      ],
      all,
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(r.devices, [
      'vendor1.com/device=foo',
      'vendor1.com/device=bar',
    ]);
    assert.deepEqual(
      r.requests.flatMap((q) => q.edits),
      r.edits,
    );
    assert.deepEqual(r.requests[1]!.edits, [{ env: ['BAR=1'] }]);
    const applied = applyCdiEdits({}, r.edits);
    assert.deepEqual(applied.spec.process?.env, ['SPEC=1', 'FOO=1', 'BAR=1']);
    assert.equal(applied.spec.hooks?.createContainer?.length, 1);
  });

  it('fails on the first required device that is missing, warns for optional ones', () => {
    const r = resolveStepDevices(
      registry,
      [
        { name: 'vendor9.com/x', required: false },
        { name: 'vendor9.com/y', required: true },
        { name: 'vendor9.com/z', required: true },
      ],
      all,
    );
    assert.equal(r.error, 'required device "vendor9.com/y" is not registered');
    assert.deepEqual(r.warnings, [
      'Optional device "vendor9.com/x" is not registered',
    ]);
  });

  it('an aliased request uses the real device without a grant check', () => {
    const r = resolveStepDevices(registry, [{ name: 'gpu', required: true }], {
      all: false,
      names: [],
      aliases: { gpu: 'vendor1.com/device=bar' },
    });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.devices, ['vendor1.com/device=bar']);
  });

  it('installable kinds are reported, not resolved, before they exist', () => {
    const reg = createCdiRegistry(files, { onDemand: ['nvidia.com/gpu'] });
    const withAll = resolveStepDevices(
      reg,
      [{ name: 'nvidia.com/gpu=all', required: true }],
      all,
    );
    assert.equal(withAll.error, undefined);
    assert.deepEqual(withAll.onDemand, ['nvidia.com/gpu']);
    assert.deepEqual(withAll.devices, []);
    const without = resolveStepDevices(
      reg,
      [{ name: 'nvidia.com/gpu', required: true }],
      none,
    );
    assert.equal(
      without.error,
      'required device "nvidia.com/gpu" is not registered',
    );
  });

  it('no requests, nothing to do', () => {
    const r = resolveStepDevices(registry, [], none);
    assert.deepEqual([r.devices, r.edits, r.error], [[], [], undefined]);
  });
});
