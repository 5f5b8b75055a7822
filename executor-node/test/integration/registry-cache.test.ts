// Against Debian's docker-registry, cross-checked with skopeo: type=image
// pushes one layer per step (the layers type=oci writes) with an index over
// the platforms; --cache-to type=registry (BuildKit's cache manifest, as an
// image manifest or an index) and type=inline let a fresh home skip every
// step; a missing cache is a failed import step, not a failed build.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { ProgressEvent } from '../../../core/src/index.ts';
import { runCli } from './cli-helpers.ts';
import { build, read, tempDir, testHome } from './harness.ts';
import {
  rigSkipReason,
  skopeoRawManifest,
  startRegistry,
  type RegistryRig,
} from './registry-rig.ts';

const skip = rigSkipReason();

const STEPS = [
  'FROM busybox:1.36',
  'RUN echo one > /one',
  'COPY <<EOF /notes.txt',
  'a note',
  'EOF',
  'RUN echo two > /two && rm /etc/group',
  '',
].join('\n');

interface Manifest {
  mediaType?: string;
  config: { mediaType: string; digest: string };
  layers: {
    mediaType: string;
    digest: string;
    annotations?: Record<string, string>;
  }[];
}

interface Index {
  mediaType?: string;
  manifests: {
    mediaType: string;
    digest: string;
    platform?: { architecture: string };
  }[];
}

/** Names of the steps that ran (not CACHED). */
function ran(events: ProgressEvent[]): string[] {
  return events
    .filter((e) => e.kind === 'vertex-start')
    .map((e) => (e as { name: string }).name)
    .filter((name) => !/internal\]/.test(name));
}

function errors(events: ProgressEvent[]): string[] {
  return events
    .filter((e) => e.kind === 'vertex-error')
    .map((e) => (e as { error: string }).error);
}

