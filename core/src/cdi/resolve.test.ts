// BuildKit's device resolution (TestFindDevices over its three fixture specs)
// and the entitlement check of RUN --device requests.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { CdiSpecFile } from '../model/cdi.ts';
import { createCdiRegistry } from './registry.ts';
import {
  findDevices,
  rejectedSpecError,
  resolveDeviceRequest,
} from './resolve.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const fixturesDir = path.resolve(
  repoRoot,
  '../shared/corpus/buildkit-parser/cdidevices-fixtures',
);

const fixtures: CdiSpecFile[] = readdirSync(fixturesDir)
  .sort()
  .map((name) => ({
    path: `/etc/buildkit/cdi/${name}`,
    priority: 0,
    text: readFileSync(path.join(fixturesDir, name), 'utf8'),
  }));
const registry = createCdiRegistry(fixtures);

function spec(kind: string, body: string, extra = ''): string {
  return `cdiVersion: "0.6.0"\nkind: ${kind}\n${extra}devices:\n${body}`;
}

describe('TestFindDevices (BuildKit fixtures)', () => {
  const all = { all: true, names: [] };
  const cases: [string, string, string[] | 'error'][] = [
    [
      'Find specific device',
      'vendor1.com/device=foo',
      ['vendor1.com/device=foo'],
    ],
    [
      'Find first devices',
      'vendor1.com/devicemulti',
      ['vendor1.com/devicemulti=bar'],
    ],
    [
      'Find all devices of a kind',
      'vendor1.com/devicemulti=*',
      [
        'vendor1.com/devicemulti=foo',
        'vendor1.com/devicemulti=bar',
        'vendor1.com/devicemulti=baz',
        'vendor1.com/devicemulti=qux',
      ],
    ],
    [
      'Find devices by class',
      'class1',
      [
        'vendor1.com/deviceclass=foo',
        'vendor1.com/deviceclass=bar',
        'vendor1.com/devicemulti=baz',
      ],
    ],
    ['Device not found', 'vendor1.com/device=unknown', 'error'],
  ];
  for (const [title, request, expected] of cases) {
    it(`${title}: ${request}`, () => {
      assert.deepEqual(registry.diagnostics, []);
      const r = resolveDeviceRequest(
        registry,
        { name: request, required: true },
        all,
      );
      if (expected === 'error') {
        assert.equal(r.error, `required device "${request}" is not registered`);
        assert.deepEqual(r.devices, []);
        return;
      }
      assert.equal(r.error, undefined);
      assert.deepEqual([...r.devices].sort(), [...expected].sort());
    });
  }

  it('reads the unquoted autoallow annotation as true on every fixture device', () => {
    assert.equal(registry.devices.length, 9);
    assert.ok(registry.devices.every((d) => d.autoAllow));
  });

  it('merges spec and device annotations', () => {
    const foo = registry.devices.find(
      (d) => d.qualifiedName === 'vendor1.com/deviceclass=foo',
    )!;
    assert.equal(foo.annotations['foo.bar.baz'], 'FOO');
    assert.equal(
      foo.annotations['org.mobyproject.buildkit.device.class'],
      'class1',
    );
  });
});

