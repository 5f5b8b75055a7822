// The registry client against Debian's docker-registry in its three flavours,
// cross-checked with skopeo: pulls per platform, auth, digest checks, mirrors,
// and a `slipway build` from and pushed to the rig.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  sha256Digest,
  ContentStore,
} from '../../src/registry/content-store.ts';
import { createRegistryClient } from '../../src/registry/create-image-source.ts';
import { parseRegistryReference } from '../../src/registry/image-ref.ts';
import {
  pullLayers,
  resolveRemoteImage,
} from '../../src/registry/pull-image.ts';
import { pushImage } from '../../src/registry/push-image.ts';
import { RegistryImageSource } from '../../src/registry/registry-image-source.ts';
import type { RegistryFlags } from '../../src/registry/registry-config.ts';
import { OciImageStore } from '../../src/store/image-store.ts';
import { slipwayPaths } from '../../src/paths.ts';
import { runCli } from './cli-helpers.ts';
import { tempDir, testHome } from './harness.ts';
import {
  rigSkipReason,
  skopeoCopy,
  skopeoRawManifest,
  startRegistry,
  type RegistryRig,
} from './registry-rig.ts';

const BUILTIN = slipwayPaths().images;
const BUSYBOX = `oci:${BUILTIN}:docker.io/library/busybox:latest`;

const skip = rigSkipReason();

/** A client with its own Docker config (credentials for `rig` when given). */
function client(rig?: RegistryRig, flags: RegistryFlags = {}) {
  const dir = tempDir('slipway-dockercfg-');
  const file = path.join(dir, 'config.json');
  const auths = rig
    ? {
        [rig.host]: {
          auth: Buffer.from(
            `${rig.user.username}:${rig.user.password}`,
          ).toString('base64'),
        },
      }
    : {};
  fs.writeFileSync(file, JSON.stringify({ auths }));
  return createRegistryClient({ flags, dockerConfig: file });
}

function content() {
  return new ContentStore(tempDir('slipway-content-'));
}

async function pull(
  registryClient: ReturnType<typeof client>,
  ref: string,
  platform: string,
  store = content(),
) {
  const image = await resolveRemoteImage(
    registryClient,
    store,
    parseRegistryReference(ref),
    platform,
  );
  const rows: string[] = [];
  await pullLayers(registryClient, store, image, (row) => rows.push(row));
  return { image, store, rows };
}

