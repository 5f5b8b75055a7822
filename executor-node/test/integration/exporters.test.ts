// The tar, oci and docker exporters, and the local exporter's platform
// folders: real builds, outputs unpacked with GNU tar and read back with
// umoci and skopeo where installed.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'node:test';
import zlib from 'node:zlib';

import { build, read, skipReason, tempDir } from './harness.ts';

const skip = skipReason();

const DOCKERFILE = [
  'FROM busybox:1.36',
  'RUN echo hello > /hello && rm /etc/group && mkdir -p /opt/x && touch /opt/x/y',
  'RUN echo second > /second',
  'WORKDIR /work',
  'ENV FOO=bar',
  'CMD ["sh"]',
  '',
].join('\n');

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

/** Reads an OCI layout folder's documents. */
function layout(dir: string) {
  const blob = (digest: string) =>
    path.join(dir, 'blobs', ...digest.split(':'));
  const json = <T>(digest: string) =>
    JSON.parse(fs.readFileSync(blob(digest), 'utf8')) as T;
  const index = JSON.parse(
    fs.readFileSync(path.join(dir, 'index.json'), 'utf8'),
  ) as { manifests: Descriptor[] };
  return { blob, json, index };
}

function untar(file: string): string {
  const dir = tempDir('untar-');
  execFileSync('tar', ['-xf', file, '-C', dir]);
  return dir;
}

function tarList(file: string, gzip = false): string[] {
  const flags = gzip ? '-tzf' : '-tf';
  return execFileSync('tar', [flags, file], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '');
}