describe('request resolution', () => {
  const files = (text: string, more: CdiSpecFile[] = []): CdiSpecFile[] => [
    { path: '/etc/cdi/a.yaml', priority: 0, text },
    ...more,
  ];
  const twoDevices = spec(
    'vendor1.com/device',
    '  - name: foo\n    containerEdits:\n      env: [FOO=1]\n' +
      '  - name: bar\n    containerEdits:\n      env: [BAR=1]\n',
    'containerEdits:\n  env: [SPEC=1]\n',
  );

  it('=all is only a device name, not a wildcard', () => {
    const reg = createCdiRegistry(files(twoDevices));
    assert.deepEqual(findDevices(reg, 'vendor1.com/device=all'), []);
    assert.equal(findDevices(reg, 'vendor1.com/device=*').length, 2);
  });

  it('an optional request that matches nothing warns and injects nothing', () => {
    const reg = createCdiRegistry(files(twoDevices));
    const r = resolveDeviceRequest(
      reg,
      { name: 'vendor2.com/x', required: false },
      { all: false, names: [] },
    );
    assert.equal(r.error, undefined);
    assert.equal(
      r.warning,
      'Optional device "vendor2.com/x" is not registered',
    );
    assert.deepEqual(r.devices, []);
    assert.deepEqual(r.edits, []);
  });

  it('spec-level edits come once, before each device edits', () => {
    const reg = createCdiRegistry(files(twoDevices));
    const r = resolveDeviceRequest(
      reg,
      { name: 'vendor1.com/device=*', required: true },
      { all: true, names: [] },
    );
    assert.deepEqual(r.devices, [
      'vendor1.com/device=bar',
      'vendor1.com/device=foo',
    ]);
    assert.deepEqual(r.edits, [
      { env: ['SPEC=1'] },
      { env: ['BAR=1'] },
      { env: ['FOO=1'] },
    ]);
  });

  it('--allow device=NAME grants that device only', () => {
    const reg = createCdiRegistry(files(twoDevices));
    const grant = { all: false, names: ['vendor1.com/device=foo'] };
    const ok = resolveDeviceRequest(
      reg,
      { name: 'vendor1.com/device=foo', required: false },
      grant,
    );
    assert.equal(ok.allowed, true);
    const refused = resolveDeviceRequest(
      reg,
      { name: 'vendor1.com/device=*', required: false },
      grant,
    );
    assert.equal(
      refused.error,
      'device vendor1.com/device=bar is requested by the build but not allowed',
    );
  });

  it('--allow device=KIND grants the kind as BuildKit resolves it (its first device)', () => {
    const reg = createCdiRegistry(files(twoDevices));
    const grant = { all: false, names: ['vendor1.com/device'] };
    const r = resolveDeviceRequest(
      reg,
      { name: 'vendor1.com/device=*', required: false },
      grant,
    );
    assert.equal(
      r.error,
      'device vendor1.com/device=foo is requested by the build but not allowed',
    );
  });

  it('lists every forbidden device in one message', () => {
    const reg = createCdiRegistry(files(twoDevices));
    const r = resolveDeviceRequest(
      reg,
      { name: 'vendor1.com/device=*', required: false },
      { all: false, names: [] },
    );
    assert.equal(
      r.error,
      'devices vendor1.com/device=bar, vendor1.com/device=foo are requested by the build but not allowed',
    );
  });

  it('a grant naming an unknown device fails like a required request', () => {
    const reg = createCdiRegistry(files(twoDevices));
    const grant = { all: false, names: ['vendor9.com/none=x'] };
    const r = resolveDeviceRequest(
      reg,
      { name: 'vendor1.com/device=foo', required: false },
      grant,
    );
    assert.equal(
      r.error,
      'required device "vendor9.com/none=x" is not registered',
    );
  });

  it('autoallow is read with ParseBool: "1" and "T" allow, quoted "yes" does not', () => {
    const allow = (value: string) =>
      createCdiRegistry(
        files(
          spec(
            'vendor1.com/device',
            '  - name: foo\n    containerEdits:\n      env: [FOO=1]\n',
            `annotations:\n  org.mobyproject.buildkit.device.autoallow: ${value}\n`,
          ),
        ),
      ).devices[0]!.autoAllow;
    assert.equal(allow('"1"'), true);
    assert.equal(allow('T'), true);
    assert.equal(allow('yes'), true);
    assert.equal(allow('"yes"'), false);
    assert.equal(allow('"on"'), false);
    assert.equal(allow('"false"'), false);
  });

  it('daemon autoAllowed accepts a kind or a qualified name', () => {
    const byKind = createCdiRegistry(files(twoDevices), {
      autoAllowed: ['vendor1.com/device'],
    });
    assert.ok(byKind.devices.every((d) => d.autoAllow));
    const byName = createCdiRegistry(files(twoDevices), {
      autoAllowed: ['vendor1.com/device=foo'],
    });
    assert.deepEqual(
      byName.devices.map((d) => d.autoAllow),
      [false, true],
    );
  });

  it('on-demand kinds: listed only while no spec defines the kind', () => {
    const reg = createCdiRegistry(files(twoDevices), {
      onDemand: ['nvidia.com/gpu', 'vendor1.com/device'],
    });
    assert.deepEqual(
      reg.devices.filter((d) => d.onDemand).map((d) => d.qualifiedName),
      ['nvidia.com/gpu'],
    );
    assert.deepEqual(findDevices(reg, 'nvidia.com/gpu'), []);
  });

  it('on-demand with --allow device: installed before the step, then resolved', () => {
    const reg = createCdiRegistry([], { onDemand: ['nvidia.com/gpu'] });
    const r = resolveDeviceRequest(
      reg,
      { name: 'nvidia.com/gpu=all', required: true },
      { all: true, names: [] },
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(r.devices, ['nvidia.com/gpu=all']);
    assert.match(r.reason, /on-demand/);
  });

  it('on-demand without --allow: an optional request passes, a required one fails', () => {
    const reg = createCdiRegistry([], { onDemand: ['nvidia.com/gpu'] });
    const none = { all: false, names: [] };
    const optional = resolveDeviceRequest(
      reg,
      { name: 'nvidia.com/gpu', required: false },
      none,
    );
    assert.equal(optional.allowed, true);
    assert.deepEqual(optional.devices, ['nvidia.com/gpu']);
    const required = resolveDeviceRequest(
      reg,
      { name: 'nvidia.com/gpu', required: true },
      none,
    );
    assert.equal(
      required.error,
      'required device "nvidia.com/gpu" is not registered',
    );
  });

  it('--allow device=NAME,alias=ALIAS lets a request for ALIAS use NAME', () => {
    const reg = createCdiRegistry(files(twoDevices));
    const grant = {
      all: false,
      names: [],
      aliases: { gpu: 'vendor1.com/device=foo' },
    };
    const r = resolveDeviceRequest(reg, { name: 'gpu', required: true }, grant);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.devices, ['vendor1.com/device=foo']);
    assert.deepEqual(r.edits, [{ env: ['SPEC=1'] }, { env: ['FOO=1'] }]);
  });
});

