// Conformance with Debian's podman: the same CDI specs are injected by
// `podman run --device VENDOR/CLASS=NAME` (a createContainer hook copies the
// runtime spec out of the bundle) and by Slipway's applyCdiEdits on podman's
// own spec for the same container without devices. Env, mounts, device
// nodes, cgroup rules and hooks must agree; where they do not, the test pins
// the difference and names the older CDI library podman 4.3.1 carries.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  rmdir,
  writeFile,
} from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import type { OciSpec } from '../../../core/src/index.ts';
import {
  applyCdiEdits,
  createCdiRegistry,
  resolveStepDevices,
} from '../../../core/src/index.ts';
import { slipwayPaths } from '../../src/paths.ts';
import { hostDeviceLookup } from '../../src/runtime/oci-spec.ts';

const run = promisify(execFile);
const KIND = 'slipway-conformance.test/gpu';
const IMAGE = 'docker.io/library/busybox:1.36';
const CDI_DIR = '/etc/cdi';

let temp = '';
let skip: string | false = false;
let createdCdiDir = false;
const specFiles: string[] = [];

function podman(...args: string[]) {
  return run(
    'podman',
    [
      '--root',
      path.join(temp, 'root'),
      '--runroot',
      path.join(temp, 'runroot'),
      '--storage-driver',
      'vfs',
      '--cgroup-manager=cgroupfs',
      '--events-backend=file',
      ...args,
    ],
    { maxBuffer: 16 << 20 },
  );
}

// podman 4.3.1 has no --cdi-spec-dir: its CDI library reads /etc/cdi.
const RUN_FLAGS = [
  '--runtime',
  'runc',
  '--network',
  'none',
  '--ulimit',
  'nofile=1024:1024',
  '--ulimit',
  'nproc=1000:1000',
];

before(async () => {
  skip = await blocker();
  if (skip) {
    if (process.env.CI === 'true') throw new Error(skip);
    console.log(`# podman conformance skipped: ${skip}`);
    return;
  }
  temp = await mkdtemp(path.join(tmpdir(), 'slipway-podman-'));
  await loadBusybox();
  await makeHostFiles();
});

after(async () => {
  for (const f of specFiles) await rm(f, { force: true });
  if (createdCdiDir) await rmdir(CDI_DIR).catch(() => undefined);
  if (temp) await rm(temp, { recursive: true, force: true });
});

async function blocker(): Promise<string | false> {
  if (process.getuid?.() !== 0) return 'needs root (podman, mknod, /etc/cdi)';
  try {
    await run('podman', ['--version']);
  } catch {
    return 'podman is not installed: apt-get install -y podman';
  }
  if (!existsSync(path.join(slipwayPaths().images, 'index.json')))
    return 'the built-in image store is empty: run scripts/setup-images.sh';
  return false;
}

// podman loads an OCI archive; the built-in store's layout becomes one that
// names only busybox:1.36.
async function loadBusybox() {
  const layout = path.join(temp, 'layout');
  await cp(slipwayPaths().images, layout, { recursive: true });
  const indexFile = path.join(layout, 'index.json');
  const index = JSON.parse(await readFile(indexFile, 'utf8'));
  index.manifests = index.manifests.filter(
    (m: { annotations?: Record<string, string> }) =>
      m.annotations?.['org.opencontainers.image.ref.name'] === IMAGE,
  );
  await writeFile(indexFile, JSON.stringify(index));
  const archive = path.join(temp, 'busybox.tar');
  await run('tar', ['-C', layout, '-cf', archive, '.']);
  await podman('load', '-q', '-i', archive);
}

async function makeHostFiles() {
  for (const d of ['share-top', 'share-deep', 'out']) {
    await mkdir(path.join(temp, d), { recursive: true });
  }
  await run('mknod', ['-m', '666', path.join(temp, 'null'), 'c', '1', '3']);
  await run('mknod', ['-m', '640', path.join(temp, 'zero'), 'c', '1', '5']);
  await writeFile(
    path.join(temp, 'dump.sh'),
    [
      '#!/bin/sh',
      '# createContainer hook: copy the runtime spec out of the bundle.',
      'state=$(cat)',
      `bundle=$(printf '%s' "$state" | sed -n 's/.*"bundle": *"\\([^"]*\\)".*/\\1/p')`,
      'cp "$bundle/config.json" "$1"',
      '',
    ].join('\n'),
  );
  await chmod(path.join(temp, 'dump.sh'), 0o755);
}