describe('anonymous registry', { skip }, () => {
  let rig: RegistryRig;
  before(async () => {
    rig = await startRegistry('anonymous');
    await skopeoCopy(BUSYBOX, `docker://${rig.host}/library/busybox:latest`);
  });
  after(() => rig?.stop());

  test('pulls busybox for amd64 and arm64 as skopeo pushed it', async () => {
    const index = JSON.parse(
      await skopeoRawManifest(`docker://${rig.host}/library/busybox:latest`),
    ) as {
      manifests: { digest: string; platform: { architecture: string } }[];
    };
    const registryClient = client();
    for (const [platform, arch] of [
      ['linux/amd64', 'amd64'],
      ['linux/arm64', 'arm64'],
    ]) {
      const { image, store, rows } = await pull(
        registryClient,
        `${rig.host}/library/busybox`,
        platform!,
      );
      const expected = index.manifests.find(
        (m) => m.platform.architecture === arch,
      );
      assert.equal(image.digest, expected?.digest);
      assert.equal(image.config.architecture, arch);
      for (const layer of image.manifest.layers) {
        assert.equal(sha256Digest(store.read(layer.digest)), layer.digest);
      }
      assert.match(
        rows.at(-1) ?? '',
        /^sha256:[a-f0-9]{64} \S+ \/ \S+ [\d.]+s done$/,
      );
    }
  });

  test('an unknown tag and an unknown platform fail with BuildKit words', async () => {
    await assert.rejects(
      pull(client(), `${rig.host}/library/busybox:nope`, 'linux/amd64'),
      new RegExp(`^Error: ${rig.host}/library/busybox:nope: not found$`),
    );
    await assert.rejects(
      pull(client(), `${rig.host}/library/busybox`, 'linux/s390x'),
      /no match for platform in manifest: not found/,
    );
  });

  test('refuses a blob whose bytes do not match its digest', async () => {
    await skopeoCopy(BUSYBOX, `docker://${rig.host}/corrupt/busybox:latest`);
    const registryClient = client();
    const store = content();
    const image = await resolveRemoteImage(
      registryClient,
      store,
      parseRegistryReference(`${rig.host}/corrupt/busybox`),
      'linux/amd64',
    );
    const layer = image.manifest.layers[0]!;
    const hex = layer.digest.slice('sha256:'.length);
    const data = path.join(
      rig.root,
      'data/docker/registry/v2/blobs/sha256',
      hex.slice(0, 2),
      hex,
      'data',
    );
    const original = fs.readFileSync(data);
    const bytes = Buffer.from(original);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    fs.writeFileSync(data, bytes);
    try {
      await assert.rejects(
        pullLayers(registryClient, store, image, () => {}),
        new RegExp(`failed to copy ${layer.digest} from .*digest mismatch`),
      );
    } finally {
      // The registry shares blobs between repositories: put it back.
      fs.writeFileSync(data, original);
    }
    assert.equal(store.has(layer.digest), false);
    assert.deepEqual(fs.readdirSync(path.join(store.dir, 'ingest')), []);
  });

  test('pulls docker.io names through a mirror', async () => {
    await skopeoCopy(BUSYBOX, `docker://${rig.host}/library/mirrored:1.0`);
    const registryClient = client(undefined, {
      mirrors: [`docker.io=http://${rig.host}`],
    });
    const { image } = await pull(registryClient, 'mirrored:1.0', 'linux/arm64');
    assert.equal(image.endpoint?.host, rig.host);
    assert.equal(image.endpoint?.mirror, true);
    assert.equal(image.config.architecture, 'arm64');
  });

  test('falls back from the built-in store to the registry', async () => {
    const source = new RegistryImageSource({
      builtin: new OciImageStore(BUILTIN),
      client: client(),
      content: content(),
    });
    const builtin = await source.resolve('busybox:latest', 'linux/amd64');
    const remote = await source.resolve(
      `${rig.host}/library/busybox:latest`,
      'linux/amd64',
    );
    assert.equal(remote.digest, builtin.digest);
    assert.equal(remote.ref, `${rig.host}/library/busybox:latest`);
    await assert.rejects(
      source.resolve(`${rig.host}/library/absent`, 'linux/amd64'),
      new RegExp(
        `^Error: failed to resolve source metadata for ${rig.host}/library/absent:latest: ${rig.host}/library/absent:latest: not found$`,
      ),
    );
  });

  test('pushes the built-in busybox index; skopeo reads the same digest', async () => {
    const top = JSON.parse(
      fs.readFileSync(path.join(BUILTIN, 'index.json'), 'utf8'),
    ) as {
      manifests: {
        digest: string;
        mediaType: string;
        size: number;
        annotations?: Record<string, string>;
      }[];
    };
    const root = top.manifests.find(
      (m) =>
        m.annotations?.['org.opencontainers.image.ref.name'] ===
        'docker.io/library/busybox:latest',
    )!;
    const source = {
      path: (d: string) => path.join(BUILTIN, 'blobs/sha256', d.slice(7)),
    };
    const ref = parseRegistryReference(`${rig.host}/pushed/busybox:v1`);
    const first = await pushImage(client(), ref, root, source);
    assert.equal(first.uploaded, 8);
    const again = await pushImage(client(), ref, root, source);
    assert.equal(again.uploaded, 0);

    const raw = await skopeoRawManifest(
      `docker://${rig.host}/pushed/busybox:v1`,
    );
    assert.equal(sha256Digest(Buffer.from(raw)), root.digest);
    const out = tempDir('slipway-skopeo-');
    await skopeoCopy(`docker://${rig.host}/pushed/busybox:v1`, `oci:${out}:v1`);
    assert.ok(
      fs.existsSync(path.join(out, 'blobs/sha256', root.digest.slice(7))),
    );
  });
});

describe('htpasswd registry', { skip }, () => {
  let rig: RegistryRig;
  before(async () => {
    rig = await startRegistry('htpasswd');
    await skopeoCopy(BUSYBOX, `docker://${rig.host}/library/busybox:latest`, {
      destCreds: `${rig.user.username}:${rig.user.password}`,
    });
  });
  after(() => rig?.stop());

  test('pulls with credentials from the Docker config', async () => {
    const { image } = await pull(
      client(rig),
      `${rig.host}/library/busybox`,
      'linux/arm64',
    );
    assert.equal(image.config.architecture, 'arm64');
  });

  test('without credentials says basic auth needs them', async () => {
    await assert.rejects(
      pull(client(), `${rig.host}/library/busybox`, 'linux/amd64'),
      /failed to authorize: no credentials for 127\.0\.0\.1:\d+ \(basic auth\)/,
    );
  });
});