describe('rejectedSpecError', () => {
  const broken: CdiSpecFile = {
    path: '/cdi/broken.yaml',
    priority: 0,
    text: 'cdiVersion: "0.6.0"\nkind: vendor.com/gpu\ndevices:\n  - name: other\n    containerEdits:\n      env: [ "BAD" ]\n',
  };
  const vendor: CdiSpecFile = {
    path: '/cdi/vendor.yaml',
    priority: 0,
    text: 'cdiVersion: "0.6.0"\nkind: vendor.com/gpu\ndevices:\n  - name: gpu0\n    containerEdits:\n      env: [ "GPU0" ]\n',
  };

  it('blames the rejected spec that defines the requested device', () => {
    const reg = createCdiRegistry([broken, vendor]);
    assert.equal(
      rejectedSpecError(reg, 'vendor.com/gpu=gpu0'),
      'device "vendor.com/gpu=gpu0" is not registered: its spec /cdi/vendor.yaml was rejected: invalid CDI Spec: failed add device "gpu0": invalid device "gpu0": invalid container edits: invalid environment variable "GPU0"',
    );
  });

  it('falls back to the first rejected spec of the kind', () => {
    const reg = createCdiRegistry([broken, vendor]);
    assert.match(
      rejectedSpecError(reg, 'vendor.com/gpu=gpu9') ?? '',
      /its spec \/cdi\/broken\.yaml was rejected/,
    );
    assert.match(
      rejectedSpecError(reg, 'vendor.com/gpu') ?? '',
      /its spec \/cdi\/broken\.yaml was rejected/,
    );
  });
});
