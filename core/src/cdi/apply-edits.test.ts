// Applying container edits to an OCI spec: env, device nodes with host facts
// and cgroup rules, mounts, hooks, intelRdt, net devices, additional gids.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import type {
  CdiContainerEdits,
  HostDeviceLookup,
  OciSpec,
} from '../model/cdi.ts';
import { cleanPath } from '../util/posix-path.ts';
import { applyCdiEdits } from './apply-edits.ts';
import { createCdiRegistry } from './registry.ts';
import { resolveDeviceRequest } from './resolve.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const corpus = path.resolve(repoRoot, '../shared/corpus/cdi');

const host: HostDeviceLookup = (p) => {
  if (p === '/dev/null')
    return { type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 };
  if (p === '/dev/sda')
    return { type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 };
  if (p === '/run/fifo')
    return { type: 'p', major: 0, minor: 0, fileMode: 0o644, uid: 0, gid: 0 };
  return undefined;
};

function apply(spec: OciSpec, edits: CdiContainerEdits | CdiContainerEdits[]) {
  const r = applyCdiEdits(spec, Array.isArray(edits) ? edits : [edits], host);
  return r;
}

describe('applyCdiEdits', () => {
  it('injects vendor1 dev1..dev3 with spec env first, hooks and b rules', () => {
    const text = readFileSync(
      path.join(corpus, 'from-test-tables/inject-vendor1-hooks.yaml'),
      'utf8',
    );
    const registry = createCdiRegistry([
      { path: '/etc/cdi/vendor1.yaml', priority: 0, text },
    ]);
    const r = resolveDeviceRequest(
      registry,
      { name: 'vendor1.com/device=*', required: true },
      { all: true, names: [] },
    );
    const spec: OciSpec = {
      process: { env: ['ORIG_VAR1=VAL1', 'ORIG_VAR2=VAL2'] },
      linux: {
        devices: [
          { path: '/dev/null', type: '', major: 0, minor: 0 },
          { path: '/dev/zero', type: '', major: 0, minor: 0 },
        ],
      },
    };
    const out = applyCdiEdits(spec, r.edits, () => undefined);
    assert.deepEqual(out.diagnostics, []);
    assert.deepEqual(out.spec.process?.env, [
      'ORIG_VAR1=VAL1',
      'ORIG_VAR2=VAL2',
      'VENDOR1_SPEC_VAR1=VAL1',
      'VENDOR1_DEV1=VAL1',
      'VENDOR1_DEV2=VAL2',
      'VENDOR1_DEV3=VAL3',
    ]);
    assert.deepEqual(out.spec.hooks, {
      prestart: [
        {
          path: '/usr/local/bin/prestart-vendor-hook',
          args: ['--verbose'],
          env: ['HOOK_ENV1=PRESTART_VAL1'],
        },
      ],
      createRuntime: [
        {
          path: '/usr/local/bin/cr-vendor-hook',
          args: ['--debug'],
          env: ['HOOK_ENV1=CREATE_RUNTIME_VAL1'],
        },
      ],
    });
    assert.deepEqual(
      out.spec.linux?.devices?.map((d) => [d.path, d.type, d.major, d.minor]),
      [
        ['/dev/null', '', 0, 0],
        ['/dev/zero', '', 0, 0],
        ['/dev/vendor1-dev1', 'b', 10, 1],
        ['/dev/vendor1-dev2', 'b', 10, 2],
        ['/dev/vendor1-dev3', 'b', 10, 3],
      ],
    );
    assert.deepEqual(out.spec.linux?.resources?.devices, [
      { allow: true, type: 'b', major: 10, minor: 1, access: 'rwm' },
      { allow: true, type: 'b', major: 10, minor: 2, access: 'rwm' },
      { allow: true, type: 'b', major: 10, minor: 3, access: 'rwm' },
    ]);
  });

  it('does not modify its input', () => {
    const spec: OciSpec = { process: { env: ['A=1'] } };
    const out = apply(spec, { env: ['A=2', 'B=1'] });
    assert.deepEqual(spec, { process: { env: ['A=1'] } });
    assert.deepEqual(out.spec.process?.env, ['A=2', 'B=1']);
  });

  it('replaces env in place and the last duplicate wins', () => {
    const out = apply(
      { process: { env: ['FOO=old', 'BAR=old'] } },
      { env: ['FOO=new', 'X=1', 'X=2'] },
    );
    assert.deepEqual(out.spec.process?.env, ['FOO=new', 'BAR=old', 'X=2']);
  });

  it('completes a path-only device node from the host and adds a cgroup rule', () => {
    const out = apply({}, { deviceNodes: [{ path: '/dev/null' }] });
    assert.deepEqual(out.spec.linux, {
      devices: [
        { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666 },
      ],
      resources: {
        devices: [
          { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
        ],
      },
    });
  });

  it('reads the host node at hostPath and keeps the container path', () => {
    const out = apply(
      {},
      {
        deviceNodes: [
          { path: '/dev/disk0', hostPath: '/dev/sda', permissions: 'r' },
        ],
      },
    );
    assert.deepEqual(out.spec.linux?.devices, [
      { path: '/dev/disk0', type: 'b', major: 8, minor: 0, fileMode: 0o660 },
    ]);
    assert.deepEqual(out.spec.linux?.resources?.devices, [
      { allow: true, type: 'b', major: 8, minor: 0, access: 'r' },
    ]);
  });

  it('permissions "none" gives an empty access string', () => {
    const out = apply(
      {},
      {
        deviceNodes: [
          {
            path: '/dev/nil',
            type: 'c',
            major: 1,
            minor: 3,
            permissions: 'none',
          },
        ],
      },
    );
    assert.deepEqual(out.spec.linux?.resources?.devices, [
      { allow: true, type: 'c', major: 1, minor: 3 },
    ]);
    assert.deepEqual(out.spec.linux?.devices, [
      { path: '/dev/nil', type: 'c', major: 1, minor: 3 },
    ]);
  });

  it('a minimally specified node keeps its numbers but takes the host file mode', () => {
    const out = apply(
      {},
      { deviceNodes: [{ path: '/dev/null', type: 'c', major: 9, minor: 9 }] },
    );
    assert.deepEqual(out.spec.linux?.devices, [
      { path: '/dev/null', type: 'c', major: 9, minor: 9, fileMode: 0o666 },
    ]);
  });

  it('fifo nodes get no cgroup rule', () => {
    const out = apply({}, { deviceNodes: [{ path: '/run/fifo' }] });
    assert.deepEqual(out.spec.linux?.devices, [
      { path: '/run/fifo', type: 'p', major: 0, minor: 0, fileMode: 0o644 },
    ]);
    assert.equal(out.spec.linux?.resources, undefined);
  });

  it('fails on a missing host node that is not fully specified, leaving the spec unedited', () => {
    const out = apply(
      { process: { env: ['A=1'] } },
      { env: ['B=1'], deviceNodes: [{ path: '/dev/missing' }] },
    );
    assert.equal(out.diagnostics.length, 1);
    assert.equal(out.diagnostics[0]!.severity, 'error');
    assert.equal(
      out.diagnostics[0]!.message,
      'CDI device injection failed: failed to inject devices: failed to stat CDI host device "/dev/missing": no such file or directory',
    );
    assert.deepEqual(out.spec, { process: { env: ['A=1'] } });
  });

  it('reports a host type mismatch', () => {
    const out = apply({}, { deviceNodes: [{ path: '/dev/null', type: 'b' }] });
    assert.match(
      out.diagnostics[0]!.message,
      /CDI device \("\/dev\/null", "\/dev\/null"\), host type mismatch \(b, c\)$/,
    );
  });

  it('takes uid and gid from a non-root process user', () => {
    const out = apply(
      { process: { user: { uid: 1000, gid: 100 } } },
      { deviceNodes: [{ path: '/dev/null' }] },
    );
    assert.equal(out.spec.linux?.devices?.[0]?.uid, 1000);
    assert.equal(out.spec.linux?.devices?.[0]?.gid, 100);
  });

  it('replaces a device with the same container path', () => {
    const out = apply(
      {
        linux: {
          devices: [
            { path: '/dev/null', type: 'c', major: 7, minor: 7 },
            { path: '/dev/zero', type: 'c', major: 1, minor: 5 },
          ],
        },
      },
      { deviceNodes: [{ path: '/dev/null' }] },
    );
    assert.deepEqual(
      out.spec.linux?.devices?.map((d) => [d.path, d.major]),
      [
        ['/dev/zero', 1],
        ['/dev/null', 1],
      ],
    );
  });

  it('sorts mounts by depth, stable, new ones after existing of equal depth', () => {
    const out = apply(
      {
        mounts: [
          { source: '/h1', destination: '/dest/path/c' },
          { source: '/h2', destination: '/dest/path/b' },
        ],
      },
      {
        mounts: [
          { hostPath: '/h3', containerPath: '/dest/path/a' },
          { hostPath: '/h4', containerPath: '/dest/edit' },
          { hostPath: '/h5', containerPath: '/dest/path/b', options: ['ro'] },
        ],
      },
    );
    assert.deepEqual(out.spec.mounts, [
      { destination: '/dest/edit', source: '/h4' },
      { destination: '/dest/path/c', source: '/h1' },
      { destination: '/dest/path/a', source: '/h3' },
      { destination: '/dest/path/b', source: '/h5', options: ['ro'] },
    ]);
  });

  it('adds idmap or ridmap to bind mounts under a user namespace', () => {
    const out = apply(
      { linux: { namespaces: [{ type: 'user' }] } },
      {
        mounts: [
          { hostPath: '/a', containerPath: '/a', type: 'bind' },
          {
            hostPath: '/b',
            containerPath: '/b',
            type: 'bind',
            options: ['rbind'],
          },
          { hostPath: '/c', containerPath: '/c', options: ['bind', 'idmap'] },
        ],
      },
    );
    assert.deepEqual(
      out.spec.mounts?.map((m) => m.options),
      [['idmap'], ['rbind', 'ridmap'], ['bind', 'idmap']],
    );
  });

  it('appends hooks by name', () => {
    const out = apply(
      { hooks: { poststop: [{ path: '/old' }] } },
      {
        hooks: [
          { hookName: 'poststop', path: '/new' },
          { hookName: 'createContainer', path: '/cc', args: ['cc'] },
        ],
      },
    );
    assert.deepEqual(out.spec.hooks, {
      poststop: [{ path: '/old' }, { path: '/new' }],
      createContainer: [{ path: '/cc', args: ['cc'] }],
    });
  });

  it('replaces intelRdt entirely, the last edit winning', () => {
    const out = apply(
      { linux: { intelRdt: { closID: 'a', memBwSchema: 'MB:0=100' } } },
      [
        { intelRdt: { closID: 'b' } },
        { intelRdt: { closID: 'c', l3CacheSchema: 'L3:0=f' } },
      ],
    );
    assert.deepEqual(out.spec.linux?.intelRdt, {
      closID: 'c',
      l3CacheSchema: 'L3:0=f',
    });
  });

  it('sets net devices by host interface name', () => {
    const out = apply(
      { linux: { netDevices: { eno1: { name: 'old' } } } },
      {
        netDevices: [
          { hostInterfaceName: 'eno1', name: 'netdev2' },
          { hostInterfaceName: 'eno2', name: 'netdev1' },
        ],
      },
    );
    assert.deepEqual(out.spec.linux?.['netDevices'], {
      eno1: { name: 'netdev2' },
      eno2: { name: 'netdev1' },
    });
  });

  it('adds additional gids once each and skips 0', () => {
    const out = apply(
      { process: { user: { uid: 0, gid: 0, additionalGids: [4] } } },
      { additionalGids: [4, 5, 0, 5, 6] },
    );
    assert.deepEqual(out.spec.process?.user?.additionalGids, [4, 5, 6]);
    assert.deepEqual(apply({}, { additionalGids: [0] }).spec, {});
  });

  it('leaves nodes as written when no host facts are available', () => {
    const out = applyCdiEdits({}, [
      { deviceNodes: [{ path: '/dev/nvidia0' }] },
    ]);
    assert.deepEqual(out.spec.linux?.devices, [
      { path: '/dev/nvidia0', type: '', major: 0, minor: 0 },
    ]);
    assert.equal(out.diagnostics[0]!.severity, 'info');
  });

  it('cleans paths as Go does', () => {
    assert.equal(cleanPath(''), '.');
    assert.equal(cleanPath('/a//b/../c/.'), '/a/c');
    assert.equal(cleanPath('/..'), '/');
    assert.equal(cleanPath('a/../..'), '..');
  });

  it('injects the nvidia-ctk golden spec: nodes from the driver root, hooks, sorted mounts', () => {
    const text = readFileSync(
      path.join(corpus, 'nvidia/nvidia-ctk-generate-default.yaml'),
      'utf8',
    );
    const registry = createCdiRegistry([
      { path: '/etc/cdi/nvidia.yaml', priority: 0, text },
    ]);
    const r = resolveDeviceRequest(
      registry,
      { name: 'example.com/device', required: true },
      { all: true, names: [] },
    );
    assert.deepEqual(r.devices, ['example.com/device=0']);
    const nodes: Record<string, [number, number]> = {
      '/driver-root/dev/nvidiactl': [195, 255],
      '/driver-root/dev/nvidia0': [195, 0],
    };
    const out = applyCdiEdits({ process: { env: [] } }, r.edits, (p) => {
      const n = nodes[p];
      return n
        ? {
            type: 'c',
            major: n[0],
            minor: n[1],
            fileMode: 0o666,
            uid: 0,
            gid: 0,
          }
        : undefined;
    });
    assert.deepEqual(out.diagnostics, []);
    assert.deepEqual(
      out.spec.linux?.devices?.map((d) => [d.path, d.major, d.minor]),
      [
        ['/dev/nvidiactl', 195, 255],
        ['/dev/nvidia0', 195, 0],
      ],
    );
    assert.equal(out.spec.linux?.resources?.devices?.length, 2);
    assert.equal(out.spec.hooks?.createContainer?.length, 5);
    const depths = (out.spec.mounts ?? []).map(
      (m) => m.destination.split('/').length - 1,
    );
    assert.deepEqual(
      depths,
      [...depths].sort((a, b) => a - b),
    );
    assert.ok(out.spec.process?.env?.includes('NVIDIA_VISIBLE_DEVICES=void'));
  });
});
