// Tests for buildNvidiaSpec and formatCdiSpec against the specs nvidia-ctk's
// own tests expect (shared/corpus/cdi/nvidia), from the same host facts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { NvidiaHostFacts } from './nvidia.ts';
import { buildNvidiaSpec, soLinkName } from './nvidia.ts';
import { parseCdiSpec } from './parse-spec.ts';
import { formatCdiSpec } from './write-spec.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const corpus = path.resolve(repoRoot, '../shared/corpus/cdi/nvidia');
const golden = (name: string) =>
  readFileSync(path.join(corpus, `nvidia-ctk-generate-${name}.yaml`), 'utf8');

const ROOT = '/driver-root';
const LIB = '/lib/x86_64-linux-gnu';
const node = (p: string) => ({ path: p, hostPath: ROOT + p });

// What nvidia-ctk's test finds in its rootfs-1 with one mocked GPU.
const facts: NvidiaHostFacts = {
  driverVersion: '999.88.77',
  libcudaDirs: [LIB],
  libraries: [
    {
      path: `${LIB}/libcuda.so.999.88.77`,
      hostPath: `${ROOT}${LIB}/libcuda.so.999.88.77`,
    },
    {
      path: `${LIB}/vdpau/libvdpau_nvidia.so.999.88.77`,
      hostPath: `${ROOT}${LIB}/vdpau/libvdpau_nvidia.so.999.88.77`,
    },
  ],
  ipcSockets: [],
  firmware: [],
  binaries: [],
  controlNodes: [node('/dev/nvidiactl')],
  managementNodes: [
    node('/dev/nvidia0'),
    node('/dev/nvidiactl'),
    node('/dev/nvidia-caps/nvidia-cap1'),
    node('/dev/nvidia-caps-imex-channels/channel0'),
    node('/dev/nvidia-caps-imex-channels/channel1'),
    node('/dev/nvidia-caps-imex-channels/channel2047'),
  ],
  gpus: [{ index: 0, nodes: [node('/dev/nvidia0')] }],
};
const base = {
  vendor: 'example.com',
  class: 'device',
  deviceNameStrategies: ['index'],
};

function generate(options: Parameters<typeof buildNvidiaSpec>[1]): string {
  const result = buildNvidiaSpec(facts, options);
  assert.deepEqual(result.diagnostics, []);
  return formatCdiSpec(result.spec!, 'yaml');
}

