// Builds fake NVIDIA driver roots (files, symlinks, real char devices made
// with mknod) and checks discovery plus core's assembly against the specs
// nvidia-ctk's own tests expect (shared/corpus/cdi/nvidia).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { CdiSpec, NvidiaSpecOptions } from '../../../core/src/index.ts';
import { buildNvidiaSpec, formatCdiSpec } from '../../../core/src/index.ts';
import { discoverNvidia } from './discover-nvidia.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const corpus = path.resolve(repoRoot, '../shared/corpus/cdi/nvidia');
const LIB = '/lib/x86_64-linux-gnu';
const isRoot = process.getuid?.() === 0;
const skip =
  !isRoot && process.env.CI !== 'true'
    ? 'needs root for mknod (run the tests as root)'
    : false;

let temp = '';
before(() => {
  temp = mkdtempSync(path.join(tmpdir(), 'slipway-nvidia-'));
});
after(() => {
  rmSync(temp, { recursive: true, force: true });
});

function mknod(file: string, major: number, minor: number, mode = '666') {
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('mknod', ['-m', mode, file, 'c', String(major), String(minor)]);
}

function touch(file: string, text = '') {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

// The layout of nvidia-ctk's testdata/lookup/rootfs-1.
function makeRootfs1(): string {
  const root = path.join(temp, 'rootfs-1');
  mknod(`${root}/dev/nvidia0`, 195, 0);
  mknod(`${root}/dev/nvidiactl`, 195, 255);
  mknod(`${root}/dev/nvidia-caps/nvidia-cap1`, 237, 1);
  for (const n of [0, 1, 2047])
    mknod(`${root}/dev/nvidia-caps-imex-channels/channel${n}`, 234, n);
  mknod(`${root}/dev/nvidia-fs0`, 240, 0);
  mknod(`${root}/dev/nvidia-nvswitch0`, 241, 0);
  mknod(`${root}/dev/nvidia-nvswitchctl`, 241, 255);
  touch(`${root}/dev/gdrdrv`);
  touch(`${root}${LIB}/libcuda.so.999.88.77`);
  touch(`${root}${LIB}/vdpau/libvdpau_nvidia.so.999.88.77`);
  symlinkSync('libcuda.so.999.88.77', `${root}${LIB}/libcuda.so.1`);
  mkdirSync(`${root}/run/udev`, { recursive: true });
  return root;
}

// Host numbers are what the reference's test (with files for devices) cannot
// show; take them off before comparing with its text.
function withoutHostNumbers(spec: CdiSpec): CdiSpec {
  const copy = JSON.parse(JSON.stringify(spec)) as CdiSpec;
  const strip = (e: CdiSpec['containerEdits']) => {
    for (const n of e?.deviceNodes ?? []) {
      delete n.major;
      delete n.minor;
      delete n.fileMode;
      delete n.permissions;
      delete n.gid;
    }
  };
  strip(copy.containerEdits);
  for (const d of copy.devices) strip(d.containerEdits);
  return copy;
}

function expected(name: string, root: string): string {
  const text = readFileSync(
    path.join(corpus, `nvidia-ctk-generate-${name}.yaml`),
    'utf8',
  );
  return text.replaceAll('/driver-root', root);
}

describe('discoverNvidia on nvidia-ctk rootfs-1', { skip }, () => {
  const base: NvidiaSpecOptions = {
    vendor: 'example.com',
    class: 'device',
    deviceNameStrategies: ['index'],
  };
  const generate = (root: string, options: NvidiaSpecOptions) => {
    const { facts } = discoverNvidia({ driverRoot: root, pathEnv: '' });
    const result = buildNvidiaSpec(facts, options);
    assert.deepEqual(result.diagnostics, []);
    return result.spec!;
  };

  it('finds the driver version, libraries and nodes', () => {
    const root = makeRootfs1();
    const { facts } = discoverNvidia({ driverRoot: root, pathEnv: '' });
    assert.equal(facts.driverVersion, '999.88.77');
    assert.deepEqual(facts.libcudaDirs, [LIB]);
    assert.deepEqual(
      facts.libraries.map((l) => l.path),
      [
        `${LIB}/libcuda.so.999.88.77`,
        `${LIB}/vdpau/libvdpau_nvidia.so.999.88.77`,
      ],
    );
    assert.deepEqual(facts.controlNodes, [
      {
        path: '/dev/nvidiactl',
        hostPath: `${root}/dev/nvidiactl`,
        major: 195,
        minor: 255,
        fileMode: 0o666,
        gid: 0,
      },
    ]);
    assert.deepEqual(
      facts.gpus.map((g) => [g.index, g.nodes.map((n) => n.path)]),
      [[0, ['/dev/nvidia0']]],
    );
  });

  it('gives the default spec', () => {
    const spec = generate(path.join(temp, 'rootfs-1'), base);
    assert.equal(
      formatCdiSpec(withoutHostNumbers(spec), 'yaml'),
      expected('default', path.join(temp, 'rootfs-1')),
    );
    const node = spec.devices[0]!.containerEdits.deviceNodes![0]!;
    assert.deepEqual(
      [node.major, node.minor, node.fileMode, node.permissions],
      [195, undefined, 0o666, 'rwm'],
    );
  });

  it('gives the spec with every hook disabled', () => {
    const root = path.join(temp, 'rootfs-1');
    const spec = generate(root, { ...base, disabledHooks: ['all'] });
    assert.equal(
      formatCdiSpec(withoutHostNumbers(spec), 'yaml'),
      expected('all-hooks-disabled', root),
    );
  });

  it('gives the management spec, blocked nodes left out', () => {
    const root = path.join(temp, 'rootfs-1');
    const spec = generate(root, {
      ...base,
      mode: 'management',
      enabledHooks: ['chmod'],
      disabledHooks: [
        'enable-cuda-compat',
        'update-ldcache',
        'disable-device-node-modification',
      ],
    });
    assert.equal(
      formatCdiSpec(withoutHostNumbers(spec), 'yaml'),
      expected('management-chmod', root),
    );
  });
});

describe('discoverNvidia on a fuller host', { skip }, () => {
  const hostLib = ['/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/lib64']
    .map((d) => path.join(d, 'libz.so.1'))
    .find((p) => {
      try {
        readFileSync(p);
        return true;
      } catch {
        return false;
      }
    });

  it('adds sockets, firmware, binaries, SONAME links, UUID names and DRM nodes', async () => {
    const root = path.join(temp, 'full');
    const proc = path.join(temp, 'proc');
    const sys = path.join(temp, 'sys');
    const bus = '0000:3b:00.0';
    mknod(`${root}/dev/nvidia1`, 195, 1, '660');
    execFileSync('chgrp', ['44', `${root}/dev/nvidia1`]);
    mknod(`${root}/dev/nvidiactl`, 195, 255);
    mknod(`${root}/dev/nvidia-uvm`, 511, 0);
    mknod(`${root}/dev/dri/card1`, 226, 1);
    mknod(`${root}/dev/dri/renderD128`, 226, 128);
    mkdirSync(`${root}/dev/dri/by-path`, { recursive: true });
    symlinkSync('../card1', `${root}/dev/dri/by-path/pci-${bus}-card`);
    symlinkSync('../renderD128', `${root}/dev/dri/by-path/pci-${bus}-render`);
    touch(
      `${proc}/driver/nvidia/gpus/${bus}/information`,
      [
        'Model: \t\t NVIDIA Test',
        'GPU UUID: \t GPU-12345678-abcd',
        `Bus Location: \t ${bus}`,
        'Device Minor: \t 1',
        '',
      ].join('\n'),
    );
    mkdirSync(`${sys}/bus/pci/devices/${bus}/drm/card1`, { recursive: true });
    mkdirSync(`${sys}/bus/pci/devices/${bus}/drm/renderD128`, {
      recursive: true,
    });

    touch(`${root}${LIB}/libcuda.so.550.1.2`);
    touch(`${root}${LIB}/libnvidia-nvvm70.so.4`);
    if (hostLib) {
      copyFileSync(hostLib, `${root}${LIB}/libnvidia-ml.so.550.1.2`);
      symlinkSync('libnvidia-ml.so.550.1.2', `${root}${LIB}/libz.so.1`);
      symlinkSync('libz.so.1', `${root}${LIB}/libz.so`);
    }
    touch(`${root}/lib/firmware/nvidia/550.1.2/gsp_ga10x.bin`);
    touch(`${root}/usr/bin/nvidia-smi`);
    execFileSync('chmod', ['755', `${root}/usr/bin/nvidia-smi`]);
    mkdirSync(`${root}/run/nvidia-persistenced`, { recursive: true });
    const server = net.createServer();
    await new Promise<void>((resolve) =>
      server.listen(`${root}/run/nvidia-persistenced/socket`, resolve),
    );
    mkdirSync(`${root}/tmp/nvidia-mps`, { recursive: true });

    try {
      const { facts } = discoverNvidia({
        driverRoot: root,
        procRoot: proc,
        sysRoot: sys,
        pathEnv: '/usr/bin',
      });
      assert.equal(facts.driverVersion, '550.1.2');
      assert.deepEqual(
        facts.ipcSockets.map((m) => m.path),
        ['/run/nvidia-persistenced/socket'],
      );
      assert.deepEqual(
        facts.firmware.map((m) => m.path),
        ['/lib/firmware/nvidia/550.1.2/gsp_ga10x.bin'],
      );
      assert.deepEqual(
        facts.binaries.map((m) => m.path),
        ['/usr/bin/nvidia-smi'],
      );
      assert.deepEqual(facts.gpus[0]!.byPathLinks, [
        `../card1::${root}/dev/dri/by-path/pci-${bus}-card`,
        `../renderD128::${root}/dev/dri/by-path/pci-${bus}-render`,
      ]);

      const spec = buildNvidiaSpec(facts, { vendor: 'example.com' }).spec!;
      assert.deepEqual(
        spec.devices.map((d) => d.name),
        ['0', 'GPU-12345678-abcd', 'all'],
      );
      const gpu = spec.devices[0]!.containerEdits;
      assert.deepEqual(
        gpu.deviceNodes!.map((n) => n.path),
        ['/dev/nvidia1', '/dev/dri/card1', '/dev/dri/renderD128'],
      );
      // Group 44 may open /dev/nvidia1, others may not: the group is added.
      assert.deepEqual(gpu.additionalGids, [44]);
      assert.deepEqual(gpu.hooks![0]!.args!.slice(1, 3), [
        'create-symlinks',
        '--link',
      ]);

      const common = spec.containerEdits!;
      assert.deepEqual(
        common.mounts!.map((m) => [m.containerPath, m.options!.at(-1)]),
        // Sorted by depth, then path, as the toolkit sorts mounts.
        [
          [`${LIB}/libcuda.so.550.1.2`, 'rprivate'],
          ...(hostLib ? [[`${LIB}/libnvidia-ml.so.550.1.2`, 'rprivate']] : []),
          [`${LIB}/libnvidia-nvvm70.so.4`, 'rprivate'],
          ['/run/nvidia-persistenced/socket', 'noexec'],
          ['/usr/bin/nvidia-smi', 'rprivate'],
          ['/lib/firmware/nvidia/550.1.2/gsp_ga10x.bin', 'rprivate'],
        ],
      );
      const links = common.hooks!.find(
        (h) => h.args![1] === 'create-symlinks',
      )!;
      const expectedLinks = [`libcuda.so.1::${LIB}/libcuda.so`];
      if (hostLib) {
        expectedLinks.push(
          `libnvidia-ml.so.550.1.2::${LIB}/libz.so.1`,
          `libz.so.1::${LIB}/libz.so`,
        );
      }
      assert.deepEqual(
        links.args!.filter((a, i) => i > 1 && a !== '--link'),
        expectedLinks,
      );
    } finally {
      server.close();
    }
  });

  it('falls back to the root ld.so.cache for libraries elsewhere', () => {
    const root = path.join(temp, 'ldcache');
    touch(`${root}/opt/nvidia/lib/libcuda.so.470.9.9`);
    symlinkSync('libcuda.so.470.9.9', `${root}/opt/nvidia/lib/libcuda.so.1`);
    mknod(`${root}/dev/nvidia0`, 195, 0);
    touch(`${root}/etc/ld.so.cache`, '');
    writeFileSync(
      `${root}/etc/ld.so.cache`,
      ldCache([['libcuda.so.1', '/opt/nvidia/lib/libcuda.so.1']]),
    );
    const { facts } = discoverNvidia({ driverRoot: root, pathEnv: '' });
    assert.equal(facts.driverVersion, '470.9.9');
    assert.deepEqual(facts.libcudaDirs, ['/opt/nvidia/lib']);
    assert.deepEqual(
      facts.libraries.map((l) => l.path),
      ['/opt/nvidia/lib/libcuda.so.470.9.9'],
    );
  });

  it('fails without a driver', () => {
    const root = path.join(temp, 'empty');
    mkdirSync(root);
    assert.throws(
      () => discoverNvidia({ driverRoot: root }),
      /failed to determine driver version/,
    );
  });
});

// A glibc ld.so.cache (new format only) listing x86-64 libraries.
function ldCache(entries: [string, string][]): Buffer {
  const strings: string[] = [];
  const header = 48;
  const table = header + entries.length * 24;
  let offset = table;
  const offsets = entries.map(([k, v]) => {
    const key = offset;
    strings.push(k + '\0');
    offset += Buffer.byteLength(k) + 1;
    const value = offset;
    strings.push(v + '\0');
    offset += Buffer.byteLength(v) + 1;
    return [key, value] as const;
  });
  const buf = Buffer.alloc(offset);
  buf.write('glibc-ld.so.cache1.1', 0, 'latin1');
  buf.writeUInt32LE(entries.length, 20);
  buf.writeUInt32LE(offset - table, 24);
  offsets.forEach(([key, value], i) => {
    const at = header + i * 24;
    buf.writeInt32LE(0x0303, at);
    buf.writeUInt32LE(key, at + 4);
    buf.writeUInt32LE(value, at + 8);
  });
  buf.write(strings.join(''), table, 'utf8');
  return buf;
}