// Two devices of one spec (its own edits must come once, first) and a
// second spec; 0.5.0 is the newest version podman 4.3.1's library reads.
function specTexts(): { name: string; text: string }[] {
  const t = temp;
  return [
    {
      name: 'gpu.yaml',
      text: `cdiVersion: "0.5.0"
kind: ${KIND}
containerEdits:
  env: [CONF_GLOBAL=1, TERM=cdi-spec]
  mounts:
    - {hostPath: ${t}/share-top, containerPath: /cdi-top, options: [ro, bind]}
  hooks:
    - {hookName: createContainer, path: ${t}/dump.sh, args: [dump.sh, ${t}/out/config.json]}
devices:
  - name: one
    containerEdits:
      env: [CONF_DEV=one, HOME=/cdi-home]
      deviceNodes:
        - {path: /dev/slipway-one, hostPath: ${t}/null}
      mounts:
        - {hostPath: ${t}/share-deep, containerPath: /opt/vendor/deep/data, options: [ro, rbind]}
      hooks:
        - {hookName: poststop, path: /bin/true, args: [true, one]}
  - name: two
    containerEdits:
      env: [CONF_DEV=two]
      deviceNodes:
        - {path: /dev/slipway-two, hostPath: ${t}/zero, permissions: rw}
      mounts:
        - {hostPath: tmpfs, containerPath: /dev/shm, type: tmpfs, options: [nosuid, size=1m]}
`,
    },
  ];
}

// Per-container names differ between two containers; the rest must not.
function normalize(spec: OciSpec): OciSpec {
  const text = JSON.stringify(spec).replace(/[0-9a-f]{64}/g, '<id>');
  const out = JSON.parse(text) as OciSpec;
  const host = out.hostname;
  if (host) {
    out.hostname = '<host>';
    out.process!.env = out.process!.env!.map((e) =>
      e === `HOSTNAME=${host}` ? 'HOSTNAME=<host>' : e,
    );
  }
  return out;
}