describe('buildNvidiaSpec', () => {
  it('writes the default spec byte for byte', () => {
    assert.equal(generate(base), golden('default'));
  });

  it('drops every hook when all are disabled', () => {
    const text = generate({ ...base, disabledHooks: ['all'] });
    assert.equal(text, golden('all-hooks-disabled'));
  });

  it('writes the management spec with the chmod hook enabled', () => {
    const text = generate({
      ...base,
      mode: 'management',
      enabledHooks: ['chmod'],
      disabledHooks: [
        'enable-cuda-compat',
        'update-ldcache',
        'disable-device-node-modification',
      ],
    });
    assert.equal(text, golden('management-chmod'));
  });

  it('writes a spec the loader accepts at the version it declares', () => {
    const parsed = parseCdiSpec(generate(base), 'nvidia.yaml');
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal(parsed.spec?.cdiVersion, '0.5.0');
  });

  it('names each GPU by index and UUID and merges them into all', () => {
    const two: NvidiaHostFacts = {
      ...facts,
      gpus: [
        { index: 1, uuid: 'GPU-b', nodes: [node('/dev/nvidia1')] },
        { index: 0, uuid: 'GPU-a', nodes: [node('/dev/nvidia0')] },
      ],
    };
    const spec = buildNvidiaSpec(two, { vendor: 'example.com' }).spec!;
    assert.deepEqual(
      spec.devices.map((d) => d.name),
      ['0', '1', 'GPU-a', 'GPU-b', 'all'],
    );
    const all = spec.devices.find((d) => d.name === 'all')!;
    assert.deepEqual(
      all.containerEdits.deviceNodes?.map((n) => n.path),
      ['/dev/nvidia0', '/dev/nvidia1'],
    );
  });

  it('keeps host numbers and adds the group of a group-only node', () => {
    const withNumbers: NvidiaHostFacts = {
      ...facts,
      gpus: [
        {
          index: 0,
          nodes: [
            {
              path: '/dev/nvidia0',
              hostPath: '/dev/nvidia0',
              major: 195,
              minor: 0,
              fileMode: 0o660,
              gid: 44,
            },
          ],
        },
      ],
    };
    const spec = buildNvidiaSpec(withNumbers, base).spec!;
    const dev0 = spec.devices.find((d) => d.name === '0')!.containerEdits;
    assert.deepEqual(dev0.deviceNodes, [
      {
        path: '/dev/nvidia0',
        major: 195,
        fileMode: 0o660,
        permissions: 'rwm',
        gid: 44,
      },
    ]);
    assert.deepEqual(dev0.additionalGids, [44]);
  });

  it('adds SONAME and .so links that exist beside a library', () => {
    const lib = {
      path: `${LIB}/libnvidia-ml.so.999.88.77`,
      hostPath: `${LIB}/libnvidia-ml.so.999.88.77`,
      soname: 'libnvidia-ml.so.1',
      hostSymlinks: ['libnvidia-ml.so.1', 'libnvidia-ml.so'],
    };
    const spec = buildNvidiaSpec(
      { ...facts, libraries: [...facts.libraries, lib] },
      base,
    ).spec!;
    const links = spec.containerEdits!.hooks![0]!.args!;
    assert.deepEqual(links.slice(2), [
      '--link',
      `libcuda.so.1::${LIB}/libcuda.so`,
      '--link',
      `libnvidia-ml.so.999.88.77::${LIB}/libnvidia-ml.so.1`,
      '--link',
      `libnvidia-ml.so.1::${LIB}/libnvidia-ml.so`,
    ]);
  });

  it('rejects a bad vendor and an unknown naming strategy', () => {
    assert.match(
      buildNvidiaSpec(facts, { vendor: 'nvidia.com-' }).diagnostics[0]!.message,
      /^invalid CDI vendor name: invalid vendor\./,
    );
    assert.match(
      buildNvidiaSpec(facts, { deviceNameStrategies: ['serial'] })
        .diagnostics[0]!.message,
      /invalid device name strategy: serial/,
    );
  });

  it('finds the .so link name of a library', () => {
    assert.equal(soLinkName('libcuda.so.1'), 'libcuda.so');
    assert.equal(soLinkName('libcuda.so.999.88.77'), 'libcuda.so');
    assert.equal(soLinkName('libcuda.so'), 'libcuda.so');
    assert.equal(soLinkName('firmware.bin'), '');
  });
});

describe('formatCdiSpec', () => {
  it('writes compact JSON in field order', () => {
    const spec = buildNvidiaSpec(facts, {
      ...base,
      disabledHooks: ['all'],
    }).spec!;
    const json = formatCdiSpec(spec, 'json');
    assert.match(
      json,
      /^\{"cdiVersion":"0\.5\.0","kind":"example\.com\/device","devices":\[\{"name":"0",/,
    );
    assert.deepEqual(JSON.parse(json).containerEdits.env, [
      `NVIDIA_CTK_LIBCUDA_DIR=${LIB}`,
      'NVIDIA_VISIBLE_DEVICES=void',
    ]);
  });

  it('quotes strings that would read as other types', () => {
    const text = formatCdiSpec(
      {
        cdiVersion: '0.6.0',
        kind: 'a.com/b',
        annotations: { x: 'yes', y: 'true', z: '010', w: '-x', v: 'a: b' },
        devices: [{ name: '0', containerEdits: { env: ['A=1'] } }],
      },
      'yaml',
    );
    assert.match(
      text,
      /\n    v: 'a: b'\n    w: -x\n    x: "yes"\n    "y": "true"\n    z: "010"\n/,
    );
    assert.deepEqual(parseCdiSpec(text, 'q.yaml').spec?.annotations, {
      v: 'a: b',
      w: '-x',
      x: 'yes',
      y: 'true',
      z: '010',
    });
  });
});