/** Says whether a tool is installed; under CI it must be. */
function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${name} is not installed`);
    return false;
  }
}

test(
  'type=oci history has a row per instruction, empty_layer for config ones',
  { skip },
  async () => {
    const contextDir = tempDir('ctx-');
    fs.writeFileSync(path.join(contextDir, 'app.txt'), 'app\n');
    const out = path.join(tempDir('oci-'), 'image.tar');
    const { result } = await build(
      [
        'FROM busybox:1.36',
        'ARG GREETING=hello',
        'ENV APP_HOME=/srv/app',
        'LABEL org.example.title="demo app"',
        'WORKDIR $APP_HOME',
        'RUN echo "$GREETING" > greeting.txt',
        'COPY app.txt ./',
        'USER 1000:1000',
        'EXPOSE 8080',
        'CMD ["cat", "greeting.txt"]',
        '',
      ].join('\n'),
      { outputs: [`type=oci,dest=${out}`] },
      { contextDir },
    );
    assert.equal(result.error, undefined);
    const { index, json } = layout(untar(out));
    const top = index.manifests[0] as Descriptor;
    const manifest = json<{ config: Descriptor; layers: Descriptor[] }>(
      top.digest,
    );
    const config = json<{
      created: string;
      rootfs: { diff_ids: string[] };
      history: {
        created?: string;
        created_by?: string;
        comment?: string;
        empty_layer?: boolean;
      }[];
    }>(manifest.config.digest);

    const layered = config.history.filter((h) => !h.empty_layer);
    assert.equal(layered.length, manifest.layers.length);
    assert.equal(layered.length, config.rootfs.diff_ids.length);
    const comment = 'buildkit.dockerfile.v0';
    const own = config.history.slice(-9).map((h) => ({
      created_by: h.created_by,
      comment: h.comment,
      empty_layer: h.empty_layer ?? false,
    }));
    assert.deepEqual(
      own,
      [
        ['ARG GREETING=hello', true],
        ['ENV APP_HOME=/srv/app', true],
        ['LABEL org.example.title=demo app', true],
        ['WORKDIR /srv/app', false],
        [
          'RUN |1 GREETING=hello /bin/sh -c echo "$GREETING" > greeting.txt # buildkit',
          false,
        ],
        ['COPY app.txt ./ # buildkit', false],
        ['USER 1000:1000', true],
        ['EXPOSE [8080/tcp]', true],
        ['CMD ["cat" "greeting.txt"]', true],
      ].map(([createdBy, empty]) => ({
        created_by: createdBy,
        comment,
        empty_layer: empty,
      })),
    );
    // busybox's own rows come first, unchanged.
    const baseRows = config.history.slice(0, -9);
    const baseLayers = baseRows.filter((h) => !h.empty_layer).length;
    assert.equal(baseLayers, manifest.layers.length - 3);
    for (const h of config.history.slice(-9)) {
      assert.equal(h.created, config.created);
    }
  },
);

test(
  'type=oci writes a layout tar with a layer per step, history and diff_ids',
  { skip },
  async () => {
    const out = path.join(tempDir('oci-'), 'image.tar');
    const { result } = await build(DOCKERFILE, {
      outputs: [`type=oci,dest=${out},name=example.com/app:1`],
    });
    assert.equal(result.error, undefined);
    const dir = untar(out);
    assert.deepEqual(JSON.parse(read(dir, 'oci-layout')), {
      imageLayoutVersion: '1.0.0',
    });
    const { index, json, blob } = layout(dir);
    assert.equal(index.manifests.length, 1);
    const top = index.manifests[0] as Descriptor;
    assert.equal(top.annotations?.['org.opencontainers.image.ref.name'], '1');
    assert.equal(
      top.annotations?.['io.containerd.image.name'],
      'example.com/app:1',
    );
    const manifest = json<{ config: Descriptor; layers: Descriptor[] }>(
      top.digest,
    );
    const config = json<{
      config: { Env: string[]; Cmd: string[]; WorkingDir: string };
      rootfs: { diff_ids: string[] };
      history: { created_by?: string; empty_layer?: boolean }[];
    }>(manifest.config.digest);

    // busybox has one layer; then RUN, RUN and WORKDIR each add one.
    assert.equal(manifest.layers.length, 4);
    assert.equal(config.rootfs.diff_ids.length, 4);
    assert.deepEqual(config.config.Cmd, ['sh']);
    assert.equal(config.config.WorkingDir, '/work');
    assert.ok(config.config.Env.includes('FOO=bar'));
    const steps = config.history
      .filter((h) => !h.empty_layer)
      .map((h) => h.created_by)
      .slice(-3);
    assert.match(steps[0] ?? '', /^RUN \/bin\/sh -c echo hello .* # buildkit$/);
    assert.equal(steps[2], 'WORKDIR /work');

    // Each diff_id is the sha256 of the layer's uncompressed tar.
    manifest.layers.forEach((layer, i) => {
      const tarBytes = zlib.gunzipSync(fs.readFileSync(blob(layer.digest)));
      const sum = crypto.createHash('sha256').update(tarBytes).digest('hex');
      assert.equal(`sha256:${sum}`, config.rootfs.diff_ids[i]);
    });

    const runLayer = tarList(
      blob((manifest.layers[1] as Descriptor).digest),
      true,
    );
    assert.ok(runLayer.includes('etc/.wh.group'), runLayer.join(' '));
    assert.ok(runLayer.includes('hello'));
    assert.ok(runLayer.includes('opt/x/y'));
    assert.ok(!runLayer.includes('second'));
    const secondLayer = tarList(
      blob((manifest.layers[2] as Descriptor).digest),
      true,
    );
    // The runtime made /etc/hosts as a mount point there and it was removed
    // again; like BuildKit, /etc keeps the time that gave it.
    assert.deepEqual(
      secondLayer.filter((name) => !/^etc\/?$/.test(name)),
      ['second'],
    );
  },
);

test(
  'umoci and skopeo read the oci layout and see the built files',
  { skip },
  async (t) => {
    if (!hasTool('umoci') || !hasTool('skopeo')) {
      t.skip('umoci or skopeo is missing: apt-get install umoci skopeo');
      return;
    }
    const out = path.join(tempDir('oci-'), 'layout');
    const { result } = await build(DOCKERFILE, {
      outputs: [`type=oci,dest=${out},tar=false,name=app:v1`],
    });
    assert.equal(result.error, undefined);
    const inspect = JSON.parse(
      execFileSync('skopeo', ['inspect', `oci:${out}:v1`], {
        encoding: 'utf8',
      }),
    ) as { Layers: string[]; Env: string[]; Architecture: string };
    assert.equal(inspect.Layers.length, 4);
    assert.ok(inspect.Env.includes('FOO=bar'));
    assert.equal(inspect.Architecture, 'amd64');

    const bundle = path.join(tempDir('bundle-'), 'b');
    execFileSync('umoci', ['unpack', '--image', `${out}:v1`, bundle], {
      stdio: 'ignore',
    });
    const rootfs = path.join(bundle, 'rootfs');
    assert.equal(read(rootfs, 'hello'), 'hello\n');
    assert.equal(read(rootfs, 'second'), 'second\n');
    assert.equal(fs.existsSync(path.join(rootfs, 'etc/group')), false);
    assert.equal(fs.existsSync(path.join(rootfs, 'etc/passwd')), true);
    assert.ok(fs.statSync(path.join(rootfs, 'work')).isDirectory());
  },
);

test(
  'type=oci over two platforms writes an index naming each platform',
  { skip },
  async () => {
    const out = path.join(tempDir('oci-'), 'layout');
    const { result } = await build(DOCKERFILE, {
      platforms: ['linux/amd64,linux/386'],
      outputs: [`type=oci,dest=${out},tar=false`],
    });
    assert.equal(result.error, undefined);
    const { index, json } = layout(out);
    const top = index.manifests[0] as Descriptor;
    assert.equal(top.mediaType, 'application/vnd.oci.image.index.v1+json');
    const nested = json<{ manifests: Descriptor[] }>(top.digest);
    assert.deepEqual(
      nested.manifests.map((m) => m.platform),
      [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: '386' },
      ],
    );
    for (const entry of nested.manifests) {
      const manifest = json<{ config: Descriptor }>(entry.digest);
      const config = json<{ architecture: string }>(manifest.config.digest);
      assert.equal(config.architecture, entry.platform?.architecture);
    }
  },
);

test(
  'type=docker writes manifest.json that skopeo loads as a docker archive',
  { skip },
  async (t) => {
    const out = path.join(tempDir('docker-'), 'image.tar');
    const { result } = await build(DOCKERFILE, {
      outputs: [`type=docker,dest=${out},name=example/app:1`],
    });
    assert.equal(result.error, undefined);
    const dir = untar(out);
    const [entry] = JSON.parse(read(dir, 'manifest.json')) as {
      Config: string;
      RepoTags: string[];
      Layers: string[];
    }[];
    assert.deepEqual(entry?.RepoTags, ['example/app:1']);
    assert.equal(entry?.Layers.length, 4);
    for (const file of [entry!.Config, ...entry!.Layers]) {
      assert.ok(fs.existsSync(path.join(dir, file)), file);
    }
    const manifest = layout(dir).json<{ mediaType: string }>(
      (layout(dir).index.manifests[0] as Descriptor).digest,
    );
    assert.equal(
      manifest.mediaType,
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    if (!hasTool('skopeo')) {
      t.skip('skopeo is missing: apt-get install skopeo');
      return;
    }
    const inspect = JSON.parse(
      execFileSync('skopeo', ['inspect', `docker-archive:${out}`], {
        encoding: 'utf8',
      }),
    ) as { Layers: string[] };
    assert.equal(inspect.Layers.length, 4);
  },
);

test(
  'type=docker refuses several platforms with BuildKit text and writes nothing',
  { skip },
  async () => {
    const dir = tempDir('docker-');
    const out = path.join(dir, 'image.tar');
    for (const options of [
      { platforms: ['linux/amd64,linux/386'] },
      { buildArgs: { BUILDKIT_MULTI_PLATFORM: '1' } },
    ]) {
      const { result } = await build(DOCKERFILE, {
        ...options,
        outputs: [`type=docker,dest=${out}`],
      });
      assert.equal(
        result.error,
        'failed to solve: docker exporter does not currently support exporting manifest lists',
      );
    }
    assert.deepEqual(fs.readdirSync(dir), []);
  },
);

test(
  'type=tar writes the files, and per-platform folders for two platforms',
  { skip },
  async () => {
    const dir = tempDir('tar-');
    const one = path.join(dir, 'one.tar');
    const { result } = await build(DOCKERFILE, {
      outputs: [`type=tar,dest=${one}`],
    });
    assert.equal(result.error, undefined);
    const files = tarList(one);
    assert.ok(files.includes('hello') && files.includes('bin/busybox'));
    assert.ok(!files.some((f) => f.includes('.wh.')));
    assert.ok(!files.includes('etc/group'));

    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    const multi = await build(
      DOCKERFILE,
      { platforms: ['linux/amd64,linux/386'], outputs: ['type=tar,dest=-'] },
      { stdout: sink },
    );
    assert.equal(multi.result.error, undefined);
    const streamed = path.join(dir, 'streamed.tar');
    fs.writeFileSync(streamed, Buffer.concat(chunks));
    const names = tarList(streamed);
    assert.ok(names.includes('linux_amd64/hello'));
    assert.ok(names.includes('linux_386/hello'));
    assert.ok(names.some((n) => n.replace(/\/$/, '') === 'linux_386'));
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      ['one.tar', 'streamed.tar'],
      'no temporary files are left',
    );
  },
);

test(
  'an export replaces the previous output as a whole',
  { skip },
  async () => {
    const out = path.join(tempDir('oci-'), 'layout');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'stale'), 'old');
    const { result } = await build(DOCKERFILE, {
      outputs: [`type=oci,dest=${out},tar=false`],
    });
    assert.equal(result.error, undefined);
    assert.ok(!fs.existsSync(path.join(out, 'stale')));
    assert.ok(fs.existsSync(path.join(out, 'index.json')));
    assert.deepEqual(
      fs.readdirSync(path.dirname(out)),
      ['layout'],
      'no temporary folders are left',
    );
  },
);

test(
  'SOURCE_DATE_EPOCH with rewrite-timestamp gives the same image twice',
  { skip },
  async () => {
    const dir = tempDir('oci-');
    const digests: string[] = [];
    // Each build gets a fresh home, so every step really runs again.
    for (const name of ['a', 'b']) {
      const out = path.join(dir, name);
      const { result } = await build(DOCKERFILE, {
        buildArgs: { SOURCE_DATE_EPOCH: '1700000000' },
        outputs: [`type=oci,dest=${out},tar=false,rewrite-timestamp=true`],
      });
      assert.equal(result.error, undefined);
      const { index, json } = layout(out);
      const top = (index.manifests[0] as Descriptor).digest;
      const manifest = json<{ config: Descriptor }>(top);
      const config = json<{ created: string }>(manifest.config.digest);
      assert.equal(config.created, '2023-11-14T22:13:20.000Z');
      digests.push(top);
    }
    assert.equal(digests[0], digests[1]);
  },
);

test(
  'type=local makes a platform folder for platform-split=true and BUILDKIT_MULTI_PLATFORM=1',
  { skip },
  async () => {
    for (const [options, attrs] of [
      [{}, ',platform-split=true'],
      [{ buildArgs: { BUILDKIT_MULTI_PLATFORM: '1' } }, ''],
    ] as const) {
      const out = path.join(tempDir('local-'), 'out');
      const { result } = await build('FROM busybox:1.36\nRUN echo x > /x\n', {
        ...options,
        outputs: [`type=local,dest=${out}${attrs}`],
      });
      assert.equal(result.error, undefined);
      assert.deepEqual(fs.readdirSync(out), ['linux_amd64']);
      assert.equal(read(out, 'linux_amd64/x'), 'x\n');
    }
  },
);

test(
  'overlay and copy snapshots export the same image',
  { skip },
  async (t) => {
    const { overlayUsable } = await import('../../src/snapshot/overlay.ts');
    if (!overlayUsable(tempDir('probe-'))) {
      t.skip('overlayfs is not usable here');
      return;
    }
    const dir = tempDir('oci-');
    const digests: string[] = [];
    const saved = process.env.SLIPWAY_SNAPSHOTTER;
    try {
      for (const kind of ['overlay', 'copy']) {
        process.env.SLIPWAY_SNAPSHOTTER = kind;
        const out = path.join(dir, kind);
        const { result } = await build(DOCKERFILE, {
          buildArgs: { SOURCE_DATE_EPOCH: '1700000000' },
          outputs: [`type=oci,dest=${out},tar=false,rewrite-timestamp=true`],
        });
        assert.equal(result.error, undefined);
        digests.push((layout(out).index.manifests[0] as Descriptor).digest);
      }
    } finally {
      if (saved === undefined) delete process.env.SLIPWAY_SNAPSHOTTER;
      else process.env.SLIPWAY_SNAPSHOTTER = saved;
    }
    assert.equal(digests[0], digests[1]);
  },
);