function effectiveEnv(env: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const eq = e.indexOf('=');
    out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

describe('CDI edits against podman 4.3.1', () => {
  test('env, mounts, device nodes, cgroup rules and hooks agree', async (t) => {
    if (skip) return t.skip(skip);
    if (!existsSync(CDI_DIR)) {
      await mkdir(CDI_DIR, { recursive: true });
      createdCdiDir = true;
    }
    const files = specTexts().map((s) => ({
      ...s,
      path: path.join(CDI_DIR, `slipway-conformance-${process.pid}-${s.name}`),
    }));
    for (const f of files) {
      specFiles.push(f.path);
      await writeFile(f.path, f.text);
    }
    const requests = [`${KIND}=one`, `${KIND}=two`];

    // podman: the container runs, and the hook leaves its runtime spec.
    const ran = await podman(
      'run',
      '--rm',
      ...RUN_FLAGS,
      ...requests.flatMap((r) => ['--device', r]),
      IMAGE,
      'sh',
      '-c',
      'echo "$CONF_DEV $CONF_GLOBAL $TERM"; test -c /dev/slipway-one && echo node',
    );
    assert.equal(ran.stdout, 'two 1 cdi-spec\nnode\n');
    const podmanSpec = normalize(
      JSON.parse(await readFile(path.join(temp, 'out/config.json'), 'utf8')),
    );

    // The same container without devices, created but not started.
    const { stdout: id } = await podman('create', ...RUN_FLAGS, IMAGE, 'true');
    await podman('init', id.trim());
    const { stdout: configPath } = await podman(
      'inspect',
      '--format',
      '{{.OCIConfigPath}}',
      id.trim(),
    );
    const base = JSON.parse(await readFile(configPath.trim(), 'utf8'));
    await podman('rm', '-f', id.trim());

    // Slipway: the same specs, resolved and applied to podman's own spec.
    const registry = createCdiRegistry(
      files.map((f) => ({ path: f.path, priority: 0, text: f.text })),
    );
    assert.deepEqual(registry.diagnostics, []);
    const step = resolveStepDevices(
      registry,
      requests.map((name) => ({ name, required: true })),
      { all: true, names: [] },
    );
    const applied = applyCdiEdits(base, step.edits, hostDeviceLookup);
    assert.deepEqual(applied.diagnostics, []);
    const ours = normalize(applied.spec);
    const baseline = normalize(base);

    // Cgroup rules, hooks and additional GIDs: the same.
    assert.deepEqual(
      ours.linux?.resources?.devices,
      podmanSpec.linux?.resources?.devices,
    );
    assert.deepEqual(ours.hooks, podmanSpec.hooks);
    assert.deepEqual(
      ours.process?.user?.additionalGids,
      podmanSpec.process?.user?.additionalGids,
    );

    // Env: the container ends up with the same variables. podman's library
    // (v0.5.x) edits env through a generator whose index starts empty, so it
    // only de-duplicates the injected entries and appends them after the
    // container's own (TERM=xterm stays, TERM=cdi-spec follows and wins);
    // the reference now replaces the container's entries in place.
    const injected = ['CONF_GLOBAL=1', 'TERM=cdi-spec', 'CONF_DEV=two'];
    injected.push('HOME=/cdi-home');
    assert.deepEqual(
      effectiveEnv(ours.process?.env),
      effectiveEnv(podmanSpec.process?.env),
    );
    const podmanEnv = podmanSpec.process!.env!;
    assert.deepEqual(podmanEnv.slice(-injected.length), injected);
    assert.deepEqual(
      [...podmanEnv.slice(0, -injected.length)].sort(),
      [...baseline.process!.env!].sort(),
    );
    const replaced = baseline.process!.env!.map((e) =>
      e.startsWith('TERM=')
        ? 'TERM=cdi-spec'
        : e.startsWith('HOME=')
          ? 'HOME=/cdi-home'
          : e,
    );
    assert.deepEqual(ours.process?.env, [
      ...replaced,
      'CONF_GLOBAL=1',
      'CONF_DEV=two',
    ]);

    // Device nodes: the same nodes and numbers. v0.5.x does not copy the
    // host node's mode; the reference does since v1.1.0 ("Ensure that
    // filemode is set for device nodes").
    assert.deepEqual(
      ours.linux?.devices?.map((d) => d.fileMode),
      [0o666, 0o640],
    );
    assert.deepEqual(
      ours.linux?.devices?.map(({ fileMode: _mode, ...rest }) => rest),
      podmanSpec.linux?.devices,
    );

    // Mounts: the same set, each CDI mount replacing one at its destination
    // (/dev/shm). Both sort by depth; v0.5.x then orders equal depths by
    // destination, while since v1.0.0 ("sortMounts stable and remove
    // alphabetical order") they keep their order, as Slipway does.
    const key = (m: unknown) => JSON.stringify(m);
    assert.deepEqual(
      ours.mounts!.map(key).sort(),
      podmanSpec.mounts!.map(key).sort(),
    );
    const depth = (d: string) => d.split('/').length - 1;
    const byDepthThenName = [...ours.mounts!].sort(
      (a, b) =>
        depth(a.destination) - depth(b.destination) ||
        (a.destination < b.destination ? -1 : 1),
    );
    assert.deepEqual(podmanSpec.mounts, byDepthThenName);
    const kept = baseline.mounts!.filter((m) => m.destination !== '/dev/shm');
    const added = ['/cdi-top', '/opt/vendor/deep/data', '/dev/shm'];
    const stable = [...kept.map((m) => m.destination), ...added]
      .map((d, i) => ({ d, i }))
      .sort((a, b) => depth(a.d) - depth(b.d) || a.i - b.i)
      .map((x) => x.d);
    assert.deepEqual(
      ours.mounts!.map((m) => m.destination),
      stable,
    );
  });
});