describe('pushing images and caches to the rig', { skip }, () => {
  let rig: RegistryRig;
  before(async () => {
    rig = await startRegistry('anonymous');
  });
  after(() => rig?.stop());

  const raw = async (ref: string) =>
    JSON.parse(await skopeoRawManifest(`docker://${rig.host}/${ref}`));

  test('type=image,push=true pushes the layers type=oci writes, per platform', async () => {
    const oci = tempDir('oci-');
    const { result } = await build(STEPS, {
      platforms: ['linux/amd64', 'linux/arm64'],
      outputs: [
        `type=image,name=${rig.host}/steps/app:v1,push=true`,
        `type=oci,dest=${oci},tar=false`,
      ],
    });
    assert.equal(result.error, undefined);

    const pushed = (await raw('steps/app:v1')) as Index;
    assert.equal(pushed.mediaType, 'application/vnd.oci.image.index.v1+json');
    const layout = JSON.parse(
      fs.readFileSync(path.join(oci, 'index.json'), 'utf8'),
    ) as Index;
    const ociIndex = JSON.parse(
      fs.readFileSync(blob(oci, layout.manifests[0]!.digest), 'utf8'),
    ) as Index;
    for (const arch of ['amd64', 'arm64']) {
      const entry = pushed.manifests.find(
        (m) => m.platform?.architecture === arch,
      );
      assert.ok(entry, arch);
      const manifest = (await raw(`steps/app@${entry.digest}`)) as Manifest;
      const local = JSON.parse(
        fs.readFileSync(
          blob(
            oci,
            ociIndex.manifests.find((m) => m.platform?.architecture === arch)!
              .digest,
          ),
          'utf8',
        ),
      ) as Manifest;
      // busybox's own layer, then RUN, COPY and RUN.
      assert.equal(manifest.layers.length, 4);
      assert.deepEqual(
        manifest.layers.map((l) => l.digest),
        local.layers.map((l) => l.digest),
      );
    }
  });

  for (const format of ['image-manifest=true', 'image-manifest=false']) {
    test(`a registry cache (${format}) lets a fresh home skip every step`, async () => {
      const ref = `${rig.host}/cache/steps:${format.endsWith('true') ? 'manifest' : 'index'}`;
      const first = await build(
        STEPS,
        {},
        { cacheTo: [`type=registry,ref=${ref},mode=max,${format}`] },
      );
      assert.equal(first.result.error, undefined);
      assert.ok(ran(first.log.events).includes('exporting cache to registry'));

      const pushed = (await raw(ref.slice(rig.host.length + 1))) as
        Manifest | Index;
      if (format.endsWith('true')) {
        const manifest = pushed as Manifest;
        assert.equal(
          manifest.mediaType,
          'application/vnd.oci.image.manifest.v1+json',
        );
        assert.equal(
          manifest.config.mediaType,
          'application/vnd.buildkit.cacheconfig.v0',
        );
        assert.equal(manifest.layers.length, 4);
        for (const layer of manifest.layers) {
          assert.match(
            layer.annotations?.['containerd.io/uncompressed'] ?? '',
            /^sha256:[a-f0-9]{64}$/,
          );
        }
      } else {
        const index = pushed as Index;
        assert.equal(
          index.mediaType,
          'application/vnd.oci.image.index.v1+json',
        );
        assert.deepEqual(
          index.manifests
            .map((m) => m.mediaType)
            .filter((t) => t.includes('cacheconfig')),
          ['application/vnd.buildkit.cacheconfig.v0'],
        );
      }

      const second = await build(
        STEPS,
        {},
        { cacheFrom: [`type=registry,ref=${ref}`] },
      );
      assert.equal(second.result.error, undefined);
      assert.deepEqual(ran(second.log.events), [
        `importing cache manifest from ${ref}`,
      ]);
      assert.deepEqual(errors(second.log.events), []);
      const rootfs = second.result.results[0]?.rootfs;
      assert.equal(read(rootfs, 'one'), 'one\n');
      assert.equal(read(rootfs, 'two'), 'two\n');
      assert.equal(read(rootfs, 'notes.txt'), 'a note\n');
      assert.equal(fs.existsSync(path.join(rootfs ?? '', 'etc/group')), false);
    });
  }

  test('an inline cache in a pushed image lets a fresh home skip every step', async () => {
    const ref = `${rig.host}/inline/app:v1`;
    const first = await build(
      STEPS,
      { outputs: [`type=image,name=${ref},push=true`] },
      { cacheTo: ['type=inline'] },
    );
    assert.equal(first.result.error, undefined);
    const manifest = (await raw('inline/app:v1')) as Manifest;
    const config = JSON.parse(await skopeoConfig(`docker://${ref}`)) as Record<
      string,
      unknown
    >;
    assert.equal(typeof config['moby.buildkit.cache.v0'], 'string');
    assert.equal(manifest.layers.length, 4);

    const second = await build(
      STEPS,
      {},
      { cacheFrom: [`type=registry,ref=${ref}`] },
    );
    assert.equal(second.result.error, undefined);
    assert.deepEqual(ran(second.log.events), [
      `importing cache manifest from ${ref}`,
    ]);
    assert.equal(read(second.result.results[0]?.rootfs, 'two'), 'two\n');
  });

  test('a missing cache fails its import step, not the build', async () => {
    const ref = `${rig.host}/cache/none:latest`;
    const { result, log } = await build(
      'FROM busybox:1.36\nRUN echo ran > /ran\n',
      {},
      { cacheFrom: [`type=registry,ref=${ref}`] },
    );
    assert.equal(result.error, undefined);
    assert.deepEqual(errors(log.events), [
      `failed to configure registry cache importer: ${ref}: not found`,
    ]);
    assert.equal(read(result.results[0]?.rootfs, 'ran'), 'ran\n');
  });

  test('slipway build prints the cache export as BuildKit does', async () => {
    const dir = tempDir('ctx-');
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      'FROM busybox:1.36\nRUN echo cli > /cli\n',
    );
    const ref = `${rig.host}/cache/cli:latest`;
    const run = await runCli(
      [
        'build',
        '--progress=plain',
        '--cache-to',
        `type=registry,ref=${ref}`,
        dir,
      ],
      { env: { SLIPWAY_HOME: testHome() } },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /#\d+ exporting cache to registry\n/);
    const done = (row: string) =>
      new RegExp(`#\\d+ ${row}( [\\d.]+s)? done\\n`);
    assert.match(run.stderr, done('preparing build cache for export'));
    assert.match(run.stderr, done('writing layer sha256:[a-f0-9]{64}'));
    assert.match(run.stderr, done('writing config sha256:[a-f0-9]{64}'));
    assert.match(
      run.stderr,
      done('writing cache image manifest sha256:[a-f0-9]{64}'),
    );
  });
});

function blob(layout: string, digest: string): string {
  return path.join(layout, 'blobs', ...digest.split(':'));
}

/** The image config skopeo reads for a reference. */
async function skopeoConfig(ref: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { stdout } = await promisify(execFile)('skopeo', [
    '--insecure-policy',
    'inspect',
    '--config',
    '--raw',
    '--tls-verify=false',
    ref,
  ]);
  return stdout;
}