describe('token registry', { skip }, () => {
  let rig: RegistryRig;
  before(async () => {
    rig = await startRegistry('token');
    await skopeoCopy(BUSYBOX, `docker://${rig.host}/library/busybox:latest`, {
      destCreds: `${rig.user.username}:${rig.user.password}`,
    });
  });
  after(() => rig?.stop());

  test('pulls anonymously with one cached pull token', async () => {
    rig.tokenRequests.length = 0;
    const registryClient = client();
    await pull(registryClient, `${rig.host}/library/busybox`, 'linux/amd64');
    await pull(registryClient, `${rig.host}/library/busybox`, 'linux/arm64');
    assert.deepEqual(rig.tokenRequests, [
      {
        account: undefined,
        scopes: ['repository:library/busybox:pull'],
        granted: ['repository:library/busybox:pull'],
      },
    ]);
  });

  test('pushes with a pull,push token; skopeo pulls what we pushed', async () => {
    rig.tokenRequests.length = 0;
    const registryClient = client(rig);
    const store = content();
    const { image } = await pull(
      registryClient,
      `${rig.host}/library/busybox`,
      'linux/amd64',
      store,
    );
    const ref = parseRegistryReference(`${rig.host}/team/app:v2`);
    const root = {
      mediaType:
        image.manifest.mediaType ??
        'application/vnd.oci.image.manifest.v1+json',
      digest: image.digest,
      size: store.read(image.digest).length,
    };
    await pushImage(registryClient, ref, root, store);
    assert.ok(
      rig.tokenRequests.some(
        (r) =>
          r.account === 'rig' &&
          r.granted.includes('repository:team/app:pull,push'),
      ),
      JSON.stringify(rig.tokenRequests),
    );
    const raw = await skopeoRawManifest(`docker://${rig.host}/team/app:v2`);
    assert.equal(sha256Digest(Buffer.from(raw)), image.digest);
  });

  test('asks again with the wider scope on insufficient_scope, then gives up', async () => {
    rig.tokenRequests.length = 0;
    const registryClient = client();
    const store = content();
    const { image } = await pull(
      registryClient,
      `${rig.host}/library/busybox`,
      'linux/amd64',
      store,
    );
    const root = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.digest,
      size: store.read(image.digest).length,
    };
    await assert.rejects(
      pushImage(
        registryClient,
        parseRegistryReference(`${rig.host}/team/anon:v1`),
        root,
        store,
      ),
      /failed to (check blob|push)/,
    );
    const pushAsks = rig.tokenRequests.filter((r) =>
      r.scopes.some((s) => s.includes('team/anon') && s.includes('push')),
    );
    assert.ok(pushAsks.length >= 2, JSON.stringify(rig.tokenRequests));
    assert.ok(
      pushAsks.every((r) => !r.granted.some((g) => g.includes('push'))),
    );
  });
});

describe('slipway build with the rig', { skip }, () => {
  let rig: RegistryRig;
  before(async () => {
    rig = await startRegistry('anonymous');
    await skopeoCopy(BUSYBOX, `docker://${rig.host}/library/busybox:latest`);
  });
  after(() => rig?.stop());

  test('FROM 127.0.0.1:PORT/library/busybox, pushed with type=image,push=true', async () => {
    const dir = tempDir('slipway-regbuild-');
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      `FROM ${rig.host}/library/busybox\nRUN echo pushed > /greeting\nCMD ["cat", "/greeting"]\n`,
    );
    const env = {
      SLIPWAY_HOME: testHome(),
      DOCKER_CONFIG: tempDir('slipway-dc-'),
    };
    const run = await runCli(
      [
        'build',
        '--progress=plain',
        '--platform=linux/amd64,linux/arm64',
        '--output',
        `type=image,name=${rig.host}/built/app:v1,push=true`,
        dir,
      ],
      { env },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /extracting sha256:[a-f0-9]{64} [\d.]+s done/);
    assert.match(run.stderr, /pushing manifest for .*built\/app:v1@sha256:/);

    const raw = await skopeoRawManifest(`docker://${rig.host}/built/app:v1`);
    const index = JSON.parse(raw) as {
      manifests: { platform: { architecture: string } }[];
    };
    assert.deepEqual(
      index.manifests.map((m) => m.platform.architecture).sort(),
      ['amd64', 'arm64'],
    );
    const pushedDigest = /pushing manifest for \S+@(sha256:[a-f0-9]{64})/.exec(
      run.stderr,
    )?.[1];
    assert.equal(sha256Digest(Buffer.from(raw)), pushedDigest);

    const out = tempDir('slipway-skopeo-');
    await skopeoCopy(`docker://${rig.host}/built/app:v1`, `oci:${out}:v1`);
    const pulled = await pull(
      client(),
      `${rig.host}/built/app:v1`,
      'linux/arm64',
    );
    const config = pulled.image.config as { config: { Cmd: string[] } };
    assert.deepEqual(config.config.Cmd, ['cat', '/greeting']);
    // The base image's layer, then one layer for the RUN step.
    const layers = pulled.image.manifest.layers.map((l) => l.digest);
    assert.equal(layers.length, 2);
    const greeting = execFileSync('tar', [
      '-xzOf',
      pulled.store.path(layers[1]!),
      'greeting',
    ]).toString();
    assert.equal(greeting, 'pushed\n');
    const busybox = execFileSync('tar', [
      '-tzvf',
      pulled.store.path(layers[0]!),
      'bin/busybox',
    ]).toString();
    assert.match(busybox, /^-rwxr-xr-x 0\/0 /);
  });
});
